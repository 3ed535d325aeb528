import Testing

@testable import SlateJSON

/// Early announcements ("started: create_scene s12" before the object closes) and
/// snapshots of the value in progress.
@Suite struct FramerAnnouncementTests {
  static let scene = #"[{"type":"create_scene","scene_id":"s12","prompt":"a harbour at dawn","shots":[1,2]},{"type":"add_shot","scene_id":"s12"}]"#
  static let rule = AnnouncementRule(keyFields: ["scene_id"])

  /// Fires once per element, before its value, with the type and keys, at the end of the
  /// member that completed it, under every chunking.
  @Test func announcesOncePerElementBeforeItCloses() throws {
    let bytes = Array(Self.scene.utf8)
    let run = frame(bytes, .array, announcements: Self.rule)
    #expect(run.announcements.count == 2)
    let first = try #require(run.announcements.first)
    #expect(first.index == 0 && first.offset == 1)
    #expect(first.type == "create_scene")
    #expect(JSONValue.object(first.keys) == ["scene_id": "s12"])
    #expect(Array(bytes[..<first.readyAt]).suffix(5) == Array(#""s12""#.utf8))
    // Event order: started 0, value 0, started 1, value 1.
    let kinds = run.events.map { event -> String in
      switch event {
      case .started(let a): "started \(a.index)"
      case .value(let v): "value \(v.index)"
      case .diagnostic: "diagnostic"
      }
    }
    #expect(kinds == ["started 0", "value 0", "started 1", "value 1"])
    #expect(firstChunkingDifference(bytes, .array, announcements: Self.rule) == nil)
  }

  /// The announcement comes with the feed holding the member's last byte, while the
  /// element is still open.
  @Test func theAnnouncementPrecedesTheClose() throws {
    let bytes = Array(Self.scene.utf8)
    let readyAt = try #require(frame(bytes, .array, announcements: Self.rule).announcements.first?.readyAt)
    var framer = JSONFramer(framing: .array, announcements: Self.rule)
    #expect(framer.feed(Array(bytes[..<(readyAt - 1)])).isEmpty)
    let events = framer.feed(Array(bytes[(readyAt - 1)..<readyAt]))
    guard case .started(let started)? = events.first, events.count == 1 else {
      Issue.record("\(events)")
      return
    }
    #expect(started.type == "create_scene")
  }

  @Test(arguments: [
    // Keys before the discriminator: ready at the discriminator's end.
    (#"[{"scene_id":"s1","x":1,"type":"t"}]"#, #"{"type":"t","keys":{"scene_id":"s1"}}"#, 34),
    // Escaped names and values.
    (#"[{"ty\u0070e":"cr\u00e9ate \ud83d\ude00","scene\u005fid":"s\"1"}]"#, #"{"type":"créate 😀","keys":{"scene_id":"s\"1"}}"#, 63),
    // A nested "type" does not count.
    (#"[{"payload":{"type":"inner","scene_id":"x"},"scene_id":"s2","type":"outer"}]"#, #"{"type":"outer","keys":{"scene_id":"s2"}}"#, 74),
    // A repeated member before the announcement: the later one counts.
    (#"[{"scene_id":"old","scene_id":"new","type":"a"}]"#, #"{"type":"a","keys":{"scene_id":"new"}}"#, 46),
    // Scalars of every kind; a number is ready at the byte after it.
    (#"[{"type":7,"scene_id":-1.5e3 }]"#, #"{"type":7,"keys":{"scene_id":-1500}}"#, 28),
    (#"[{"type":null,"scene_id":true}]"#, #"{"type":null,"keys":{"scene_id":true}}"#, 29),
  ])
  func announcesTheRightValues(text: String, expected: String, readyAt: Int) throws {
    let run = frame(text, .array, announcements: Self.rule)
    let started = try #require(run.announcements.first, "\(run.transcript)")
    let shown: JSONValue = ["type": started.type, "keys": .object(started.keys)]
    #expect(shown == (try SimdjsonParser().parse(expected)))
    #expect(started.readyAt == readyAt)
    #expect(run.announcements.count == 1)
    #expect(firstChunkingDifference(Array(text.utf8), .array, announcements: Self.rule) == nil)
  }

  @Test(arguments: [
    #"[{"type":"a"}]"#,  // the key field is missing
    #"[{"scene_id":"s"}]"#,  // the discriminator is missing
    #"[{"type":"a","scene_id":{"n":1}}]"#,  // a key field that is an object
    #"[{"type":["a"],"scene_id":"s"}]"#,  // a discriminator that is an array
    #"[["type","scene_id"],"type",{"x":{"type":"a","scene_id":"s"}}]"#,  // not at the element's top level
  ])
  func doesNotAnnounceWithoutEveryScalarField(text: String) {
    let run = frame(text, .array, announcements: Self.rule)
    #expect(run.announcements.isEmpty, "\(run.transcript)")
    #expect(run.status == .complete)
  }

  @Test func announcesInEveryFramingAndCanBeTurnedOff() {
    #expect(frame(#"{"type":"a"} {"type":"b"}"#, .sequence).announcements.map(\.type) == ["a", "b"])
    #expect(frame(#"{"type":"a"}"#, .value).announcements.map(\.type) == ["a"])
    let field = frame(#"{"type":"outer","actions":[{"type":"inner"}]}"#, .field("actions"))
    #expect(field.announcements.map(\.type) == ["inner"])
    #expect(frame(#"[{"type":"a"}]"#, .array, announcements: nil).announcements.isEmpty)
    let twice = AnnouncementRule(discriminator: "type", keyFields: ["type", "id"])
    let both = frame(#"[{"type":"a","id":1}]"#, .array, announcements: twice).announcements
    #expect(both.count == 1 && JSONValue.object(both[0].keys) == ["type": "a", "id": 1])
    let kind = AnnouncementRule(discriminator: "kind", keyFields: [])
    #expect(frame(#"[{"type":"a","kind":"k"}]"#, .array, announcements: kind).announcements.map(\.type) == ["k"])
  }

  /// A snapshot holds the complete members and elements so far, closed; it is built only
  /// when asked and does not disturb the framer.
  @Test func snapshotsShowTheValueInProgress() throws {
    let parser = SimdjsonParser()
    var framer = JSONFramer(framing: .array)
    #expect(try framer.snapshot(with: parser) == nil)
    var events: [FramerEvent] = []
    let parts = [#"[{"type":"a","items":[1,2"#, #"3],"t":"x"#, #"y","o":{"k":"#, #"[{}"#, "]}}", ","]
    let expected: [JSONValue?] = [
      ["type": "a", "items": [1]],
      ["type": "a", "items": [1, 23]],
      ["type": "a", "items": [1, 23], "t": "xy", "o": [:]],
      ["type": "a", "items": [1, 23], "t": "xy", "o": ["k": [[:]]]],
      nil, nil,
    ]
    for (part, snapshot) in zip(parts, expected) {
      framer.feed(Array(part.utf8), into: &events)
      #expect(try framer.snapshot(with: parser) == snapshot, "after \(part)")
    }
    _ = framer.feed(Array(#""long string in progress"#.utf8))
    #expect(try framer.snapshot(with: parser) == nil)  // a scalar element has no partial form
    framer.feed(Array(#"", {"type":"b"}]"#.utf8), into: &events)
    framer.finish(into: &events)
    let whole = frame(parts.joined() + #""long string in progress", {"type":"b"}]"#, .array)
    #expect(FramerRun(events: events, status: framer.status).transcript == whole.transcript)
  }
}
