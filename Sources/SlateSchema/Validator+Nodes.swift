import SlateJSON

/// The pass check on a document: whether a value read as simdjson's parse (a
/// ``JSONNode``, nothing built) passes a directly evaluated node (``isDirect(_:)``) with no
/// coercion, so that the walk of the built value would give it valid, with no warning
/// and unchanged. The check is the direct evaluation's, in trial mode (``trialDepth`` > 0:
/// no error recorded, coercions off, the first failure ends it), over the node's checks,
/// members and items; a check read off the node's bytes where that is exact (types,
/// lengths, patterns, string enums, `required`, item counts, `uniqueItems` of strings),
/// else the walk's own check on the scalar built from the node.
///
/// `false` means only "not shown": a failing check, a check that would coerce, an object
/// with duplicate keys or more than 32 members, a check on a container that would need it
/// built; the caller then validates the built value as before (``run(_:_:)``), which
/// reports the errors and warnings. So a `true` is always the walk's answer, and every
/// other answer is the walk's own. Validity is a conjunction of checks, each of which
/// passes without coercion in a trial exactly when it does outside one, so the order in
/// which they are read does not matter here. Complexity: O(the nodes the schema reaches),
/// native recursion bounded by the schema's direct height; no allocation except for a
/// scalar built for a check read through the walk (a number's bound, a format) and a
/// string longer than 15 bytes looked up in a hashed `enum`.
extension Validator {
  /// Whether `value` passes `node` without coercion (see above). Call after
  /// ``reset(options:coercions:locator:wholeRange:assertFormats:)``; leaves the validator
  /// as it found it apart from errors, which a failing pass may have left (the caller
  /// resets before validating again).
  ///
  /// `omitting`: the name of root members the value is read without (a text action's
  /// discriminator that its schema does not declare: the payload is the value without them).
  mutating func passes(_ node: Int, _ value: JSONNode, omitting: UnsafeRawBufferPointer? = nil) -> Bool {
    guard isDirect(node) else { return false }
    trialDepth += 1
    defer { trialDepth -= 1 }
    return passesDirect(node, value, omitting: omitting)
  }

  /// `omitting` applies to `value` itself (an object's members of that name are not read),
  /// not to its children.
  private mutating func passesDirect(_ node: Int, _ value: JSONNode, omitting: UnsafeRawBufferPointer? = nil) -> Bool {
    for i in nodes[node] {
      let ok: Bool
      switch checks[i] {
      case .type(let mask, _):
        ok = Validator.matches(mask, value) ?? passesBuilt(checks[i], node: node, value)
      case .ref(let target, _):
        ok = passesDirect(target, value, omitting: omitting)
      case .allOf(let list, _):
        ok = nodeLists[list].allSatisfy { passesDirect($0, value, omitting: omitting) }
      case .object(let shape):
        ok = objectPasses(shape, value, omitting: omitting)
      case .array(let shape):
        ok = arrayPasses(shape, value)
      case .required(let index, _):
        ok = !value.isObject
          || program.requireds[index].allSatisfy { Validator.member($0, of: value, omitting: omitting) != nil }
      case .minItems(let n, _):
        ok = !value.isArray || value.count >= n
      case .maxItems(let n, _):
        ok = !value.isArray || value.count <= n
      case .minLength(let n, _):
        // §6.3.2: the length is the number of code points (UTF-8 lead bytes).
        ok = value.stringBytes.map { $0.count >= n && ($0.count / 4 >= n || Validator.codePoints($0) >= n) } ?? true
      case .maxLength(let n, _):
        ok = value.stringBytes.map { $0.count <= n || Validator.codePoints($0) <= n } ?? true
      case .pattern(let index, _):
        ok = value.stringBytes.map { program.patterns[index].matches(utf8: $0) } ?? true
      case .enumeration(let index, _):
        ok = enumPasses(program.enums[index], value) ?? passesBuilt(checks[i], node: node, value)
      case .uniqueItems:
        ok = Validator.stringsUnique(value) ?? passesBuilt(checks[i], node: node, value)
      case .falseSchema:
        ok = false
      default:
        // Read through the walk on a scalar; an object (omitting or not) is never built here.
        ok = passesBuilt(checks[i], node: node, value)
      }
      if !ok { return false }
    }
    return true
  }

  /// A check read through the walk's own ``assert(_:node:_:)``, on the scalar built from
  /// the node; a container is not built here (it may be of any depth): not shown.
  private mutating func passesBuilt(_ check: Check, node: Int, _ value: JSONNode) -> Bool {
    if value.isObject || value.isArray { return false }
    switch check {
    case .type, .enumeration, .bound, .multipleOf, .format, .minLength, .maxLength, .pattern, .uniqueItems,
      .minItems, .maxItems, .required, .minProperties, .maxProperties, .dependentRequired:
      var built = value.value
      return assert(check, node: node, &built)
    default:
      return false
    }
  }

  /// `properties`, `patternProperties`, `additionalProperties` on an object node, as
  /// ``objectDirect(_:_:)`` in its common case (up to 32 members, no hashed table);
  /// duplicate keys are not shown (the walk evaluates their last occurrences).
  private mutating func objectPasses(_ shape: Int, _ value: JSONNode, omitting: UnsafeRawBufferPointer?) -> Bool {
    guard value.isObject else { return true }
    let table = objects[shape]
    let count = value.count
    guard count <= 32, table.lookup == nil, table.names.count <= 64 else { return false }
    var seen: UInt64 = 0
    var members = value.members
    var position = 0
    while let (key, child) = members.next() {
      defer { position += 1 }
      if let omitting, JSONNode.bytesEqual(key, omitting) { continue }
      var matched = false
      if let p = table.index(ofUTF8: key) {
        if seen & (1 << UInt64(p)) != 0 { return false }
        seen |= 1 << UInt64(p)
        matched = true
        if !passesDirect(table.nodes[p], child) { return false }
      } else if Validator.keyRecurs(key, in: value, after: position) {
        return false
      }
      for entry in table.patterns where program.patterns[entry.pattern].matches(utf8: key) {
        matched = true
        if !passesDirect(entry.node, child) { return false }
      }
      if !matched {
        switch table.additional {
        case .any: break
        case .forbidden: return false
        case .schema(let node): if !passesDirect(node, child) { return false }
        }
      }
    }
    return true
  }

  /// `prefixItems` and `items` on an array node, as ``arrayDirect(_:_:)``.
  private mutating func arrayPasses(_ shape: Int, _ value: JSONNode) -> Bool {
    guard value.isArray else { return true }
    let prefix = arrays[shape].prefix
    var index = 0
    for item in value.elements {
      let node: Int
      if index < prefix.count {
        node = prefix[index]
      } else {
        switch arrays[shape].rest {
        case .any: return true
        case .forbidden: return false
        case .schema(let rest): node = rest
        }
      }
      if !passesDirect(node, item) { return false }
      index += 1
    }
    return true
  }

  /// `enum`/`const` on a string node, compared by code points (``checkEnum(_:_:_:)``'s
  /// first test); nil for another kind (read through the walk).
  private func enumPasses(_ table: EnumTable, _ value: JSONNode) -> Bool? {
    guard let bytes = value.stringBytes else { return nil }
    if let strings = table.strings {
      return strings[Utf8Key(String(decoding: bytes, as: UTF8.self))] != nil
    }
    return table.values.contains { candidate in
      guard case .string(var string) = candidate else { return false }
      return string.withUTF8 { JSONNode.bytesEqual(UnsafeRawBufferPointer($0), bytes) }
    }
  }
}

extension Validator {
  /// The JSON type test of a node; nil for a number that is not an integer on the tape
  /// (`1.0` is an integer to JSON Schema: decided on the built number).
  static func matches(_ mask: TypeMask, _ value: JSONNode) -> Bool? {
    switch value.kind {
    case .null: return mask.contains(.null)
    case .bool: return mask.contains(.boolean)
    case .string: return mask.contains(.string)
    case .array: return mask.contains(.array)
    case .object: return mask.contains(.object)
    case .number:
      if mask.contains(.number) { return true }
      if !mask.contains(.integer) { return false }
      return value.isTapeInteger ? true : nil
    }
  }

  /// The number of code points of valid UTF-8 (its bytes that are not continuation bytes).
  static func codePoints(_ bytes: UnsafeRawBufferPointer) -> Int {
    var count = 0
    for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
    return count
  }

  /// The last member named `name` of an object node (code points), or nil; none when
  /// `name` is `omitting`.
  static func member(_ name: String, of object: JSONNode, omitting: UnsafeRawBufferPointer? = nil) -> JSONNode? {
    var name = name
    return name.withUTF8 { wanted in
      let wanted = UnsafeRawBufferPointer(wanted)
      if let omitting, JSONNode.bytesEqual(wanted, omitting) { return nil }
      return object.member(named: wanted)
    }
  }

  /// Whether a member after position `position` of `object` has the key `key`.
  static func keyRecurs(_ key: UnsafeRawBufferPointer, in object: JSONNode, after position: Int) -> Bool {
    var members = object.members
    var index = 0
    while let (other, _) = members.next() {
      if index > position, JSONNode.bytesEqual(other, key) { return true }
      index += 1
    }
    return false
  }

  /// `uniqueItems` on an array node of up to 64 items that are all strings (equal exactly
  /// when their code points are; pairwise, in stack scratch); nil for any other array (read
  /// through the walk), true for another kind.
  static func stringsUnique(_ value: JSONNode) -> Bool? {
    guard value.isArray else { return true }
    let count = value.count
    guard count <= 64 else { return nil }
    return withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: count) { seen in
      var n = 0
      for item in value.elements {
        guard let bytes = item.stringBytes else { return nil }
        for i in 0..<n where JSONNode.bytesEqual(seen[i], bytes) { return false }
        seen[n] = bytes
        n += 1
      }
      return true
    }
  }
}

extension ObjectShape {
  /// ``index(of:)`` for a key given as UTF-8 bytes.
  func index(ofUTF8 key: UnsafeRawBufferPointer) -> Int? {
    if let lookup { return lookup[Utf8Key(String(decoding: key, as: UTF8.self))] }
    return scan(key)
  }
}
