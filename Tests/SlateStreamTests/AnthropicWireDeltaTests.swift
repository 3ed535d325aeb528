import Foundation
import SlateCore
import SlateJSON
import SlateSSE
@testable import SlateStream
import SlateTestSupport
import Testing

/// ``AnthropicDialect`` reads a `content_block_delta` in Anthropic's own layout without a
/// document parse (``AnthropicWireDelta``): with that path on and off, every Anthropic
/// stream of the Corpus and of the recordings, and events mutated byte by byte around the
/// layout (escapes, surrogates, UTF-8 checked and unchecked, indexes, names, states), give
/// the same outputs, the same reads (a refusal of unchecked invalid UTF-8 included) and the
/// same end.
@Suite struct AnthropicWireDeltaTests {
  struct Event {
    var name: [UInt8]
    var data: [UInt8]
    var checked = true

    init(_ name: String, _ data: [UInt8], checked: Bool = true) {
      self.name = Array(name.utf8)
      self.data = data
      self.checked = checked
    }

    init(_ data: String) {
      let type = (try? SimdjsonParser().parse(data))?["type"]?.stringValue ?? ""
      self.init(type, Array(data.utf8))
    }
  }

  struct Run: Equatable {
    var outputs: [DialectOutput]
    var reads: [Bool]
    var end: DialectEnd
  }

  /// The events through one dialect, reading wire-layout deltas without a parse or not.
  static func run(_ events: [Event], wire: Bool) -> Run {
    var dialect = AnthropicDialect()
    dialect.readsWireDeltas = wire
    var outputs: [DialectOutput] = []
    var reads: [Bool] = []
    var offset = 0
    for event in events {
      var out = DialectOutputs()
      let size = event.name.count + event.data.count + 16
      event.name.withUnsafeBytes { name in
        event.data.withUnsafeBytes { data in
          reads.append(dialect.read(EventBytes(type: name, data: data, offset: offset, end: offset + size,
                                               utf8Checked: event.checked), into: &out))
        }
      }
      out.appendOwned(to: &outputs)
      offset += size
    }
    var out = DialectOutputs()
    let end = dialect.finish(at: offset, into: &out)
    out.appendOwned(to: &outputs)
    return Run(outputs: outputs, reads: reads, end: end)
  }

  /// Both paths give the same run; returns how many of the events are in the wire layout
  /// (what the wire path takes when their block is open).
  @discardableResult
  static func agree(_ events: [Event], _ label: @autoclosure () -> String) -> Int {
    let wire = run(events, wire: true)
    let decoded = run(events, wire: false)
    #expect(wire == decoded, "\(label())")
    return events.filter { event in
      event.data.withUnsafeBytes { data in
        AnthropicWireDelta(data, utf8Checked: event.checked, scratch: ByteScratch()) != nil
      }
    }.count
  }

  /// The SSE events of a recorded stream.
  static func events(of bytes: [UInt8]) -> [Event] {
    var parser = SSEParser()
    var outputs: [SSEOutput] = []
    bytes.withUnsafeBytes { parser.feed($0, into: &outputs) }
    parser.finish(into: &outputs)
    return outputs.compactMap(\.event).map { Event($0.type == "message" ? "" : $0.type, Array($0.data.utf8)) }
  }

  @Test func everyAnthropicStreamReadsAlike() throws {
    var urls = SharedFixtures.files(in: "corpus-real/anthropic", suffix: ".sse") ?? []
    let folder = SharedFixtures.projectRoot.appendingPathComponent("Corpus/anthropic")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    urls += names.filter { $0.hasSuffix(".sse") }.sorted().map { folder.appendingPathComponent($0) }
    #expect(urls.count >= 13)
    var wireRead = 0
    for url in urls {
      wireRead += Self.agree(Self.events(of: try [UInt8](Data(contentsOf: url))), url.lastPathComponent)
    }
    #expect(wireRead > 100, "\(wireRead) events in the wire layout")
  }

  static let messageStart = #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-x","usage":{"input_tokens":9,"output_tokens":1}}}"#
  static let prelude = [
    Event(messageStart),
    Event(#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
    Event(#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"move","input":{}}}"#),
    Event(#"{"type":"content_block_start","index":2,"content_block":{"type":"thinking","thinking":""}}"#),
    Event(#"{"type":"content_block_start","index":3,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}"#),
    Event(#"{"type":"content_block_start","index":4,"content_block":{"type":"text","text":""}}"#),
    Event(#"{"type":"content_block_stop","index":4}"#),
  ]
  static let coda = [
    Event(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" and on"}}"#),
    Event(#"{"type":"content_block_stop","index":0}"#),
    Event(#"{"type":"content_block_stop","index":1}"#),
    Event(#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":12}}"#),
    Event(#"{"type":"message_stop"}"#),
  ]

  /// An event whose data is not JSON: a loss that the next event confirms.
  static let lostEvent = Event("content_block_delta", Array(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"cu"#.utf8))

  /// `event` between the prelude (blocks 0 to 4 started, 4 stopped) and the coda, also
  /// after an unreadable event, then alone, then after the message's stop (with its
  /// blocks stopped, and open).
  static func agreeInContext(_ event: Event, _ label: String) {
    agree(prelude + [event] + coda, label)
    agree(prelude + [lostEvent, event] + coda, "\(label), after an unreadable event")
    agree([event] + coda, "\(label), before message_start")
    agree(prelude + coda + [event], "\(label), after message_stop")
    agree(prelude + [coda.last!, event], "\(label), after message_stop with its blocks open")
  }

  @Test func chosenEventsReadAlike() {
    let layouts = [
      #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"BODY"}}"#,
      #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"BODY"}}"#,
    ]
    let bodies = [
      "", "plain", #"\"quoted\""#, #"back\\slash"#, #"\/\b\f\n\r\t"#, #"\u00e9\u20AC\u0000\u001f"#, #"\uD83D\uDE00"#,
      #"\uD83D"#, #"\uDE00"#, #"\uD83D\u0041"#, #"\uD83Dx"#, #"\u12"#, #"\u12G4"#, #"\x"#, #"\'"#, #"trailing\"#,
      "caf\u{E9} \u{1F600}", "{\\\"x\\\": [1, 2]}",
    ]
    var wireRead = 0
    for layout in layouts {
      for body in bodies {
        let data = layout.replacingOccurrences(of: "BODY", with: body)
        for name in ["content_block_delta", "", "content_block_stop", "ping"] {
          Self.agreeInContext(Event(name, Array(data.utf8)), "\(name): \(data)")
          wireRead += Self.agree(Self.prelude + [Event(name, Array(data.utf8))], "\(name): \(data), counted")
        }
      }
    }
    #expect(wireRead > 40)
    // Other indexes, kinds and blocks, and layouts that are JSON but not the wire's.
    for data in [
      #"{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"a"}}"#,
      #"{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"q\":1}"}}"#,
      #"{"type":"content_block_delta","index":4,"delta":{"type":"text_delta","text":"a"}}"#,
      #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"a"}}"#,
      #"{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a"}}"#,
      #"{"type":"content_block_delta","index":9,"delta":{"type":"text_delta","text":"a"}}"#,
      #"{"type":"content_block_delta","index":1234567890,"delta":{"type":"text_delta","text":"a"}}"#,
      #"{"type":"content_block_delta","index":00,"delta":{"type":"text_delta","text":"a"}}"#,
      #"{"type":"content_block_delta","index":-0,"delta":{"type":"text_delta","text":"a"}}"#,
      #"{"type":"content_block_delta","index":0.0,"delta":{"type":"text_delta","text":"a"}}"#,
      #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}} "#,
      #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}}"#,
      #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}x"#,
      #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"},"x":1}"#,
      #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","text":"b"}}"#,
      #"{"type":"content_block_delta", "index":0,"delta":{"type":"text_delta","text":"a"}}"#,
      #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}"#,
      #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a}}"#,
    ] {
      Self.agreeInContext(Event("content_block_delta", Array(data.utf8)), data)
    }
  }

  /// Deltas mutated at seeded places with bytes that matter to the layout, to JSON strings
  /// and to UTF-8: each read with its UTF-8 unchecked, and checked where it is valid.
  @Test func mutatedEventsReadAlike() {
    let bases = [
      Array(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"h\u00e9llo \"w\" \\n caf"#.utf8)
        + [0xC3, 0xA9] + Array(#" \uD83D\uDE00"}}"#.utf8),
      Array(#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\": [1, \"\\u00e9\"]}"}}"#.utf8),
    ]
    let alphabet: [UInt8] = Array(#"\"u0189DdEeFfn{}:, -.tx"#.utf8) + [0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xED,
                                                                      0xA0, 0xF0, 0x9F, 0xFF]
    var random = SplitMix64(seed: 16)
    var wireRead = 0
    for round in 0..<1500 {
      var data = bases[round % bases.count]
      for _ in 0..<Int.random(in: 1...3, using: &random) {
        // Mostly in the string body (its last 40 bytes), sometimes anywhere.
        let from = Bool.random(using: &random) ? max(0, data.count - 40) : 0
        let at = Int.random(in: from..<data.count, using: &random)
        let byte = alphabet.randomElement(using: &random)!
        switch Int.random(in: 0..<3, using: &random) {
        case 0: data.insert(byte, at: at)
        case 1: data[at] = byte
        default: data.remove(at: at)
        }
      }
      let label = String(decoding: data, as: UTF8.self)
      wireRead += Self.agree(Self.prelude + [Event("content_block_delta", data, checked: false)] + Self.coda, "unchecked: \(label)")
      if String(validating: data, as: UTF8.self) != nil {
        wireRead += Self.agree(Self.prelude + [Event("content_block_delta", data)] + Self.coda, "checked: \(label)")
      }
    }
    #expect(wireRead > 200, "\(wireRead) mutated events in the wire layout")
  }
}
