import SlateJSON

/// Small typed accessors the dialects use to read payloads in place (``JSONNode``: no
/// `JSONValue` is built). Each is O(members) of the object it looks into, last member of
/// a name winning, as the ``JSONValue`` accessors.
extension JSONNode {
  /// The string member `key`'s bytes, or nil when absent or not a string.
  func stringBytes(_ key: JSONKey) -> UnsafeRawBufferPointer? { self[key]?.stringBytes }

  /// The string member `key`'s bytes when present and non-empty.
  func nonEmptyBytes(_ key: JSONKey) -> UnsafeRawBufferPointer? { self[key]?.nonEmptyStringBytes }

  /// A string's bytes when it is a non-empty string.
  var nonEmptyStringBytes: UnsafeRawBufferPointer? {
    guard let bytes = stringBytes, !bytes.isEmpty else { return nil }
    return bytes
  }

  /// The string member `key` as a `String`, or nil.
  func string(_ key: JSONKey) -> String? { self[key]?.string }

  /// The string member `key` as a `String` when present and non-empty.
  func nonEmptyString(_ key: JSONKey) -> String? {
    guard let node = self[key], node.isString, !node.bytes.isEmpty else { return nil }
    return node.string
  }

  /// The integer member `key` when it is an integer that fits an `Int`.
  func int(_ key: JSONKey) -> Int? { self[key]?.int }

  /// JavaScript-style truthiness (``JSONValue/isTruthy``): null, false, "", 0, [] and {}
  /// are falsy. Only a number is built, to read its value.
  var isTruthy: Bool {
    switch kind {
    case .null: false
    case .bool: bool == true
    case .number: value.isTruthy
    case .string: !bytes.isEmpty
    case .array, .object: count > 0
    }
  }

  /// The distinct keys of an object, in order of first appearance (for messages).
  var keyList: String { value.objectValue?.keys.joined(separator: ", ") ?? "" }
}

extension String {
  /// A string from bytes a JSON document holds (valid UTF-8).
  init(jsonBytes bytes: UnsafeRawBufferPointer) {
    self.init(decoding: bytes.bindMemory(to: UInt8.self), as: UTF8.self)
  }
}

extension UnsafeRawBufferPointer {
  /// Whether these bytes (a member name of a document) are exactly `key`'s: lengths
  /// first, then the bytes.
  @inline(__always)
  func spells(_ key: JSONKey) -> Bool { sameBytes(self, key.bytes) }
}
