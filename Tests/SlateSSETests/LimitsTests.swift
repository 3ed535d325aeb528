import Testing

@testable import SlateSSE

/// Limits: a clean diagnostic at the first offending byte, recovery at the next event,
/// bounded memory; and linear time on a huge event fed one byte at a time.
@Suite struct LimitsTests {
  static let small = SSEParser.Options(limits: SSELimits(maxLineBytes: 16, maxEventDataBytes: 10))

  @Test func tooLongFieldLineDropsItsEventAndRecovers() {
    // "data: ok\n\n" 0–9; "id: 9\n" 10–15; the long line starts at 16.
    let bytes = "data: ok\n\nid: 9\n".bytes + "data: \(String(repeating: "x", count: 30))\n".bytes
      + "data: more\n\ndata: after\n\n".bytes
    let run = ParserBehaviorTests.parse(bytes, options: Self.small)
    #expect(run.events.map(\.data) == ["ok", "after"])
    // The id of the dropped event is dropped with it.
    #expect(run.events.map(\.lastEventId) == ["", ""])
    let diagnostic = run.diagnostics.first
    #expect(run.diagnostics.count == 1)
    #expect(diagnostic?.code == .sseLineTooLong)
    #expect(diagnostic?.severity == .error)
    #expect(diagnostic?.offset == 16 + 16)
    #expect(run.events.last?.byteRange.lowerBound == bytes.count - "data: after\n\n".utf8.count)
  }

  @Test func tooLongCommentIsSkippedWithoutLosingTheEvent() {
    let bytes = "data: a\n: \(String(repeating: "c", count: 40))\ndata: b\n\n".bytes
    let run = ParserBehaviorTests.parse(bytes, options: Self.small)
    #expect(run.events.map(\.data) == ["a\nb"])
    #expect(run.comments.isEmpty)
    #expect(run.diagnostics.map(\.severity) == [.warning])
    #expect(run.diagnostics.first?.code == .sseLineTooLong)
    #expect(run.diagnostics.first?.offset == 8 + 16)
  }

  @Test func tooLargeEventIsDroppedAtItsFirstOffendingByte() {
    // "data: 12345\n" 0–11; "data: 67890\n" 12–23, value at 18: the data "12345\n6789"
    // is 10 bytes, so the 11th, "0" at 22, is the first past the limit.
    let bytes = "id: 3\ndata: 12345\ndata: 67890\n\ndata: ok\n\n".bytes
    let run = ParserBehaviorTests.parse(Array(bytes.dropFirst(6)), options: Self.small)
    #expect(run.events.map(\.data) == ["ok"])
    #expect(run.diagnostics.map(\.code) == [.sseEventTooLarge])
    #expect(run.diagnostics.first?.offset == 22)
    #expect(run.diagnostics.first?.severity == .error)
    // Exactly at the limit is fine.
    let atLimit = ParserBehaviorTests.parse("data: 12345\ndata: 6789\n\n".bytes, options: Self.small)
    #expect(atLimit.events.map(\.data) == ["12345\n6789"] && atLimit.diagnostics.isEmpty)
    // An id before the violation is dropped with the event.
    let withId = ParserBehaviorTests.parse(bytes, options: Self.small)
    #expect(withId.lastEventId == "")
  }

  @Test func memoryStaysBoundedWhileSkipping() {
    var parser = SSEParser(options: SSEParser.Options(limits: SSELimits(maxLineBytes: 1024, maxEventDataBytes: 4096)))
    var outputs: [SSEOutput] = []
    // A 4 MB line, fed in 4 KB chunks.
    parser.feed("data: ".bytes, into: &outputs)
    let block = [UInt8](repeating: UInt8(ascii: "x"), count: 4096)
    for _ in 0..<1024 { parser.feed(block, into: &outputs) }
    #expect(parser.state == .skippingLine)
    #expect(parser.lineBuffer.capacity <= SSEParser.retainedCapacity)
    // 4 MB of data in short lines: the event is dropped at 4 KB and its data not kept.
    parser.feed("\n\n".bytes, into: &outputs)
    let line = "data: \(String(repeating: "y", count: 94))\n".bytes
    for _ in 0..<40_000 { parser.feed(line, into: &outputs) }
    #expect(parser.dataBuffer.capacity <= SSEParser.retainedCapacity)
    parser.feed("\ndata: ok\n\n".bytes, into: &outputs)
    parser.finish(into: &outputs)
    #expect(outputs.compactMap(\.diagnostic).map(\.code) == [.sseLineTooLong, .sseEventTooLarge])
    #expect(outputs.compactMap(\.event).map(\.data) == ["ok"])
  }

  /// A single huge event, one byte per `feed`: completes because nothing buffered is
  /// scanned again (a rescan per byte would be quadratic: 2·10^12 steps for 2 MB).
  @Test(.timeLimit(.minutes(2)))
  func hugeEventFedOneByteAtATime() {
    #if DEBUG
      let size = 2 << 20
    #else
      let size = 10 << 20
    #endif
    var bytes = "data: ".bytes
    bytes += repeatElement(UInt8(ascii: "a"), count: size)
    bytes += "\n\n".bytes
    let outputs = Self.feedOneByteAtATime(
      bytes, options: SSEParser.Options(limits: SSELimits(maxLineBytes: size + 6, maxEventDataBytes: size)))
    #expect(outputs.count == 1)
    let event = outputs.first?.event
    #expect(event?.data.utf8.count == size)
    #expect(event?.data.utf8.allSatisfy { $0 == UInt8(ascii: "a") } == true)
    #expect(event?.byteRange == 0..<(size + 8))
  }

  /// The same for an event of many CRLF-terminated data lines.
  @Test(.timeLimit(.minutes(2)))
  func manyLinesFedOneByteAtATime() {
    let line = "data: 0123456789abcdef\r\n".bytes
    let lines = 40_000
    var bytes: [UInt8] = []
    for _ in 0..<lines { bytes += line }
    bytes += "\r\n".bytes
    let outputs = Self.feedOneByteAtATime(bytes, options: .default)
    #expect(outputs.count == 1)
    #expect(outputs.first?.event?.data.utf8.count == lines * 17 - 1)
    #expect(outputs.first?.event?.byteRange == 0..<(bytes.count - 1))
  }

  /// One `feed` per byte, straight from the input's storage, then `finish()`.
  static func feedOneByteAtATime(_ bytes: [UInt8], options: SSEParser.Options) -> [SSEOutput] {
    var parser = SSEParser(options: options)
    var outputs: [SSEOutput] = []
    bytes.withUnsafeBytes { raw in
      for i in raw.indices { parser.feed(UnsafeRawBufferPointer(rebasing: raw[i..<(i + 1)]), into: &outputs) }
    }
    parser.finish(into: &outputs)
    return outputs
  }
}
