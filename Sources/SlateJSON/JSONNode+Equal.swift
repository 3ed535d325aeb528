/// Equality of a node read in place with a built ``JSONValue``, without building one from the
/// node: the check a dialect makes before it keeps a payload it already holds (Gemini repeats
/// its `usageMetadata` in every chunk; building it and comparing the built values, whose
/// object equality hashes the members into sets, was about 6% of the 30 real recordings'
/// stream time).
extension JSONNode {
  /// Objects of more members than this are compared through ``value`` (the pairwise scans
  /// below are quadratic in the members).
  static let pairwiseMembers = 32
  /// Values nested deeper than this are compared through ``value`` (whose `==` keeps no
  /// native stack).
  static let nativeDepth = 32

  /// Whether this value equals `value` under ``JSONValue``'s `==`: numbers by exact value,
  /// strings by code points, arrays element by element, objects by their distinct members
  /// (the last of a repeated name standing), in any order.
  ///
  /// O(n) for scalars and arrays, O(m²) per object of m members (at most
  /// ``pairwiseMembers``; larger objects, and values nested deeper than ``nativeDepth``,
  /// are compared through ``value``, O(size)). No allocation unless it falls back, or reads a
  /// number (a `JSONNumber` of the lexeme, inline up to 15 bytes).
  public func isEqual(to value: JSONValue) -> Bool { isEqual(to: value, depth: 0) }

  private func isEqual(to value: JSONValue, depth: Int) -> Bool {
    switch value {
    case .null: return isNull
    case .bool(let b): return bool == b
    case .number(let n):
      guard kind == .number else { return false }
      return JSONNumber(validatedLexeme: String(decoding: bytes, as: UTF8.self)) == n
    case .string(let s):
      guard let mine = stringBytes else { return false }
      return Self.bytes(mine, equal: s)
    case .array(let elements):
      guard isArray, count == elements.count else { return false }
      if depth >= Self.nativeDepth { return self.value == value }
      var k = 0
      for element in self.elements {
        if !element.isEqual(to: elements[k], depth: depth + 1) { return false }
        k += 1
      }
      return true
    case .object(let object):
      guard isObject else { return false }
      let theirs = object.members
      let mine = count
      if depth >= Self.nativeDepth || mine > Self.pairwiseMembers || theirs.count > Self.pairwiseMembers {
        return self.value == value
      }
      // The distinct names on both sides must be as many; then every name of mine (at its
      // last occurrence) must be one of theirs, with its last value equal.
      var distinctTheirs = 0
      for i in theirs.indices where !theirs[(i + 1)...].contains(where: { codePointsEqual($0.key, theirs[i].key) }) {
        distinctTheirs += 1
      }
      let distinctMine = Self.distinctMembers(of: self) { member in
        guard let match = theirs.lastIndex(where: { Self.bytes(member.key, equal: $0.key) }) else { return false }
        return member.value.isEqual(to: theirs[match].value, depth: depth + 1)
      }
      return distinctMine == distinctTheirs
    }
  }

  /// Whether this value equals `other` (a node of any document) under ``JSONValue``'s `==`,
  /// neither built: the same rules and bounds as ``isEqual(to:)-(JSONValue)`` (objects of
  /// more than ``pairwiseMembers`` members, and values nested deeper than ``nativeDepth``,
  /// are compared through ``value``), but two objects whose names come in the same order,
  /// compared in one pass, O(m), whatever their size. Integers simdjson holds exactly, and
  /// numbers of the same bytes or both canonical integers, are compared without a
  /// `JSONNumber`; no allocation otherwise but another number pair's `JSONNumber`s longer
  /// than 15 bytes.
  public func isEqual(to other: JSONNode) -> Bool { isEqual(to: other, depth: 0) }

  private func isEqual(to other: JSONNode, depth: Int) -> Bool {
    guard kind == other.kind else { return false }
    switch kind {
    case .null: return true
    case .bool: return bool == other.bool
    case .number:
      // Two integers simdjson holds exactly (both int64, or both uint64) are compared by the
      // tape's values: no lexeme read, so no walk locating the document's lexemes.
      if type == other.type && (type == Tape.int64 || type == Tape.uint64) {
        return document.tape[index + 1] == other.document.tape[other.index + 1]
      }
      return Self.numbersEqual(bytes, other.bytes)
    case .string: return JSONNode.equal(stringBytes!, other.stringBytes!)
    case .array:
      guard count == other.count else { return false }
      if depth >= Self.nativeDepth { return value == other.value }
      var theirs = other.elements
      for element in elements {
        guard let their = theirs.next(), element.isEqual(to: their, depth: depth + 1) else { return false }
      }
      return true
    case .object:
      if depth < Self.nativeDepth, count == other.count, let same = inOrderEqual(to: other, depth: depth) { return same }
      if depth >= Self.nativeDepth || count > Self.pairwiseMembers || other.count > Self.pairwiseMembers {
        return value == other.value
      }
      // As against a built object: as many distinct names on both sides, and every name of
      // mine (at its last occurrence) one of theirs (at its last occurrence), values equal.
      guard let distinctTheirs = Self.distinctMembers(of: other, { _ in true }) else { return false }
      let distinctMine = Self.distinctMembers(of: self) { member in
        var match: JSONNode?
        for their in other.members where JSONNode.equal(their.key, member.key) { match = their.value }
        guard let match else { return false }
        return member.value.isEqual(to: match, depth: depth + 1)
      }
      return distinctMine == distinctTheirs
    }
  }

  /// Whether two valid number lexemes have the same exact value. The same bytes are the same
  /// value, and two canonical integers (no sign but a minus, no leading zero, no fraction or
  /// exponent, at most 18 digits) of different bytes are different values: Gemini's growing
  /// token counts are compared so, with no `JSONNumber` built (two `String`s and two digit
  /// arrays a pair, about 2,600 instructions a `usageMetadata` before). Any other pair (`1.0`
  /// against `1`, `1e2` against `100`) is compared by value. O(lexeme).
  static func numbersEqual(_ mine: UnsafeRawBufferPointer, _ theirs: UnsafeRawBufferPointer) -> Bool {
    if equal(mine, theirs) { return true }
    if JSONNumber.isCanonicalInteger(mine) && JSONNumber.isCanonicalInteger(theirs) { return false }
    return JSONNumber(validatedLexeme: String(decoding: mine, as: UTF8.self))
      == JSONNumber(validatedLexeme: String(decoding: theirs, as: UTF8.self))
  }

  /// Two objects whose names come in the same order (one provider's repeated object, as
  /// Gemini's `usageMetadata`), compared in one pass; nil when the names differ somewhere.
  /// The names being the same sequence, each distinct name's last occurrence is at the same
  /// position on both sides: the objects are equal if and only if the values there are. A
  /// pair of values that differ decides only when no later member shadows its name.
  /// O(m) for m members, plus O(m) a differing pair.
  private func inOrderEqual(to other: JSONNode, depth: Int) -> Bool? {
    var mine = members
    var theirs = other.members
    while let member = mine.next() {
      guard let their = theirs.next(), JSONNode.equal(member.key, their.key) else { return nil }
    }
    guard theirs.next() == nil else { return nil }
    mine = members
    theirs = other.members
    while let member = mine.next(), let their = theirs.next() {
      if member.value.isEqual(to: their.value, depth: depth + 1) { continue }
      var later = mine
      var shadowed = false
      while !shadowed, let next = later.next() { shadowed = JSONNode.equal(next.key, member.key) }
      if !shadowed { return false }
    }
    return true
  }

  /// Calls `body` with each member of `object` that no later member of the same name
  /// shadows, in order, while it answers true. Returns how many it called it with (the
  /// object's distinct names), or nil once `body` answered false. O(m²) for m members.
  private static func distinctMembers(of object: JSONNode,
                                      _ body: ((key: UnsafeRawBufferPointer, value: JSONNode)) -> Bool) -> Int?
  {
    var distinct = 0
    var members = object.members
    while let member = members.next() {
      var later = members
      var repeated = false
      while !repeated, let next = later.next() { repeated = JSONNode.equal(next.key, member.key) }
      if repeated { continue }
      distinct += 1
      guard body(member) else { return nil }
    }
    return distinct
  }

  /// Whether `bytes` are the UTF-8 of `string` (code-point equality).
  private static func bytes(_ bytes: UnsafeRawBufferPointer, equal string: String) -> Bool {
    let count = string.utf8.count
    guard count == bytes.count else { return false }
    if count == 0 { return true }
    return string.utf8.withContiguousStorageIfAvailable {
      codePointBytesEqual(bytes.baseAddress!, UnsafeRawPointer($0.baseAddress!), count)
    } ?? string.utf8.elementsEqual(bytes)
  }
}
