import SlateJSON
import SlateTestSupport

/// fuzz-framer's input: a two-byte header that says how to frame, then the text.
///
///     byte 0   bits 0-2  framing: 0 auto, 1 array, 2 sequence, 3 value, 4 field:"actions",
///                        5 value, 6 field:"a", 7 array
///              bit 3     small limits, taken from byte 1 (else the defaults)
///              bit 4     announcement rule: `type` with key fields `id` and `type` (a name
///                        wanted twice); else the default rule (`type`, no key fields)
///              bits 5-7  largest chunk: 1, 2, 3, 5, 8, 16, 64 or 4096 bytes
///     byte 1             seed of the chunk sizes; with small limits also maxDepth
///                        1 + (bits 0-2), maxValueBytes 4 << (bits 3-5), maxValues 1 + (bits 6-7)
///     bytes 2…           the text
///
/// Inputs shorter than the header are ignored.
public struct FramerFuzzInput {
  public var framing: Framing
  public var limits: FramerLimits
  public var smallLimits: Bool
  public var announcements: AnnouncementRule
  public var maxChunk: Int
  public var seed: UInt8

  static let framings: [Framing] = [.auto, .array, .sequence, .value, .field("actions"), .value, .field("a"), .array]
  static let chunkSizes = [1, 2, 3, 5, 8, 16, 64, 4096]

  public init(header b0: UInt8, _ b1: UInt8) {
    framing = Self.framings[Int(b0 & 7)]
    smallLimits = b0 & 8 != 0
    limits = smallLimits
      ? FramerLimits(maxDepth: 1 + Int(b1 & 7), maxValueBytes: 4 << Int((b1 >> 3) & 7), maxValues: 1 + Int(b1 >> 6))
      : .default
    announcements = b0 & 16 != 0 ? AnnouncementRule(discriminator: "type", keyFields: ["id", "type"]) : AnnouncementRule()
    maxChunk = Self.chunkSizes[Int(b0 >> 5)]
    seed = b1
  }

  /// The header for `framing` (one of the framings above) with default limits and rule.
  public static func header(_ framing: Framing, maxChunkIndex: UInt8 = 2, seed: UInt8 = 0) -> [UInt8] {
    let index = UInt8(framings.firstIndex(of: framing) ?? 0)
    return [index | maxChunkIndex << 5, seed]
  }
}

/// The properties fuzz-framer checks, with the parsers they need (one per limits, reused
/// across inputs). Not thread-safe: one per task.
///
/// 1. Chunk invariance: the events (values' index, range, bytes and value; announcements;
///    the diagnostic's code, offset and message) and the final status are the same for the
///    whole text and for a chunking derived from the input; snapshots taken between chunks
///    (about 32 a run) parse.
/// 2. The framer's own scan reaches the verdict of a run that materialises values, but for
///    `json.number_out_of_range`, which only simdjson judges.
/// 3. `value` framing agrees with simdjson one-shot: same verdict; on failure the same code
///    and offset up to the documented order differences (``FuzzChecks/agrees(_:with:)``);
///    on success the same value. Under `array` framing the same holds for a text whose
///    first byte (after whitespace) is `[`, the value being the array of framed values.
/// 4. Every framed value: its bytes are the text at its range, ranges increase and lie in
///    the text, indices count from 0, and re-parsing its bytes one-shot gives its value.
///    Announcements come before their value, at its offset, with its discriminator and keys.
///    A complete `sequence` has only whitespace between values; a complete `field` framing
///    frames exactly the elements of the top-level arrays under the name.
public final class FramerFuzzer {
  /// Parsers by (maxDepth, maxBytes).
  private var parsers: [[Int]: SimdjsonParser] = [:]

  public init() {}

  func parser(_ limits: JSONLimits) -> SimdjsonParser {
    if let parser = parsers[[limits.maxDepth, limits.maxBytes]] { return parser }
    let parser = SimdjsonParser(limits: limits)
    parsers[[limits.maxDepth, limits.maxBytes]] = parser
    return parser
  }

  public func check(_ input: UnsafeRawBufferPointer) {
    guard input.count >= 2 else { return }
    let setup = FramerFuzzInput(header: input[0], input[1])
    let text = UnsafeRawBufferPointer(rebasing: input[2...])
    let materialiser = parser(setup.limits.parserLimits)
    // A one-shot parser never limited by size, with the framer's depth limit.
    let oneShot = parser(JSONLimits(maxDepth: setup.limits.maxDepth, maxBytes: max(text.count, 1 << 20)))

    var random = FuzzRandom(seed: UInt64(setup.seed))
    let ends = random.chunkEnds(count: text.count, maxChunk: setup.maxChunk)
    let whole = FramerRun(text, setup, ends: [text.count], parser: materialiser)
    let chunked = FramerRun(text, setup, ends: ends, parser: materialiser, snapshots: oneShot)
    precondition(chunked.events == whole.events,
                 "chunked events differ from whole-text events: \(FuzzChecks.firstDifference(chunked.events, whole.events))")
    precondition(chunked.status == whole.status && chunked.resolved == whole.resolved, "chunked status differs")

    let syntaxOnly = FramerRun(text, setup, ends: [text.count], parser: nil)
    if whole.diagnostic?.code != .jsonNumberOutOfRange {
      precondition(syntaxOnly.diagnostic == whole.diagnostic, "the framer's own scan reaches another verdict: "
        + "\(String(describing: syntaxOnly.diagnostic)) instead of \(String(describing: whole.diagnostic))")
      precondition(syntaxOnly.values.map(\.range) == whole.values.map(\.range), "the framer's own scan frames other values")
    }

    checkValues(whole, text, setup, oneShot)
    switch whole.resolved {
    case .value?:
      checkOneShotAgreement(whole, text, setup, oneShot, document: whole.values.first?.value)
    case .array? where !setup.smallLimits && FuzzChecks.firstNonWhitespace(text) == UInt8(ascii: "["):
      checkOneShotAgreement(whole, text, setup, oneShot, document: .array(whole.values.compactMap(\.value)))
    case .field(let name)? where whole.status == .complete:
      checkField(name, whole, text, oneShot)
    case .sequence? where whole.status == .complete:
      var at = 0
      for range in whole.values.map(\.range) + [text.count..<text.count] {
        precondition(text[at..<range.lowerBound].allSatisfy(FuzzChecks.isWhitespace), "non-whitespace between sequence values")
        at = range.upperBound
      }
    default:
      break
    }
  }

  /// Property 4 for every framing.
  private func checkValues(_ run: FramerRun, _ text: UnsafeRawBufferPointer, _ setup: FramerFuzzInput,
                           _ oneShot: SimdjsonParser)
  {
    var end = 0
    var count = 0
    var announced: ValueAnnouncement?
    for event in run.raw {
      switch event {
      case .started(let announcement):
        precondition(announcement.index == count, "announcement index out of order")
        precondition(announced == nil, "two announcements before a value")
        precondition(announcement.offset >= end && announcement.offset < announcement.readyAt
          && announcement.readyAt <= text.count, "announcement offsets out of order")
        announced = announcement
      case .value(let framed):
        precondition(framed.index == count, "value index out of order")
        count += 1
        precondition(framed.range.lowerBound >= end && framed.range.upperBound <= text.count
          && !framed.range.isEmpty, "value range \(framed.range) out of order or outside the text")
        end = framed.range.upperBound
        framed.bytes.withUnsafeBytes { bytes in
          precondition(bytes.elementsEqual(text[framed.range]), "value bytes are not the text at its range")
        }
        guard let value = framed.value else { preconditionFailure("a framer with a parser left a value unparsed") }
        let again = Result { () throws(JSONParseError) in try oneShot.parse(UnsafeRawBufferPointer(rebasing: text[framed.range])) }
        precondition((try? again.get()) == value, "re-parsing a framed value one-shot gives another value")
        if let announcement = announced {
          precondition(announcement.index == framed.index && announcement.offset == framed.range.lowerBound
            && announcement.readyAt <= framed.range.upperBound, "announcement does not match its value")
          precondition(Self.has(value, setup.announcements.discriminator, announcement.type), "announced type not in the value")
          for (name, key) in zip(setup.announcements.keyFields, announcement.keys.members) {
            precondition(key.key == name && Self.has(value, name, key.value), "announced key not in the value")
          }
          announced = nil
        }
      case .diagnostic(let diagnostic):
        precondition((0...text.count).contains(diagnostic.offset), "diagnostic offset outside the text")
      }
    }
    precondition(run.raw.filter { if case .diagnostic = $0 { true } else { false } }.count <= 1, "two diagnostics")
    if let last = run.raw.last, run.diagnostic != nil {
      guard case .diagnostic = last else { preconditionFailure("an event after the diagnostic") }
    }
  }

  /// Whether `value` is an object with a member `name` equal to `member` (any occurrence).
  private static func has(_ value: JSONValue, _ name: String, _ member: JSONValue) -> Bool {
    value.objectValue?.members.contains { $0.key.utf8.elementsEqual(name.utf8) && $0.value == member } ?? false
  }

  /// Property 3: `document` is what the framer made of the text (for `array`, the array of
  /// its values).
  private func checkOneShotAgreement(_ run: FramerRun, _ text: UnsafeRawBufferPointer, _ setup: FramerFuzzInput,
                                     _ oneShot: SimdjsonParser, document: JSONValue?)
  {
    let expected = Result { () throws(JSONParseError) in try oneShot.parse(text) }
    if let diagnostic = run.diagnostic, diagnostic.code == .jsonValueTooLarge || diagnostic.code == .jsonTooManyValues { return }
    switch expected {
    case .success(let value):
      precondition(run.status == .complete, "one-shot accepts, the framer says \(String(describing: run.diagnostic))")
      precondition(document == value, "the framed value differs from the one-shot value")
      if case .value? = run.resolved {
        precondition(run.values.count == 1 && run.values[0].range == FuzzChecks.trimmed(text), "value range is not the trimmed text")
      }
    case .failure(let error):
      guard let diagnostic = run.diagnostic else { preconditionFailure("one-shot rejects (\(error)), the framer accepts") }
      precondition(FuzzChecks.agrees(diagnostic, with: error), "framer \(diagnostic), one-shot \(error)")
    }
  }

  /// A complete `field` framing frames the elements of every top-level member `name`.
  /// Numbers outside the framed values are never materialised, so never judged by
  /// simdjson: the text may hold one beyond its range.
  private func checkField(_ name: String, _ run: FramerRun, _ text: UnsafeRawBufferPointer, _ oneShot: SimdjsonParser) {
    let document = Result { () throws(JSONParseError) in try oneShot.parse(text) }
    if case .failure(let error) = document, error.code == .jsonNumberOutOfRange { return }
    guard case .success(.object(let object)) = document else {
      preconditionFailure("a complete field framing over a text one-shot does not read as an object: \(document)")
    }
    var elements: [JSONValue] = []
    for member in object.members where member.key.utf8.elementsEqual(name.utf8) {
      guard case .array(let items) = member.value else { preconditionFailure("field framing accepted a non-array member") }
      elements += items
    }
    precondition(run.values.compactMap(\.value) == elements, "field framing frames other values than the one-shot object holds")
  }
}

/// One framer run over a text cut at `ends` (a ``PushParserVerifier`` run: guard bytes
/// around every chunk, nothing left after `finish`), and what it reported.
struct FramerRun {
  var raw: [FramerEvent] = []
  var events: [FramerRecord] = []
  var values: [FramedValue] = []
  var diagnostic: FramerDiagnostic?
  var status: JSONFramer.Status
  var resolved: Framing?

  init(_ text: UnsafeRawBufferPointer, _ setup: FramerFuzzInput, ends: [Int], parser: SimdjsonParser?,
       snapshots: SimdjsonParser? = nil)
  {
    let fresh = JSONFramer(framing: setup.framing, limits: setup.limits, announcements: setup.announcements, parser: parser)
    // About 32 snapshots a run: each copies and parses the value so far.
    let stride = max(1, ends.count / 32)
    let run = PushParserVerifier.run(fresh, text, cuts: ends.filter { $0 < text.count }) { framer, k in
      guard let snapshots, k % stride == 0 else { return }
      do throws(JSONParseError) {
        _ = try framer.snapshot(with: snapshots)
      } catch {
        precondition(error.code == .jsonNumberOutOfRange, "a snapshot does not parse: \(error)")
      }
    }
    precondition(run.leftovers.isEmpty, "the framer reported \(run.leftovers.count) events after finish")
    let framer = run.parser
    let raw = run.outputs
    precondition(framer.bytesFed == text.count && framer.valuesFramed == raw.count { if case .value = $0 { true } else { false } },
                 "the framer's counters disagree with its events")
    status = framer.status
    resolved = framer.resolvedFraming
    self.raw = raw
    for event in raw {
      events.append(FramerRecord(event))
      switch event {
      case .value(let value): values.append(value)
      case .diagnostic(let d): diagnostic = d
      case .started: break
      }
    }
    precondition((diagnostic == nil) == (status == .complete), "status \(status) with diagnostic \(String(describing: diagnostic))")
  }
}

/// A framer event in a comparable form.
enum FramerRecord: Equatable {
  case value(index: Int, range: Range<Int>, bytes: [UInt8], value: JSONValue?)
  case started(index: Int, offset: Int, readyAt: Int, type: JSONValue, keys: JSONValue)
  case diagnostic(FramerDiagnostic)

  init(_ event: FramerEvent) {
    switch event {
    case .value(let v): self = .value(index: v.index, range: v.range, bytes: v.bytes.withUnsafeBytes { Array($0) }, value: v.value)
    case .started(let a): self = .started(index: a.index, offset: a.offset, readyAt: a.readyAt, type: a.type, keys: .object(a.keys))
    case .diagnostic(let d): self = .diagnostic(d)
    }
  }
}

extension FuzzChecks {
  /// The first position where two event lists differ, and what each has there.
  static func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> String {
    let k = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    return "at \(k): \(k < a.count ? "\(a[k])" : "nothing") instead of \(k < b.count ? "\(b[k])" : "nothing")"
  }

  /// Whether the framer's diagnostic is the one-shot error, or one of the documented order
  /// differences: the locator reports invalid UTF-8 anywhere before any syntax error (the
  /// framer stops at the first error in text order), and simdjson judges number ranges
  /// after all syntax (the framer, as each value completes).
  public static func agrees(_ framer: FramerDiagnostic, with oneShot: JSONParseError) -> Bool {
    if framer.code == oneShot.code && framer.offset == oneShot.offset { return true }
    if oneShot.code == .jsonInvalidUTF8 && framer.offset < oneShot.offset { return true }
    if framer.code == .jsonNumberOutOfRange && framer.offset < oneShot.offset { return true }
    return false
  }

  /// RFC 8259 §2 whitespace.
  static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

  static func firstNonWhitespace(_ text: UnsafeRawBufferPointer) -> UInt8? { text.first { !isWhitespace($0) } }

  /// The range of `text` without leading and trailing whitespace.
  static func trimmed(_ text: UnsafeRawBufferPointer) -> Range<Int> {
    let start = text.firstIndex { !isWhitespace($0) } ?? text.count
    let end = (text.lastIndex { !isWhitespace($0) } ?? start - 1) + 1
    return start..<max(start, end)
  }
}
