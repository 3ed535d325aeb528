extension JSONPointer {
  /// The byte range, within `bytes`, of the value this pointer names in the JSON document
  /// `bytes` holds (already validated, e.g. a ``FramedValue``'s bytes); nil when the
  /// document has no such value. Member names are compared after unescaping; with
  /// duplicate names the last one wins, as in ``JSONValue``.
  ///
  /// Meant for error paths (placing a validation error under the offending text): it scans
  /// instead of parsing. O(bytes) time, O(1) memory besides the decoded member names.
  public func range(in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
    var scanner = PointerScanner(bytes: bytes)
    scanner.skipWhitespace()
    var start = scanner.at
    for token in tokens {
      guard scanner.at < bytes.count else { return nil }
      switch bytes[scanner.at] {
      case UInt8(ascii: "{"):
        guard let found = scanner.member(named: Array(token.utf8)) else { return nil }
        start = found
      case UInt8(ascii: "["):
        guard let index = JSONPointer.arrayIndex(token), let found = scanner.element(index) else { return nil }
        start = found
      default:
        return nil
      }
      scanner.at = start
    }
    scanner.skipValue()
    return start..<scanner.at
  }

  /// The range in a ``PaddedBytes`` document (see ``range(in:)-(UnsafeRawBufferPointer)``).
  public func range(in bytes: PaddedBytes) -> Range<Int>? { bytes.withUnsafeBytes { range(in: $0) } }
}

/// A cursor over valid JSON text that skips values without building them.
struct PointerScanner {
  let bytes: UnsafeRawBufferPointer
  var at = 0

  mutating func skipWhitespace() {
    while at < bytes.count, JSONFramer.isWhitespace(bytes[at]) { at += 1 }
  }

  /// At `{`: the offset of the value of the last member named `name`, or nil.
  mutating func member(named name: [UInt8]) -> Int? {
    var found: Int?
    at += 1
    skipWhitespace()
    while at < bytes.count, bytes[at] == UInt8(ascii: "\"") {
      let keyStart = at
      skipString()
      let literal = Array(bytes[keyStart..<at])
      skipWhitespace()
      at += 1  // ':'
      skipWhitespace()
      if JSONFramer.spells(literal, name) { found = at }
      skipValue()
      skipWhitespace()
      if at < bytes.count, bytes[at] == UInt8(ascii: ",") {
        at += 1
        skipWhitespace()
      }
    }
    return found
  }

  /// At `[`: the offset of element `index`, or nil.
  mutating func element(_ index: Int) -> Int? {
    at += 1
    skipWhitespace()
    var i = 0
    while at < bytes.count, bytes[at] != UInt8(ascii: "]") {
      if i == index { return at }
      skipValue()
      skipWhitespace()
      if at < bytes.count, bytes[at] == UInt8(ascii: ",") {
        at += 1
        skipWhitespace()
      }
      i += 1
    }
    return nil
  }

  /// Moves past the value starting at `at`.
  mutating func skipValue() {
    guard at < bytes.count else { return }
    switch bytes[at] {
    case UInt8(ascii: "\""):
      skipString()
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      while at < bytes.count {
        let c = bytes[at]
        if c == UInt8(ascii: "\"") {
          skipString()
          continue
        }
        if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
        if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
          depth -= 1
          if depth == 0 {
            at += 1
            return
          }
        }
        at += 1
      }
    default:  // number or literal
      while at < bytes.count {
        let c = bytes[at]
        if JSONFramer.isWhitespace(c) || c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") { return }
        at += 1
      }
    }
  }

  /// At `"`: moves past the closing quote.
  mutating func skipString() {
    at += 1
    while at < bytes.count {
      let c = bytes[at]
      if c == UInt8(ascii: "\\") {
        at += 2
        continue
      }
      at += 1
      if c == UInt8(ascii: "\"") { return }
    }
  }
}
