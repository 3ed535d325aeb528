/// One JSON object with its members in the order they are added, for JSON-lines output
/// (the canonical form would sort them). Member values, and strings, are written in
/// canonical form. O(size) per member.
public struct JSONLine: Sendable, Equatable {
  private var bytes: [UInt8] = [UInt8(ascii: "{")]

  public init() {}

  /// Adds a member whose value is any JSON value (written canonically).
  public mutating func add(_ key: String, _ value: JSONValue) {
    addKey(key)
    JSONValue.writeCanonical(value, into: &bytes)
  }

  /// Adds a member whose value is read in place from a parsed document (written
  /// canonically, as its built value would be; nothing is built).
  public mutating func add(_ key: String, _ node: JSONNode) {
    addKey(key)
    var writer = CanonicalWriter()
    writer.write(node, into: &bytes)
  }

  /// Adds a member whose value `write` appends (exactly one JSON value, in canonical form:
  /// for example with a ``CanonicalWriter``).
  public mutating func add(_ key: String, writtenBy write: (inout [UInt8]) -> Void) {
    addKey(key)
    write(&bytes)
  }

  /// Adds a member whose value is an array of objects built with `JSONLine`.
  public mutating func add(_ key: String, objects: [JSONLine]) {
    addKey(key)
    bytes.append(UInt8(ascii: "["))
    for (i, object) in objects.enumerated() {
      if i > 0 { bytes.append(UInt8(ascii: ",")) }
      bytes.append(contentsOf: object.closed)
    }
    bytes.append(UInt8(ascii: "]"))
  }

  /// The object's text.
  public var text: String { String(decoding: closed, as: UTF8.self) }

  private var closed: [UInt8] { bytes + [UInt8(ascii: "}")] }

  private mutating func addKey(_ key: String) {
    if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
    JSONValue.writeCanonicalString(key, into: &bytes)
    bytes.append(UInt8(ascii: ":"))
  }
}

