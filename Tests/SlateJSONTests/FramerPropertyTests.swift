import Testing

@testable import SlateJSON

/// Random arrays of random objects, spelled with random whitespace and escapes and
/// chunked at random, frame back to exactly their elements.
@Suite struct FramerPropertyTests {
  /// An action-like object: a discriminator, a key, and random members.
  static func action(_ random: inout RandomJSON, index: Int) -> JSONValue {
    var object = JSONObject()
    object.append(key: "type", value: .string(["create_scene", "add_shot", "queue_video"][index % 3]))
    object.append(key: "id", value: .string("a\(index)" + random.string(maxLength: 3)))
    for _ in 0..<random.int(0...3) { object.append(key: random.string(maxLength: 5), value: random.value(depth: 2)) }
    return .object(object)
  }

  static func elements(_ random: inout RandomJSON) -> [JSONValue] {
    (0..<random.int(0...12)).map { action(&random, index: $0) }
  }

  /// Checks that the run framed exactly `elements`, in order, with ranges that hold their
  /// bytes in `text`.
  static func check(_ run: FramerRun, framed elements: [JSONValue], in text: [UInt8], _ label: String) {
    #expect(run.status == .complete, "\(label): \(run.transcript)")
    #expect(run.values.map(\.index) == Array(elements.indices), "\(label)")
    #expect(run.values.compactMap(\.value) == elements, "\(label)")
    for framed in run.values {
      #expect(Array(text[framed.range]) == Array(framed.bytes.bytes), "\(label)")
    }
  }

  /// 60 rounds: `spell` writes a text of elements and says which framings must frame them
  /// back; each framing is run on it cut at random (1-byte, small and large chunks).
  static func rounds(seed: UInt64, _ spell: (inout RandomJSON) -> (text: [UInt8], elements: [JSONValue], framings: [Framing])) {
    let parser = SimdjsonParser()
    var random = RandomJSON(seed: seed)
    for round in 0..<60 {
      let (text, elements, framings) = spell(&random)
      let cuts = Chunking.random(count: text.count, seed: UInt64(round), maxChunk: [1, 5, 64][round % 3]).cuts
      for framing in framings {
        check(frame(text, framing, cuts: cuts, parser: parser), framed: elements, in: text, "\(framing) \(round)")
      }
    }
  }

  @Test(arguments: 0..<3 as Range<UInt64>)
  func arrayFraming(batch: UInt64) {
    Self.rounds(seed: 0xA77A_0000 + batch) { random in
      let elements = Self.elements(&random)
      var text: [UInt8] = []
      random.whitespace(into: &text)
      random.write(.array(elements), into: &text)
      random.whitespace(into: &text)
      return (text, elements, [.array, .auto])
    }
  }

  @Test(arguments: 0..<3 as Range<UInt64>)
  func sequenceFraming(batch: UInt64) {
    Self.rounds(seed: 0x5E0_0000 + batch) { random in
      // Objects and arrays and strings may touch; anything else needs whitespace between.
      var elements = Self.elements(&random)
      elements += (0..<random.int(0...4)).map { _ in random.value(depth: 2) }
      var text: [UInt8] = []
      for element in elements {
        let previous = text.last
        let selfDelimited = previous == UInt8(ascii: "}") || previous == UInt8(ascii: "]") || previous == UInt8(ascii: "\"")
        if previous != nil && (!selfDelimited || random.chance(50)) {
          text += [[0x0A], [0x20], [0x0D, 0x0A], [0x09, 0x20]][random.int(0...3)]
        }
        random.write(element, into: &text)
      }
      random.whitespace(into: &text)
      return (text, elements, text.first == UInt8(ascii: "[") ? [.sequence] : [.sequence, .auto])
    }
  }

  @Test(arguments: 0..<3 as Range<UInt64>)
  func fieldFraming(batch: UInt64) {
    Self.rounds(seed: 0xF1E1_0000 + batch) { random in
      let elements = Self.elements(&random)
      // Decoys: "actions" nested deeper, and members before and after.
      var document = JSONObject()
      document.append(key: "turn", value: .object(JSONObject([JSONMember(key: "actions", value: [1, 2])])))
      document.append(key: "notes", value: random.value(depth: 2))
      document.append(key: "actions", value: .array(elements))
      document.append(key: "meta", value: .array([.object(JSONObject([JSONMember(key: "actions", value: [3])]))]))
      var text: [UInt8] = []
      random.write(.object(document), into: &text)
      random.whitespace(into: &text)
      return (text, elements, [.field("actions")])
    }
  }
}
