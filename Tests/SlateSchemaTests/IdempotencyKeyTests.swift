import SlateCore
import SlateJSON
import Testing

@testable import SlateSchema

/// Keys: canonical, normalised as declared, hashed as documented.
@Suite struct IdempotencyKeyTests {
  static let packText = ##"""
    {"name": "keys", "version": "1",
     "x-slate-actions": {
       "scene": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "n": {"type": "number"}},
                 "x-slate-key": {"fields": ["/id"], "normalize": ["trim", "casefold"]}, "x-slate-queue": "scene"},
       "raw_scene": {"type": "object", "x-slate-key": ["/id"], "x-slate-queue": "scene"},
       "person": {"type": "object", "x-slate-key": {"fields": ["/name"], "normalize": ["trim", "nfc", "casefold"]}},
       "lower_only": {"type": "object", "x-slate-key": ["/name"]},
       "nfc_only": {"type": "object", "x-slate-key": {"fields": ["/name"], "normalize": ["nfc"]}},
       "shot": {"type": "object", "x-slate-key": {"fields": [{"pointer": "/scene", "normalize": ["casefold"]}, "/n"]}},
       "nested": {"type": "object", "x-slate-key": ["/at/scene", "/at/n"]},
       "plan": {"type": "object", "x-slate-key": {"fields": []}},
       "image": {"type": "object"},
       "optional_key": {"type": "object", "x-slate-key": ["/id"]}
     }}
    """##

  func key(_ text: String) throws -> IdempotencyKey {
    let compiled = try pack(Self.packText)
    let result = compiled.classify(try json(text))
    return try #require(result.success, "\(String(describing: result.failure))").key
  }

  @Test func memberOrderAndSpacingDoNotMatter() throws {
    let a = try key(#"{"type":"scene","id":"s12","n":1}"#)
    let b = try key(#"{ "n" : 1.0 ,  "id" : "s12",   "type" : "scene" }"#)
    #expect(a == b)
    #expect(a.hex == b.hex)
    #expect(a.readable == "scene:s12")
    #expect(a.canonicalBytes == Array(#"["s12"]"#.utf8))
    #expect(a.hex.count == 64)
  }

  @Test func trimAndCaseFoldingAreAppliedOnlyWhenDeclared() throws {
    #expect(try key(#"{"type":"scene","id":"  S12\u3000"}"#) == key(#"{"type":"scene","id":"s12"}"#))
    // raw_scene shares the queue but declares no normalisation.
    #expect(try key(#"{"type":"raw_scene","id":"S12"}"#) != key(#"{"type":"raw_scene","id":"s12"}"#))
    #expect(try key(#"{"type":"raw_scene","id":"s12"}"#) == key(#"{"type":"scene","id":"s12"}"#))
  }

  @Test func caseFoldingIsFullFolding() throws {
    // lowercased() leaves ß alone; full case folding makes it ss.
    #expect(try key(#"{"type":"person","name":"STRASSE"}"#) == key(#"{"type":"person","name":"straße"}"#))
    #expect(try key(#"{"type":"person","name":"ﬁlm"}"#) == key(#"{"type":"person","name":"FILM"}"#))
    #expect(try key(#"{"type":"lower_only","name":"Anna"}"#) != key(#"{"type":"lower_only","name":"anna"}"#))
  }

  @Test func nfcMakesCanonicallyEquivalentSpellingsEqual() throws {
    let composed = #"{"type":"nfc_only","name":"Zo\u00eb"}"#
    let decomposed = #"{"type":"nfc_only","name":"Zoe\u0308"}"#
    #expect(try key(composed) == key(decomposed))
    #expect(try key(composed).readable == "nfc_only:Zo\u{EB}")
    #expect(try key(#"{"type":"lower_only","name":"Zo\u00eb"}"#) != key(#"{"type":"lower_only","name":"Zoe\u0308"}"#))
    // With casefold too: canonical caseless matching.
    #expect(try key(#"{"type":"person","name":" ZOE\u0308 "}"#) == key(composed.replacing("nfc_only", with: "person")))
  }

  @Test func severalFieldsNestedPointersAndNumbers() throws {
    let a = try key(#"{"type":"shot","scene":"S12","n":3}"#)
    #expect(a.readable == "shot:s12/3")
    #expect(try key(#"{"type":"shot","n":3.0,"scene":"s12"}"#) == a)
    #expect(try key(#"{"type":"shot","n":4,"scene":"s12"}"#) != a)
    let nested = try key(#"{"type":"nested","at":{"n":30e-1,"scene":"s1"}}"#)
    #expect(nested.readable == "nested:s1/3")
    #expect(nested.canonicalBytes == Array(#"["s1",3]"#.utf8))
  }

  @Test func singletonAndContentAddressedKeys() throws {
    #expect(try key(#"{"type":"plan","phases":[1]}"#) == key(#"{"type":"plan","phases":[2]}"#))
    #expect(try key(#"{"type":"plan"}"#).readable == "plan")
    let image = try key(#"{"type":"image","prompt":"a","seed":1}"#)
    #expect(try key(#"{"seed":1.0,"prompt":"a","type":"image"}"#) == image)
    #expect(try key(#"{"type":"image","prompt":"b","seed":1}"#) != image)
    #expect(image.readable == "image#" + image.hex.prefix(12))
  }

  /// The digest is SHA-256 over the documented length-prefixed fields.
  @Test func digestFollowsTheDocumentedLayout() throws {
    let k = try key(#"{"type":"scene","id":"s12"}"#)
    var expected = [UInt8]()
    for field in ["slate.key.v1", "scene", #"["s12"]"#] {
      let bytes = Array(field.utf8)
      expected += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bytes.count) >> (56 - 8 * $0)) } + bytes
    }
    #expect(k.hex == SHA256.hash(expected).hex)
    // Namespace and bytes are separate fields: moving a byte across them changes the key.
    #expect(IdempotencyKey(namespace: "ab", fields: ["c"]) != IdempotencyKey(namespace: "a", fields: ["bc"]))
    #expect(IdempotencyKey(namespace: "q", fields: ["x"]) != IdempotencyKey(namespace: "r", fields: ["x"]))
  }

  @Test func aMissingKeyFieldIsARejection() throws {
    let compiled = try pack(Self.packText)
    let rejection = try #require(compiled.classify(try json(#"{"type":"optional_key","other":1}"#)).failure)
    #expect(rejection.errors.map(\.code) == [.keyMissing])
    #expect(rejection.errors.map(\.instancePath) == ["/id"])
    #expect(rejection.type == "optional_key")
  }

  @Test(arguments: [
    ("  a b  ", [KeyNormalization.trim], "a b"),
    ("\u{3000}\t x \n", [.trim], "x"),
    (" \u{2003} ", [.trim], ""),
    ("Straße", [.casefold], "strasse"),
    ("ΣΑΣ", [.casefold], "σασ"),
    ("e\u{301}", [.nfc], "\u{E9}"),
    ("\u{212B}", [.nfc], "\u{C5}"),
    ("  E\u{301}COLE ", [.trim, .nfc, .casefold], "\u{E9}cole"),
    ("x", [], "x"),
  ] as [(String, [KeyNormalization], String)])
  func normalisationSteps(input: String, steps: [KeyNormalization], expected: String) {
    let out = KeyNormalization.apply(Set(steps), to: input)
    #expect(out.unicodeScalars.elementsEqual(expected.unicodeScalars), "\(Array(out.unicodeScalars))")
  }

  /// The one-pass ASCII path gives what the Unicode steps give, for every combination of
  /// steps, on seeded ASCII strings of letters, digits, punctuation and every ASCII
  /// `White_Space` byte (and declines a string with any non-ASCII byte).
  @Test func asciiPathMatchesTheUnicodeSteps() {
    let bytes = Array("aZz09 -_\t\n\u{0B}\u{0C}\r/.MQ".utf8)
    let combinations: [Set<KeyNormalization>] = [[], [.trim], [.casefold], [.nfc], [.trim, .casefold], [.trim, .nfc],
                                                  [.casefold, .nfc], [.trim, .casefold, .nfc]]
    var random = SplitMix64(seed: 0xA5C11)
    for round in 0..<400 {
      let string = String(decoding: (0..<random.within(0...10)).map { _ in random.pick(bytes) }, as: UTF8.self)
      for steps in combinations {
        var expected = string
        if steps.contains(.trim) { expected = KeyNormalization.trim(expected) }
        if steps.contains(.casefold) { expected = KeyNormalization.caseFold(expected) }
        if steps.contains(.nfc) { expected = KeyNormalization.nfc(expected) }
        let fast = KeyNormalization.applyToASCII(steps, string)
        #expect(fast.map { Array($0.utf8) } == Array(expected.utf8), "round \(round), \(steps): \(string.debugDescription)")
      }
    }
    #expect(KeyNormalization.applyToASCII([.casefold], "Stra\u{DF}e") == nil)
  }
}
