import SlateTestSupport
import SlateJSON

/// Everything a framer reported over one text: the framer's view of a
/// ``PushParserVerifier`` run (guard bytes around every chunk; ``leftovers`` is what a
/// second `finish` reported, which the transcript includes).
struct FramerRun {
  var events: [FramerEvent]
  var status: JSONFramer.Status
  var leftovers: [FramerEvent] = []

  var values: [FramedValue] {
    events.compactMap { if case .value(let v) = $0 { v } else { nil } }
  }
  var announcements: [ValueAnnouncement] {
    events.compactMap { if case .started(let a) = $0 { a } else { nil } }
  }
  var diagnostics: [FramerDiagnostic] {
    events.compactMap { if case .diagnostic(let d) = $0 { d } else { nil } }
  }
  var diagnostic: FramerDiagnostic? { diagnostics.first }

  /// One line per event with everything that must not depend on the chunking, then the status.
  var transcript: [String] {
    events.map { event in
      switch event {
      case .value(let v):
        "value \(v.index) \(v.range) \(Array(v.bytes.bytes)) \(v.value?.canonicalString ?? "-")"
      case .started(let a):
        "started \(a.index) \(a.offset) \(a.readyAt) \(a.type.canonicalString) \(JSONValue.object(a.keys).canonicalString)"
      case .diagnostic(let d):
        "diagnostic \(d.code.rawValue) \(d.offset) \(d.message)"
      }
    } + ["status \(status)"] + (leftovers.isEmpty ? [] : ["\(leftovers.count) events after finish"])
  }
}

/// Feeds `bytes` to a fresh framer, cut after each offset in `cuts`, then finishes.
func frame(_ bytes: [UInt8], _ framing: Framing, cuts: [Int] = [], limits: FramerLimits = .default,
           announcements: AnnouncementRule? = AnnouncementRule(), parser: SimdjsonParser? = nil) -> FramerRun
{
  let framer = JSONFramer(framing: framing, limits: limits, announcements: announcements, parser: parser)
  let run = PushParserVerifier.run(framer, bytes, cuts: cuts)
  return FramerRun(events: run.outputs, status: run.parser.status, leftovers: run.leftovers)
}

func frame(_ text: String, _ framing: Framing, cuts: [Int] = [], limits: FramerLimits = .default,
           announcements: AnnouncementRule? = AnnouncementRule(), parser: SimdjsonParser? = nil) -> FramerRun
{
  frame(Array(text.utf8), framing, cuts: cuts, limits: limits, announcements: announcements, parser: parser)
}

/// The chunkings every chunk-invariance check uses (``PushParserVerifier/chunkings``):
/// whole, one byte at a time, every single split point (for texts up to `exhaustiveUpTo`
/// bytes), and seeded random cuts.
func chunkings(for count: Int, exhaustiveUpTo: Int = 512, randomSeeds: ClosedRange<UInt64> = 1...4)
  -> [PushParserVerifier.Chunking]
{
  PushParserVerifier.chunkings(count: count, exhaustiveUpTo: exhaustiveUpTo,
                               random: randomSeeds.flatMap { seed in [(seed, 2), (seed &* 31, 17)] })
}

/// The first chunking under which the transcript differs from the whole text's (or a run
/// leaves events after `finish`), if any: ``PushParserVerifier/firstDifference``.
func firstChunkingDifference(_ bytes: [UInt8], _ framing: Framing, limits: FramerLimits = .default,
                             announcements: AnnouncementRule? = AnnouncementRule(), parser: SimdjsonParser? = nil,
                             exhaustiveUpTo: Int = 512) -> String?
{
  PushParserVerifier.firstDifference(
    { JSONFramer(framing: framing, limits: limits, announcements: announcements, parser: parser) }, bytes,
    chunkings: chunkings(for: bytes.count, exhaustiveUpTo: exhaustiveUpTo)
  ) { run in FramerRun(events: run.outputs, status: run.parser.status, leftovers: run.leftovers).transcript }
}

/// How the one-shot path judges a whole document: simdjson's verdict, with the
/// locator's code and offset on failure.
func oneShot(_ bytes: [UInt8], _ parser: SimdjsonParser) -> Result<JSONValue, JSONParseError> {
  Result { () throws(JSONParseError) in try parser.parse(bytes) }
}

/// The framer's own scan, without simdjson materialising values, must reach the verdict
/// of a run with a parser: only number ranges are left to simdjson. Returns a failure
/// description, or nil.
func syntaxOnlyDifference(_ bytes: [UInt8], _ framing: Framing, withParser run: FramerRun) -> String? {
  let syntaxOnly = frame(bytes, framing)
  if run.diagnostic?.code == .jsonNumberOutOfRange { return nil }
  guard syntaxOnly.diagnostic == run.diagnostic, syntaxOnly.values.map(\.range) == run.values.map(\.range) else {
    return "without a parser: \(syntaxOnly.transcript), with one: \(run.transcript)"
  }
  return nil
}

/// Whether the framer's diagnostic is the one-shot's, or one of the two documented
/// differences of reporting order: the locator reports invalid UTF-8 anywhere before any
/// syntax error (the framer stops at the first error in text order), and judges number
/// ranges after all syntax (the framer, as each value completes).
func agrees(_ framer: FramerDiagnostic, with oneShot: JSONParseError) -> Bool {
  if framer.code == oneShot.code && framer.offset == oneShot.offset { return true }
  if oneShot.code == .jsonInvalidUTF8 && framer.offset < oneShot.offset { return true }
  if framer.code == .jsonNumberOutOfRange && framer.offset < oneShot.offset { return true }
  return false
}

// MARK: Random documents

/// Random JSON values and random spellings of them.
struct RandomJSON {
  var rng: SplitMix64

  init(seed: UInt64) { rng = SplitMix64(seed: seed) }

  mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
  mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

  /// A value nested at most `depth` more levels.
  mutating func value(depth: Int) -> JSONValue {
    switch int(0...(depth > 0 ? 9 : 5)) {
    case 0: return .null
    case 1: return .bool(chance(50))
    case 2, 3: return .number(number())
    case 4, 5: return .string(string())
    case 6, 7: return .array((0..<int(0...4)).map { _ in value(depth: depth - 1) })
    default:
      var object = JSONObject()
      for _ in 0..<int(0...4) { object.append(key: string(maxLength: 6), value: value(depth: depth - 1)) }
      return .object(object)
    }
  }

  /// Numbers of every shape: sign, zero or digits, fraction, exponent (e/E, +/-/none),
  /// long mantissas; when `huge`, now and then one simdjson cannot hold (an exponent
  /// beyond a double's range, an integer beyond 64 bits).
  mutating func number(huge: Bool = false) -> JSONNumber {
    var lexeme = chance(30) ? "-" : ""
    if chance(20) {
      lexeme += "0"
    } else {
      lexeme += String(int(1...9))
      for _ in 0..<int(0...(chance(10) ? 25 : 4)) { lexeme += String(int(0...9)) }
    }
    if chance(35) {
      lexeme += "."
      for _ in 0..<int(1...5) { lexeme += String(int(0...9)) }
    }
    if chance(30) {
      lexeme += chance(50) ? "e" : "E"
      lexeme += ["", "+", "-"][int(0...2)]
      lexeme += String(int(0...(huge && chance(20) ? 999 : 40)))
    }
    // simdjson holds an integer lexeme only within 64 bits.
    if !huge && lexeme.utf8.count > 19 && !lexeme.contains(where: { ".eE".contains($0) }) { lexeme += ".5" }
    return JSONNumber(lexeme: lexeme)!
  }

  /// Scalars of every UTF-8 length, controls, quotes, backslashes, astral characters.
  mutating func string(maxLength: Int = 12) -> String {
    var s = String.UnicodeScalarView()
    for _ in 0..<int(0...maxLength) {
      let scalar: UInt32 =
        switch int(0...9) {
        case 0: UInt32(int(0...0x1F))
        case 1: [0x22, 0x5C, 0x2F, 0x7F][int(0...3)]
        case 2: UInt32(int(0x80...0x7FF))
        case 3: UInt32(chance(50) ? int(0x800...0xD7FF) : int(0xE000...0xFFFF))
        case 4: UInt32(int(0x10000...0x10FFFF))
        default: UInt32(int(0x20...0x7E))
        }
      s.append(Unicode.Scalar(scalar)!)
    }
    return String(s)
  }

  /// Random whitespace: usually none, sometimes a run of the four RFC 8259 bytes.
  mutating func whitespace(into out: inout [UInt8]) {
    guard chance(30) else { return }
    for _ in 0..<int(1...3) { out.append([0x20, 0x09, 0x0A, 0x0D][int(0...3)]) }
  }

  /// `value` spelled with random whitespace and random escapes (short escapes, `\u`
  /// with either case of hex digits, surrogate pairs, escaped '/', raw UTF-8).
  mutating func write(_ value: JSONValue, into out: inout [UInt8]) {
    switch value {
    case .null: out += Array("null".utf8)
    case .bool(let b): out += Array((b ? "true" : "false").utf8)
    case .number(let n): out += Array(n.lexeme.utf8)
    case .string(let s): write(string: s, into: &out)
    case .array(let elements):
      out.append(UInt8(ascii: "["))
      whitespace(into: &out)
      for (k, element) in elements.enumerated() {
        if k > 0 {
          out.append(UInt8(ascii: ","))
          whitespace(into: &out)
        }
        write(element, into: &out)
        whitespace(into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      out.append(UInt8(ascii: "{"))
      whitespace(into: &out)
      for (k, member) in object.members.enumerated() {
        if k > 0 {
          out.append(UInt8(ascii: ","))
          whitespace(into: &out)
        }
        write(string: member.key, into: &out)
        whitespace(into: &out)
        out.append(UInt8(ascii: ":"))
        whitespace(into: &out)
        write(member.value, into: &out)
        whitespace(into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  mutating func write(string: String, into out: inout [UInt8]) {
    func u(_ unit: UInt32, upper: Bool) -> [UInt8] {
      let digits = String(unit, radix: 16, uppercase: upper)
      return Array(("\\u" + String(repeating: "0", count: 4 - digits.count) + digits).utf8)
    }
    out.append(UInt8(ascii: "\""))
    for scalar in string.unicodeScalars {
      let v = scalar.value
      let short: [UInt32: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x08: 0x62, 0x0C: 0x66, 0x0A: 0x6E, 0x0D: 0x72, 0x09: 0x74]
      if v < 0x20 || v == 0x22 || v == 0x5C || chance(10) {
        if let s = short[v], chance(60) {
          out += [UInt8(ascii: "\\"), s]
        } else if v == 0x2F && chance(50) {
          out += [UInt8(ascii: "\\"), UInt8(ascii: "/")]
        } else if v >= 0x10000 {
          let w = v - 0x10000
          out += u(0xD800 + (w >> 10), upper: chance(50)) + u(0xDC00 + (w & 0x3FF), upper: chance(50))
        } else {
          out += u(v, upper: chance(50))
        }
      } else {
        out += Array(String(scalar).utf8)
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  /// One corruption of a document: a byte replaced, inserted or deleted, or the end cut.
  mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    let interesting: [UInt8] = Array("{}[]:,\"\\/-+.eE0123456789tfnu xa".utf8)
      + [0x00, 0x09, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF]
    let at = out.isEmpty ? 0 : int(0...(out.count - 1))
    switch int(0...3) {
    case 0 where !out.isEmpty: out[at] = interesting[int(0...(interesting.count - 1))]
    case 1: out.insert(interesting[int(0...(interesting.count - 1))], at: at)
    case 2 where !out.isEmpty: out.remove(at: at)
    default: out = Array(out.prefix(at))
    }
    return out
  }
}

/// The verifier's chunkings, by their short name.
typealias Chunking = PushParserVerifier.Chunking
