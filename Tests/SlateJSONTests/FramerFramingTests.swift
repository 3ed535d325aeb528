import Testing

@testable import SlateJSON

/// What each framing frames, how it ends, and the errors it reports.
@Suite struct FramerFramingTests {
  /// One case: the text, the canonical values framed, and the diagnostic (code, offset)
  /// that ends it (nil for a clean, complete text).
  struct Case: CustomTestStringConvertible, Sendable {
    var text: String
    var framing: Framing
    var values: [String]
    var error: (code: DiagnosticCode, offset: Int)?
    init(_ text: String, _ framing: Framing, _ values: [String], _ error: (DiagnosticCode, Int)? = nil) {
      self.text = text
      self.framing = framing
      self.values = values
      self.error = error.map { (code: $0.0, offset: $0.1) }
    }
    var testDescription: String { "\(framing) \(text.debugDescription)" }
  }

  static let cases: [Case] = [
    // sequence: self-delimited values may touch; numbers and literals need whitespace.
    Case("{}{}", .sequence, ["{}", "{}"]),
    Case("[1][2]", .sequence, ["[1]", "[2]"]),
    Case(#""a""b""#, .sequence, [#""a""#, #""b""#]),
    Case("1 2", .sequence, ["1", "2"]),
    Case("12", .sequence, ["12"]),
    Case("1\n2\r\n3\t4 ", .sequence, ["1", "2", "3", "4"]),
    Case("{}1", .sequence, ["{}", "1"]),
    Case(#""a"1"#, .sequence, [#""a""#, "1"]),
    Case("{\"a\":1}\n{\"b\":[true]}\n", .sequence, [#"{"a":1}"#, #"{"b":[true]}"#]),
    Case("1-2", .sequence, ["1"], (.jsonUnexpectedByte, 1)),
    Case("truenull", .sequence, ["true"], (.jsonUnexpectedByte, 4)),
    Case(#"1"a""#, .sequence, ["1"], (.jsonUnexpectedByte, 1)),
    Case("null]", .sequence, ["null"], (.jsonUnexpectedByte, 4)),
    Case("[1] x", .sequence, ["[1]"], (.jsonUnexpectedByte, 4)),
    Case("", .sequence, []),
    Case("  \n ", .sequence, []),
    Case("1.", .sequence, [], (.jsonTruncated, 2)),
    Case("-", .sequence, [], (.jsonTruncated, 1)),
    Case("01", .sequence, [], (.jsonInvalidNumber, 1)),
    Case("{\"a\":1}\n{\"b\":", .sequence, [#"{"a":1}"#], (.jsonTruncated, 13)),
    // value: exactly one.
    Case(" 12 ", .value, ["12"]),
    Case("12", .value, ["12"]),
    Case("1 2", .value, ["1"], (.jsonTrailingContent, 2)),
    Case("{} {}", .value, ["{}"], (.jsonTrailingContent, 3)),
    Case("", .value, [], (.jsonTruncated, 0)),
    Case(" \"abc", .value, [], (.jsonTruncated, 5)),
    // array: the elements of one array.
    Case("[]", .array, []),
    Case(#" [ 1 , {"a":[2]} , "x" ] "#, .array, ["1", #"{"a":[2]}"#, #""x""#]),
    Case("[1,]", .array, ["1"], (.jsonUnexpectedByte, 3)),
    Case("[1 2]", .array, ["1"], (.jsonUnexpectedByte, 3)),
    Case("{}", .array, [], (.jsonUnexpectedByte, 0)),
    Case("[1] [2]", .array, ["1"], (.jsonTrailingContent, 4)),
    Case("[1,2", .array, ["1"], (.jsonTruncated, 4)),
    Case("", .array, [], (.jsonTruncated, 0)),
    // field: the elements of the array under NAME at the top level only.
    Case(#"{"actions":[1,2]}"#, .field("actions"), ["1", "2"]),
    Case(#"{"x":{"actions":[9]},"actions":[{"a":1}],"y":[{"actions":[8]}]}"#, .field("actions"), [#"{"a":1}"#]),
    Case(#"{"act\u0069ons":[1]}"#, .field("actions"), ["1"]),
    Case(#"{"actions":[1],"actions":[2]}"#, .field("actions"), ["1", "2"]),
    Case(#"{"actions":5}"#, .field("actions"), [], (.jsonUnexpectedByte, 11)),
    Case(#"{"other":1}"#, .field("actions"), []),
    Case(#"{"actionsX":[1],"action":[2],"":[3]}"#, .field("actions"), []),
    Case("{\"" + String(repeating: "a", count: 300) + #"":[1],"actions":[2]}"#, .field("actions"), ["2"]),
    Case(#"{"\u00e9":[1]}"#, .field("é"), ["1"]),
    Case(#"{"actions":[1,2]"#, .field("actions"), ["1", "2"], (.jsonTruncated, 16)),
    Case(#"{"actions":[1]} x"#, .field("actions"), ["1"], (.jsonTrailingContent, 16)),
    Case("[1]", .field("actions"), [], (.jsonUnexpectedByte, 0)),
    // auto: array on '[', else sequence.
    Case("[1,2]", .auto, ["1", "2"]),
    Case("\n [1]", .auto, ["1"]),
    Case(#"{"a":1} {"b":2}"#, .auto, [#"{"a":1}"#, #"{"b":2}"#]),
    Case("1 2", .auto, ["1", "2"]),
    Case("[1][2]", .auto, ["1"], (.jsonTrailingContent, 3)),
    Case("", .auto, []),
  ]

  @Test(arguments: cases)
  func framesTheValuesAndStopsAtTheError(_ c: Case) {
    let bytes = Array(c.text.utf8)
    let run = frame(bytes, c.framing, parser: SimdjsonParser())
    #expect(run.values.compactMap { $0.value?.canonicalString } == c.values)
    #expect(run.values.map(\.index) == Array(c.values.indices))
    if let error = c.error {
      #expect(run.diagnostic?.code == error.code && run.diagnostic?.offset == error.offset, "\(run.transcript)")
      #expect(run.status == (error.code == .jsonTruncated ? .truncated : .failed))
      #expect(run.diagnostics.count == 1)
    } else {
      #expect(run.diagnostic == nil, "\(run.transcript)")
      #expect(run.status == .complete)
    }
    #expect(firstChunkingDifference(bytes, c.framing, parser: SimdjsonParser()) == nil)
  }

  @Test func autoResolvesAtTheFirstNonWhitespaceByte() {
    var framer = JSONFramer(framing: .auto)
    _ = framer.feed(Array("  \n".utf8))
    #expect(framer.resolvedFraming == nil)
    _ = framer.feed(Array("[".utf8))
    #expect(framer.resolvedFraming == .array)
    var other = JSONFramer(framing: .auto)
    _ = other.feed(Array(" {".utf8))
    #expect(other.resolvedFraming == .sequence)
  }

  /// Messages say what was expected and what came.
  @Test(arguments: [
    ("[1,2x]", Framing.array, "expected ',' or ']' after an array element, found 'x' (0x78)"),
    (#"{"a" 1}"#, .value, "expected ':' after an object key, found '1' (0x31)"),
    (#""\q""#, .value, #"expected one of " \ / b f n r t u after '\', found 'q' (0x71)"#),
    ("[é]", .value, "expected a value or ']' after '[', found 'é' (U+00E9)"),
    ("\"a\nb\"", .value, "expected a character of a string, found the control character 0x0A (it must be escaped)"),
    ("[01]", .value, "expected '.', 'e' or the end of a number after a leading 0, found '1' (0x31) (leading zeros are not allowed)"),
    ("[tRue]", .value, "expected 'r' to continue 'true', found 'R' (0x52)"),
    (#""\uD83D\u0041""#, .value, #"expected a low surrogate \uDC00–\uDFFF after the high surrogate \uD83D, found \u0041"#),
    ("{\"actions\":{}}", .field("actions"), #"expected '[' to open the array under "actions", found '{' (0x7B)"#),
    ("[1,", .array, "input ended too soon: expected a value, found the end of the input"),
    ("1 x", .value, "expected only whitespace after the value, found 'x' (0x78)"),
  ])
  func messagesSayWhatWasExpectedAndWhatCame(text: String, framing: Framing, message: String) {
    #expect(frame(text, framing).diagnostic?.message == message)
  }

  /// Errors against the one-shot locator, including ones split inside escapes, surrogate
  /// pairs, UTF-8 sequences, literals and numbers (every split point of each).
  @Test(arguments: [
    #""\uD83D\uDE00""#, #""\uD83D""#, #""\uD83Dx""#, #""\uD83D\u0041""#, #""\uDE00""#, #""\uD83D\uZ""#,
    #""\u12G4""#, #""\uD83D\"#, #"["\/\b\f\n\r\t\"\\"]"#, "tru", "[tRue]", "-01", "1.e5", "1e+", "1e+x", "[1.5.3]",
    "[-]", "[1e]", "[.5]", "[+1]", "[1,,2]", "{\"a\":}", "{,}", "{\"a\":1,}", "[1}", "{\"a\":1]", "\"a\u{1F}\"",
    "[\"\u{7F}\"]", "nul", "[nulx]", "1 é", "{\"é\":1}", "[\"😀\"]",
  ])
  func errorsMatchTheLocatorUnderEveryChunking(text: String) {
    let bytes = Array(text.utf8)
    checkAgainstLocator(bytes, text)
  }

  /// Invalid UTF-8 (as bytes): overlongs, surrogates, beyond U+10FFFF, truncated and
  /// stray sequences, inside and outside strings.
  @Test(arguments: [
    [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xE0, 0x80, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
    [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xF0, 0x9F, 0x98, 0x22], [0x22, 0xF0, 0x9F, 0x98],
    [0x22, 0xC3], [0x5B, 0xC3, 0x28, 0x5D], [0x5B, 0xC3, 0xA9], [0x5B, 0xFF, 0x5D], [0x31, 0x20, 0xE2, 0x82],
    [0x22, 0x5C, 0xC3, 0xA9, 0x22], [0x22, 0x5C, 0xFF, 0x22], [0x74, 0x72, 0xF0, 0x9F, 0x98, 0x80],
    [0x2D, 0xC3, 0x28], [0x22, 0x5C, 0x75, 0x44, 0x38, 0x33, 0x44, 0xE2, 0x82, 0xAC, 0x22],
    [0x22, 0x80, 0x22], [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], [0xEF, 0xBB, 0xBF, 0x7B, 0x7D],
  ] as [[UInt8]])
  func invalidUTF8MatchesTheLocatorUnderEveryChunking(bytes: [UInt8]) {
    checkAgainstLocator(bytes, "\(bytes)")
  }

  func checkAgainstLocator(_ bytes: [UInt8], _ label: String) {
    let parser = SimdjsonParser()
    let run = frame(bytes, .value, parser: parser)
    #expect(syntaxOnlyDifference(bytes, .value, withParser: run) == nil, "\(label)")
    switch oneShot(bytes, parser) {
    case .success(let value):
      #expect(run.status == .complete && run.values.first?.value == value, "\(label): \(run.transcript)")
    case .failure(let error):
      #expect(run.diagnostic?.code == error.code && run.diagnostic?.offset == error.offset,
              "\(label): framer \(String(describing: run.diagnostic)), one-shot \(error)")
    }
    #expect(firstChunkingDifference(bytes, .value, parser: parser) == nil, "\(label)")
  }

  /// Values before an error stand; the framer then ignores everything.
  @Test func anErrorStopsTheFramerAndEarlierValuesStand() {
    var framer = JSONFramer(framing: .array, parser: SimdjsonParser())
    let first = framer.feed(Array("[1,2,".utf8))
    #expect(first.count == 2)
    #expect(framer.status == .running)
    let second = framer.feed(Array("x,3]".utf8))
    guard case .diagnostic(let diagnostic)? = second.first, second.count == 1 else {
      Issue.record("\(second)")
      return
    }
    #expect(diagnostic.code == .jsonUnexpectedByte && diagnostic.offset == 5)
    #expect(framer.feed(Array("[4]".utf8)).isEmpty)
    #expect(framer.finish().isEmpty)
    #expect(framer.status == .failed)
    #expect(framer.diagnostic == diagnostic)
    #expect(framer.valuesFramed == 2)
    #expect(framer.bytesFed == 12)
  }

  @Test func finishIsIdempotentAndEndsFeeding() {
    var framer = JSONFramer(framing: .sequence)
    _ = framer.feed(Array("1 2".utf8))
    #expect(framer.valuesFramed == 1)  // 2 is tentative
    let end = framer.finish()
    #expect(end.count == 1)
    #expect(framer.status == .complete)
    #expect(framer.finish().isEmpty)
    #expect(framer.feed(Array(" 3".utf8)).isEmpty)
  }

  /// `finish()` reports the truncated tail at the text's length, whatever state it ends in.
  @Test(arguments: [
    ("[1,2", Framing.array), (#"["abc"#, .array), (#"["a\"#, .array), (#"["\u00"#, .array), ("[tr", .array),
    ("[-", .array), ("[1.", .array), ("[1e", .array), ("[1e-", .array), (#"[{"a""#, .array), (#"[{"a":"#, .array),
    (#"[{"a":1"#, .array), ("[", .array), (#"{"actions":"#, .field("actions")), (#"{"actions":[{}"#, .field("actions")),
    (#""\uD83D"#, .value), (#""\uD83D\"#, .value), (#""\uD83D\u"#, .value), (#""\uD83D\uDE0"#, .value),
  ])
  func finishReportsTheTruncatedTail(text: String, framing: Framing) {
    let run = frame(text, framing)
    #expect(run.diagnostic?.code == .jsonTruncated, "\(run.transcript)")
    #expect(run.diagnostic?.offset == text.utf8.count)
    #expect(run.status == .truncated)
    #expect(run.diagnostic?.message.hasSuffix("found the end of the input") == true)
  }

  /// Offsets count from the first byte ever fed, across chunks.
  @Test func rangesAreTextOffsetsAcrossChunks() {
    let text = Array(#"  [ {"a": "b"} ,  [1, 2]  ,"xyz"  ]"#.utf8)
    let run = frame(text, .array, cuts: [3, 7, 20, 29])
    #expect(run.values.map(\.range) == [4..<14, 18..<24, 27..<32])
    for framed in run.values { #expect(Array(text[framed.range]) == Array(framed.bytes.bytes)) }
  }
}
