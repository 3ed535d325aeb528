import SlateSSE
import SlateTestSupport
import Testing

/// Random streams built from the bytes that matter (field names, colons, spaces, CR, LF,
/// BOM bytes, NUL, invalid UTF-8): the incremental parser agrees with a direct batch
/// reading of the spec, and with itself under every chunking tried.
@Suite struct RandomStreamTests {
  /// The spec read literally over the whole input at once: strip one BOM, cut lines at
  /// CR / LF / CRLF, drop a last line with no ending, interpret each line.
  struct Reference {
    var events: [String] = []
    var lastEventId = ""
    var retry: Int?

    init(_ bytes: [UInt8]) {
      var input = bytes[...]
      if input.starts(with: [0xEF, 0xBB, 0xBF]) { input = input.dropFirst(3) }
      var lines: [ArraySlice<UInt8>] = []
      var start = input.startIndex
      var i = input.startIndex
      while i < input.endIndex {
        let byte = input[i]
        if byte == 0x0A || byte == 0x0D {
          lines.append(input[start..<i])
          if byte == 0x0D && i + 1 < input.endIndex && input[i + 1] == 0x0A { i += 1 }
          start = i + 1
        }
        i += 1
      }
      var data: [UInt8] = []
      var type: [UInt8] = []
      var idBuffer: [UInt8] = []
      for line in lines {
        if line.isEmpty {
          lastEventId = String(decoding: idBuffer, as: UTF8.self)
          if !data.isEmpty {
            let text = String(decoding: data.dropLast(), as: UTF8.self)
            let name = type.isEmpty ? "message" : String(decoding: type, as: UTF8.self)
            events.append("\(name)|\(text)|\(lastEventId)|\(retry.map(String.init) ?? "nil")")
          }
          data = []
          type = []
          continue
        }
        if line.first == UInt8(ascii: ":") { continue }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let name = String(decoding: line[..<(colon ?? line.endIndex)], as: UTF8.self)
        var value = colon.map { line[($0 + 1)...] } ?? line[line.endIndex...]
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        switch name {
        case "event": type = Array(value)
        case "data": data += value + [0x0A]
        case "id" where !value.contains(0): idBuffer = Array(value)
        case "retry" where !value.isEmpty && value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }):
          retry = Int(String(decoding: value, as: UTF8.self)) ?? Int.max
        default: break
        }
      }
    }
  }

  static let pieces: [[UInt8]] = [
    "data", "data:", "data: ", "event:", "event: e", "id:", "id: 7", "retry:", "retry: 15", "retry: 1x", ":", ": c",
    "x", "é", " ", "\n", "\r", "\r\n", "\n\n", "\r\r", "\r\n\r\n",
  ].map { Array($0.utf8) } + [[0xEF, 0xBB, 0xBF], [0xEF, 0xBB], [0x00], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98, 0x80]]

  static func randomStream(seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    var bytes: [UInt8] = []
    for _ in 0..<Int.random(in: 0...40, using: &generator) {
      bytes += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
    }
    return bytes
  }

  @Test func agreesWithTheBatchReadingOfTheSpec() {
    var failures: [String] = []
    for seed in UInt64(1)...3000 {
      let bytes = Self.randomStream(seed: seed)
      let reference = Reference(bytes)
      let run = ParserRun(bytes)
      let got = run.events.map { "\($0.type)|\($0.data)|\($0.lastEventId)|\($0.retry.map(String.init) ?? "nil")" }
      if got != reference.events || run.lastEventId != reference.lastEventId || run.retry != reference.retry {
        failures.append("seed \(seed) \(bytes): \(got) / \(run.lastEventId) / \(String(describing: run.retry)), "
          + "expected \(reference.events) / \(reference.lastEventId) / \(String(describing: reference.retry))")
      }
      if failures.count >= 3 { break }
    }
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
  }

  @Test(arguments: [SSELimits.default, SSELimits(maxLineBytes: 6, maxEventDataBytes: 5)], [false, true])
  func everyChunkingAgrees(limits: SSELimits, flushOnEOF: Bool) {
    let options = SSEParser.Options(limits: limits, flushOnEOF: flushOnEOF)
    var failures: [String] = []
    for seed in UInt64(1)...600 {
      let bytes = Self.randomStream(seed: seed)
      let whole = ParserRun(bytes, options: options)
      var chunkings = [SeededChunking.fixedCuts(count: bytes.count, size: 1)]
      chunkings += (1..<max(1, bytes.count)).map { [$0] }
      chunkings.append(SeededChunking.randomCuts(count: bytes.count, maxChunk: 4, seed: seed))
      for cuts in chunkings {
        if let difference = whole.firstDifference(from: ParserRun(bytes, cuts: cuts, options: options)) {
          failures.append("seed \(seed) \(bytes) cuts \(cuts): \(difference)")
          break
        }
      }
      // Offsets stay inside the input.
      for output in whole.outputs {
        let range = output.event?.byteRange ?? output.diagnostic?.byteRange
        if let range, range.upperBound > bytes.count { failures.append("seed \(seed): \(output) beyond \(bytes.count)") }
      }
      if failures.count >= 3 { break }
    }
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
  }
}
