import SlateCore
import SlateJSON
import Testing

@testable import SlateSchema

/// Pins the bytes of keys, canonical payloads and batch ids to their definitions, written
/// here the plain way (recursive, through `JSONValue`s and `KeyNormalization.apply`), so
/// that the engine's one-pass paths can be compared with them on many seeded values: keys
/// with non-ASCII and escapes, numbers such as `1.0`, `1e2`, `-0` and integers beyond 64
/// bits, nested objects with unsorted and duplicate keys.
@Suite struct KeyPinTests {
  // MARK: - The definitions

  /// RFC 8785 layout with exact numbers: members distinct (last wins), sorted by UTF-16 code
  /// units; only `"` `\` and controls escaped.
  static func canonical(_ value: JSONValue, into out: inout [UInt8]) {
    switch value {
    case .null: out += Array("null".utf8)
    case .bool(let b): out += Array((b ? "true" : "false").utf8)
    case .number(let n): out += Array(n.canonical.utf8)
    case .string(let s): canonical(string: s, into: &out)
    case .array(let elements):
      out.append(UInt8(ascii: "["))
      for (k, element) in elements.enumerated() {
        if k > 0 { out.append(UInt8(ascii: ",")) }
        canonical(element, into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      // The last occurrence of each key (by code units: no canonical equivalence), sorted.
      var order: [[UInt16]: Int] = [:]
      for (k, member) in object.members.enumerated() { order[Array(member.key.utf16)] = k }
      let kept = order.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { object.members[$0.value] }
      out.append(UInt8(ascii: "{"))
      for (k, member) in kept.enumerated() {
        if k > 0 { out.append(UInt8(ascii: ",")) }
        canonical(string: member.key, into: &out)
        out.append(UInt8(ascii: ":"))
        canonical(member.value, into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  static func canonical(string: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in string.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
      case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
      case 0x08: out += Array(#"\b"#.utf8)
      case 0x0C: out += Array(#"\f"#.utf8)
      case 0x0A: out += Array(#"\n"#.utf8)
      case 0x0D: out += Array(#"\r"#.utf8)
      case 0x09: out += Array(#"\t"#.utf8)
      case ..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  static func canonical(_ value: JSONValue) -> [UInt8] {
    var out: [UInt8] = []
    canonical(value, into: &out)
    return out
  }

  static func field(_ bytes: [UInt8]) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bytes.count) >> (56 - 8 * $0)) } + bytes
  }

  /// The key as documented: the declared fields resolved, strings normalised, the canonical
  /// array, SHA-256 over the length-prefixed `slate.key.v1`, namespace, bytes.
  static func expectedKey(_ declaration: KeyDeclaration?, _ payload: JSONValue, _ namespace: String)
    -> (bytes: [UInt8], hex: String, readable: String)?
  {
    let bytes: [UInt8]
    var readable: String
    if let declaration {
      var values: [JSONValue] = []
      for field in declaration.fields {
        guard let value = field.pointer.resolve(in: payload) else { return nil }
        if case .string(let s) = value {
          values.append(.string(KeyNormalization.apply(field.normalization, to: s)))
        } else {
          values.append(value)
        }
      }
      bytes = canonical(.array(values))
      readable = values.isEmpty ? namespace : namespace + ":" + values.map { value -> String in
        if case .string(let s) = value { return s }
        return String(decoding: canonical(value), as: UTF8.self)
      }.joined(separator: "/")
    } else {
      bytes = canonical(payload)
      readable = ""
    }
    let hex = SHA256.hash(field(Array("slate.key.v1".utf8)) + field(Array(namespace.utf8)) + field(bytes)).hex
    if declaration == nil { readable = namespace + "#" + hex.prefix(12) }
    return (bytes, hex, readable)
  }

  // MARK: - Seeded values

  static let keys = ["a", "b", "B", "é", "e\u{301}", "日本", "😀", "\u{E000}", "\u{FFFD}", "a\"b", "tab\t", "\u{0}", "\\",
                     "scene_id", "aa", "", "Z"]
  static let strings = ["s12", " S12 ", "Straße", "ﬁlm", "Zoe\u{308}", "\u{3000}x\u{3000}", "a\nb", "q\"\\", "\u{1}\u{1F}",
                        "😀 ok", "\u{E000}", "ÉCOLE", "", "plain", "\u{7F}"]
  static let numbers = ["0", "-0", "1", "1.0", "1e2", "1E+2", "10e-1", "-1.50e-3", "0.000001", "1e21", "1e-7",
                        "12345678901234567890", "99999999999999999999999", "123456789012345678", "-9223372036854775808",
                        "18446744073709551615", "18446744073709551616", "1e400", "3.14159", "-0.0e5", "100"]

  static func value(_ random: inout SplitMix64, depth: Int) -> JSONValue {
    switch random.below(depth > 2 ? 5 : 7) {
    case 0: return .null
    case 1: return .bool(random.below(2) == 0)
    case 2, 3: return .number(JSONNumber(lexeme: random.pick(numbers))!)
    case 4: return .string(random.pick(strings))
    case 5: return .array((0..<random.below(4)).map { _ in value(&random, depth: depth + 1) })
    default:
      return .object(JSONObject((0..<random.below(6)).map { _ in
        JSONMember(key: random.pick(keys), value: value(&random, depth: depth + 1))
      }))
    }
  }

  // MARK: - The pins

  @Test func canonicalBytesMatchTheDefinition() {
    var random = SplitMix64(seed: 0x5EED_C0DE)
    for round in 0..<3000 {
      let v = KeyPinTests.value(&random, depth: 0)
      #expect(v.canonicalBytes == KeyPinTests.canonical(v), "round \(round): \(v)")
    }
  }

  static let declarations: [KeyDeclaration?] = [
    nil,
    KeyDeclaration(fields: []),
    KeyDeclaration(fields: [.init(pointer: JSONPointer(tokens: ["a"]), normalization: [])]),
    KeyDeclaration(fields: [.init(pointer: JSONPointer(tokens: ["a"]), normalization: [.trim, .casefold])]),
    KeyDeclaration(fields: [.init(pointer: JSONPointer(tokens: ["é"]), normalization: [.nfc]),
                            .init(pointer: JSONPointer(tokens: ["b"]), normalization: [.trim, .casefold, .nfc])]),
    KeyDeclaration(fields: [.init(pointer: JSONPointer(tokens: ["a", "b"]), normalization: [.casefold]),
                            .init(pointer: JSONPointer(tokens: ["a"]), normalization: [.trim])]),
    KeyDeclaration(fields: [.init(pointer: JSONPointer(tokens: ["日本", "0"]), normalization: [.trim]),
                            .init(pointer: JSONPointer(tokens: ["B"]), normalization: [])]),
  ]

  @Test func keysMatchTheDefinition() {
    var random = SplitMix64(seed: 0xC0FF_EE00)
    var found = 0
    for round in 0..<3000 {
      var members = (0..<random.below(6)).map { _ in
        JSONMember(key: random.pick(KeyPinTests.keys), value: KeyPinTests.value(&random, depth: 1))
      }
      // Make the declared fields likely present, as strings, numbers or containers.
      for name in ["a", "b", "é", "B"] where random.below(3) > 0 {
        members.insert(JSONMember(key: name, value: random.below(2) == 0 ? .string(random.pick(KeyPinTests.strings))
                                    : KeyPinTests.value(&random, depth: 1)), at: random.below(members.count + 1))
      }
      let payload = JSONValue.object(JSONObject(members))
      for (d, declaration) in KeyPinTests.declarations.enumerated() {
        let expected = KeyPinTests.expectedKey(declaration, payload, "ns\(d)")
        let key: IdempotencyKey?
        if let declaration {
          key = try? declaration.key(for: payload, namespace: "ns\(d)").get()
        } else {
          key = IdempotencyKey(namespace: "ns\(d)", content: payload)
        }
        #expect(key?.canonicalBytes == expected?.bytes, "round \(round), declaration \(d): \(payload)")
        #expect(key?.hex == expected?.hex, "round \(round), declaration \(d)")
        #expect(key?.readable == expected?.readable, "round \(round), declaration \(d)")
        if key != nil { found += 1 }
      }
    }
    #expect(found > 6000)
  }

  /// The batch id as documented, from the definitions, against the batcher's.
  @Test func batchIdsMatchTheDefinition() throws {
    let compiled = try pack(IdempotencyKeyTests.packText)
    var random = SplitMix64(seed: 0xBA7C4)
    var items: [ActionBatch.Item] = []
    var expected = KeyPinTests.field(Array("slate.batch.v1".utf8)) + KeyPinTests.field([0])
    for round in 0..<400 {
      var members = (0..<random.below(5)).map { _ in
        JSONMember(key: random.pick(KeyPinTests.keys), value: KeyPinTests.value(&random, depth: 1))
      }
      members.insert(JSONMember(key: "type", value: .string(random.pick(["scene", "image", "shot", "plan", "nope"]))),
                     at: random.below(members.count + 1))
      members.append(JSONMember(key: "id", value: .string(random.pick(KeyPinTests.strings))))
      members.append(JSONMember(key: "scene", value: .string(random.pick(KeyPinTests.strings))))
      members.append(JSONMember(key: "n", value: .number(JSONNumber(lexeme: random.pick(KeyPinTests.numbers))!)))
      switch compiled.classify(.object(JSONObject(members)), metadata: ActionMetadata(index: round)) {
      case .success(let action):
        items.append(.action(action))
        expected += KeyPinTests.field(Array("A".utf8)) + KeyPinTests.field(Array(action.type.utf8))
          + KeyPinTests.field(Array(action.key.namespace.utf8)) + KeyPinTests.field(action.key.canonicalBytes)
          + KeyPinTests.field(KeyPinTests.canonical(action.payload))
      case .failure(let rejection):
        items.append(.rejection(rejection))
        expected += KeyPinTests.field(Array("R".utf8))
          + (rejection.type.map { KeyPinTests.field([1]) + KeyPinTests.field(Array($0.utf8)) } ?? KeyPinTests.field([0]))
          + KeyPinTests.field(rejection.bytes) + KeyPinTests.field(Array(String(rejection.errors.count).utf8))
        for error in rejection.errors {
          expected += KeyPinTests.field(Array(error.code.rawValue.utf8)) + KeyPinTests.field(Array(error.instancePath.utf8))
        }
      }
    }
    #expect(items.contains { if case .action = $0 { true } else { false } })
    #expect(items.contains { if case .rejection = $0 { true } else { false } })
    let hex = SHA256.hash(expected).hex
    #expect(ActionBatch(phase: nil, items: items).id == hex)
    var batcher = Batcher(limits: BatchLimits(maxItems: 1000, maxBytes: 1 << 30))
    for item in items {
      switch item {
      case .action(let a): #expect(batcher.add(a).isEmpty)
      case .rejection(let r): #expect(batcher.add(r).isEmpty)
      }
    }
    // The test pack declares no phases: one batch, the same id.
    let all = batcher.finish()
    #expect(all.map(\.id) == [hex])
  }
}
