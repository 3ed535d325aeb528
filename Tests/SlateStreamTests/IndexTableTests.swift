@testable import SlateStream
import Testing

/// ``IndexTable``, read and written in place: keys inside and outside the inline range
/// (negative, 1,024 and beyond), absent keys, writes through a field, and removal.
@Suite struct IndexTableTests {
  struct Entry: IndexTableElement, Equatable {
    var name: String
    var count = 0
    nonisolated(unsafe) static let absent = permanentNil(Entry.self)
  }

  @Test func readsWhatWasWrittenAtEveryKind() {
    var table = IndexTable<Entry>()
    let keys = [0, 3, 1023, 1024, 5000, -1, Int.min, Int.max]
    for key in keys { #expect(table[key] == nil) }
    for key in keys { table[key] = Entry(name: "k\(key)") }
    for key in keys { #expect(table[key] == Entry(name: "k\(key)")) }
    // Absent keys between and beyond the written ones still read nil.
    for key in [1, 2, 1022, 1025, -2, 4999] { #expect(table[key] == nil) }
  }

  @Test func writesThroughAFieldInPlace() {
    var table = IndexTable<Entry>()
    table[2] = Entry(name: "a")
    table[70_000] = Entry(name: "b")
    for _ in 0..<10 {
      table[2]!.count += 1
      table[70_000]!.count += 2
      table[2]!.name += "a"
    }
    #expect(table[2] == Entry(name: String(repeating: "a", count: 11), count: 10))
    #expect(table[70_000] == Entry(name: "b", count: 20))
    table[2] = nil
    #expect(table[2] == nil)
    #expect(table[70_000]?.count == 20)
  }

  @Test func removeAllForgetsEveryKey() {
    var table = IndexTable<Entry>()
    for key in [0, 9, 2048, -7] { table[key] = Entry(name: "\(key)") }
    table.removeAll()
    for key in [0, 9, 2048, -7] { #expect(table[key] == nil) }
    table[-7] = Entry(name: "again")
    table[9] = Entry(name: "nine")
    #expect(table[-7]?.name == "again")
    #expect(table[9]?.name == "nine")
    #expect(table[2048] == nil)
  }
}
