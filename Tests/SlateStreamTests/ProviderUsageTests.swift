import SlateJSON
@testable import SlateStream
import Testing

/// ``ProviderUsage`` kept as a copy of a document's nodes reads, prints and compares as the
/// value it holds: built or in place, equal under ``JSONValue``'s `==` (members reordered,
/// numbers respelled), unequal when a count differs; and it outlives the parse it came from.
@Suite struct ProviderUsageTests {
  @Test func aCopiedUsageIsTheValueItHolds() throws {
    let parser = SimdjsonParser()
    let text = #"{"promptTokenCount": 12, "totalTokenCount": 15.0, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12}]}"#
    let document = try parser.parseDocument(Array(text.utf8))
    let kept = ProviderUsage(document.root)
    _ = try parser.parse(Array("[1, 2, 3]".utf8))  // the parse it came from is gone
    let built = try SimdjsonParser().parse(Array(text.utf8))
    #expect(kept.value == built)
    #expect(kept.description == built.canonicalString)
    #expect(kept.canonicalBytes == built.canonicalBytes)
    #expect(kept == ProviderUsage(built))
    #expect(ProviderUsage(built) == kept)

    let other = SimdjsonParser()  // alive while its documents are read
    let respelled = try other.parseDocument(Array(
      #"{"promptTokensDetails": [{"tokenCount": 12e0, "modality": "TEXT"}], "totalTokenCount": 15, "promptTokenCount": 12}"#.utf8)).copy()
    respelled.withRoot { #expect(kept.isEqual(to: $0)) }
    let grown = try other.parseDocument(Array(
      #"{"promptTokenCount": 12, "totalTokenCount": 16, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 12}]}"#.utf8)).copy()
    grown.withRoot { node in
      #expect(!kept.isEqual(to: node))
      #expect(ProviderUsage(node) != kept)
      #expect(ProviderUsage(node).value != built)
    }
  }
}
