import Foundation
import SlateJSON
import SlateStream
import SlateTestSupport
import Testing

/// A stream that keeps each value's parsed document (``ValueForm/document``, the default)
/// reports what one that builds each value at commit (``ValueForm/value``) does: the same
/// items, offsets and diagnostics, equal values, the same canonical bytes, whether written
/// from the document or from the built value, on every real recording (whole and in seeded
/// chunks) and on answer texts with numbers of every spelling, repeated names, escapes and
/// a number beyond a double.
@Suite struct ValueFormTests {
  static func options(_ form: ValueForm) -> ActionStreamOptions {
    var options = ActionStreamOptions.default
    options.valueForm = form
    return options
  }

  static func compare(_ bytes: [UInt8], cuts: [Int], _ label: String) {
    let built = StreamRun(bytes, options: options(.value), cuts: cuts)
    let kept = StreamRun(bytes, options: options(.document), cuts: cuts)
    #expect(kept.lines == built.lines, "\(label)")
    #expect(kept.values.count == built.values.count, "\(label)")
    for (k, b) in zip(kept.values, built.values) {
      #expect(k.document != nil && b.document == nil, "\(label)")
      #expect(k.builtValue == nil && b.builtValue != nil, "\(label)")
      #expect(k.value == b.value, "\(label) value \(k.index)")
      #expect(k.canonicalBytes == b.value.canonicalBytes, "\(label) value \(k.index)")
      var line = JSONLine()
      k.add(as: "v", to: &line)
      var expected = JSONLine()
      expected.add("v", b.value)
      #expect(line == expected, "\(label) value \(k.index)")
    }
  }

  @Test func everyRecordingWholeAndChunked() throws {
    var streams = 0
    for dialect in ["openai-chat", "openai-responses", "anthropic", "gemini"] {
      for url in SharedFixtures.files(in: "corpus-real/\(dialect)", suffix: ".sse") ?? [] {
        let bytes = Array(try Data(contentsOf: url))
        Self.compare(bytes, cuts: [], url.lastPathComponent)
        Self.compare(bytes, cuts: SeededChunking.randomCuts(count: bytes.count, maxChunk: 97, seed: UInt64(bytes.count)),
                     url.lastPathComponent + " chunked")
        streams += 1
      }
    }
    if SharedFixtures.shared != nil { #expect(streams == 30) }
  }

  @Test func answerTextsOfEveryShape() {
    let texts = [
      #"[{"type":"a","n":-0.0,"m":1E+2,"k":12345678901234567890123,"s":"\u00e9\n\"\\"},{"type":"b","x":1,"x":2,"y":[true,null,{}]}]"#,
      #"{"type":"c","big":1e400}{"type":"d","z":{"b":1,"a":[1.50,2e-3]}}"#,
    ]
    for (k, text) in texts.enumerated() {
      let bytes = Array(text.utf8)
      Self.compare(bytes, cuts: [], "text \(k)")
      Self.compare(bytes, cuts: Array(1..<bytes.count), "text \(k) bytewise")
    }
  }
}
