import SlateStream
import SlateTurn
import Testing

/// Every delta of a stream is moved as a ``StreamItem`` (and, through a pipeline, as a
/// ``TurnItem``) several times: from the dialect to the stream's items, into the caller's
/// array. The rare large cases are boxed (`indirect`), so that an item is the size of its
/// common cases, not of a summary (184 bytes) or of an action and its value (over 300): a
/// new large case, or a boxed one unboxed, fails here.
@Suite struct ItemLayoutTests {
  @Test func itemsAreTheSizeOfTheirCommonCases() {
    let common = max(MemoryLayout<Delta>.size, MemoryLayout<StreamValue>.size, MemoryLayout<StreamDiagnostic>.size,
                     MemoryLayout<ActionStart>.size)
    #expect(MemoryLayout<StreamSummary>.size > common)  // boxed in StreamItem.end
    #expect(MemoryLayout<StreamItem>.size <= common + 8, "StreamItem \(MemoryLayout<StreamItem>.size) bytes")
    #expect(MemoryLayout<TurnItem>.size <= MemoryLayout<StreamItem>.size + 8, "TurnItem \(MemoryLayout<TurnItem>.size) bytes")
  }
}
