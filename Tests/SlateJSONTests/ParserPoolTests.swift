import SlateJSON
import Testing

/// ``SimdjsonParser``'s pool: a parser made after others were released takes the buffers of
/// one with the same limits, and parses exactly as a new parser does, whatever the released
/// one parsed last (a large document, numbers beyond 64 bits, a document left with its
/// numbers not located, an error); a parser that held a large document is not kept.
@Suite struct ParserPoolTests {
  /// Limits no other test uses: the pool's parsers with them are this suite's only.
  static let limits = JSONLimits(maxDepth: 77, maxBytes: 3 << 20)
  static let largeLimits = JSONLimits(maxDepth: 78, maxBytes: 3 << 20)

  /// Documents, valid and not: numbers beyond 64 bits and beyond a double (parsed from a
  /// substitute copy), a duplicate key, errors, one container too deep for the limits.
  static let cases: [String] = [
    #"{"a":[1,2.5,-3e2,true,null],"b":"x\u00e9","a":{"c":[]}}"#,
    "123456789012345678901234567890",
    "[1e400,-0.0]",
    "[[[]]]",
    "[1,]",
    #"{"a" 1}"#,
    String(repeating: "[", count: 78) + String(repeating: "]", count: 78),
  ]

  /// A document of about `bytes` bytes: numbers (some beyond 64 bits) and strings.
  static func large(bytes: Int) -> [UInt8] {
    var text = "["
    var k = 0
    while text.utf8.count < bytes {
      text += #"{"n":\#(k),"big":123456789012345678901234567890\#(k),"s":"text \#(k)"},"#
      k += 1
    }
    text += "0]"
    return Array(text.utf8)
  }

  /// What `parser` gives for each case: the value's canonical text, or the error.
  static func results(_ parser: SimdjsonParser) -> [String] {
    cases.map { text in
      let bytes = Array(text.utf8)
      do {
        let value = try parser.parse(bytes)
        let document = try parser.parseDocument(bytes)
        return document.root.value == value ? value.canonicalString : "value and document disagree"
      } catch {
        return "\(error)"
      }
    }
  }

  /// Whether each case gives the strict locator's verdict: no error, or the same error.
  static func errorsAgree(_ parser: SimdjsonParser) -> Bool {
    cases.allSatisfy { text in
      let bytes = Array(text.utf8)
      let located = bytes.withUnsafeBytes { SimdjsonParser.locateSyntaxError(in: $0, maxDepth: parser.limits.maxDepth) }
      switch Result(catching: { () throws(JSONParseError) in try parser.parse(bytes) }) {
      case .success: return located == nil
      case .failure(let error): return error.code == located?.code && error.offset == located?.offset
      }
    }
  }

  @Test func aParserMadeAfterOneWasReleasedParsesAsANewOne() throws {
    // Limits no parser had before: this one is new, not taken from the pool.
    let new = SimdjsonParser(limits: JSONLimits(maxDepth: Self.limits.maxDepth, maxBytes: Self.limits.maxBytes + 1))
    #expect(!new.reusesBuffers)
    let expected = Self.results(new)
    #expect(Self.errorsAgree(new))
    var reused = 0
    for round in 0..<40 {
      do {
        let released = SimdjsonParser(limits: Self.limits)
        _ = try released.parse(Self.large(bytes: 30_000 + round * 500))
        // Left holding a document whose numbers were never located, in the parser's view.
        _ = try released.parseDocument(Self.large(bytes: 20_000))
        _ = try? released.parse(Array("[1,".utf8))
      }
      let parser = SimdjsonParser(limits: Self.limits)
      if parser.reusesBuffers { reused += 1 }
      #expect(Self.results(parser) == expected)
      #expect(Self.errorsAgree(parser))
    }
    // Each round's parsers are released just before the next parser is made: most take their
    // buffers (none of another test has these limits; only eight releases of other parsers
    // in between could push them out of the pool).
    #expect(reused > 0)
  }

  @Test func aParserThatHeldALargeDocumentIsNotKept() throws {
    do {
      let released = SimdjsonParser(limits: Self.largeLimits)
      _ = try released.parse(Self.large(bytes: 200_000))
    }
    let parser = SimdjsonParser(limits: Self.largeLimits)
    #expect(!parser.reusesBuffers)
    #expect(Self.errorsAgree(parser))
  }
}
