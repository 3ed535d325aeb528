import Testing

@testable import SlateJSON

/// The framer against simdjson one-shot on generated documents, intact and corrupted.
@Suite struct FramerDifferentialTests {
  /// Generated documents (nested objects and arrays, escapes including surrogate pairs,
  /// raw multi-byte UTF-8, numbers of every shape, random whitespace): the framer accepts
  /// each, with the value simdjson gives for the whole text and the value generated.
  @Test(arguments: 0..<4 as Range<UInt64>)
  func generatedDocumentsFrameToTheOneShotValue(batch: UInt64) throws {
    let parser = SimdjsonParser()
    var random = RandomJSON(seed: 0xD1FF_0000 + batch)
    for round in 0..<150 {
      let value = random.value(depth: 4)
      var text: [UInt8] = []
      random.whitespace(into: &text)
      random.write(value, into: &text)
      random.whitespace(into: &text)
      let expected = try parser.parse(text)
      let cuts = Chunking.random(count: text.count, seed: batch * 1000 + UInt64(round), maxChunk: round % 3 == 0 ? 1 : 9).cuts
      let run = frame(text, .value, cuts: cuts, parser: parser)
      let framed = try #require(run.values.first, "\(String(decoding: text, as: UTF8.self)): \(run.transcript)")
      #expect(run.status == .complete)
      #expect(framed.value == expected, "\(String(decoding: text, as: UTF8.self))")
      #expect(framed.value == value, "\(String(decoding: text, as: UTF8.self))")
    }
  }

  /// Corrupted documents (a byte replaced, inserted or deleted, the end cut): the same
  /// verdict as simdjson, the locator's code and offset (but for the documented order
  /// differences), and the same transcript under a random chunking.
  @Test(arguments: 0..<4 as Range<UInt64>)
  func corruptedDocumentsGetTheOneShotVerdict(batch: UInt64) {
    let parser = SimdjsonParser()
    var random = RandomJSON(seed: 0xBAD0_0000 + batch)
    var rejected = 0
    var exact = 0
    for round in 0..<400 {
      let value = random.value(depth: 3)
      var text: [UInt8] = []
      random.write(value, into: &text)
      if round % 7 == 0, case .array(var elements) = value {
        // Now and then a number beyond a double's range, which only simdjson judges.
        elements.append(.number(random.number(huge: true)))
        text = []
        random.write(.array(elements), into: &text)
      }
      for _ in 0..<random.int(1...3) { text = random.mutate(text) }
      let shown = String(decoding: text, as: UTF8.self)
      let expected = oneShot(text, parser)
      let run = frame(text, .value, parser: parser)
      #expect(syntaxOnlyDifference(text, .value, withParser: run) == nil, "\(shown)")
      switch expected {
      case .success(let value):
        #expect(run.status == .complete && run.values.first?.value == value, "\(shown): \(run.transcript)")
      case .failure(let error):
        rejected += 1
        guard let diagnostic = run.diagnostic else {
          Issue.record("\(shown): framer accepted, one-shot \(error)")
          continue
        }
        if diagnostic.code == error.code && diagnostic.offset == error.offset { exact += 1 }
        #expect(agrees(diagnostic, with: error), "\(shown): framer \(diagnostic), one-shot \(error)")
      }
      let cuts = Chunking.random(count: text.count, seed: UInt64(round), maxChunk: 1 + round % 5).cuts
      #expect(frame(text, .value, cuts: cuts, parser: parser).transcript == run.transcript, "\(shown)")
    }
    #expect(rejected > 200)
    #expect(exact > rejected * 9 / 10, "exact \(exact) of \(rejected)")
  }

  /// Every split point of small corrupted documents: one diagnostic, the same everywhere.
  @Test func corruptedDocumentsAreChunkInvariantAtEverySplit() {
    var random = RandomJSON(seed: 0x5E11)
    var failures: [String] = []
    for _ in 0..<120 {
      var text: [UInt8] = []
      random.write(random.value(depth: 3), into: &text)
      text = random.mutate(text)
      if let difference = firstChunkingDifference(text, .value, exhaustiveUpTo: 160) {
        failures.append("\(String(decoding: text, as: UTF8.self)): \(difference)")
      }
    }
    #expect(failures.isEmpty, "\(failures)")
  }
}
