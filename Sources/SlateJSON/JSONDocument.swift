import CSimdjson

/// A read-only view of the document a ``SimdjsonParser`` parsed last: the shim's preorder
/// node array, read in place; each string, key and number points at its bytes (simdjson's
/// unescaped string buffer, or the number's lexeme in the input).
///
/// Nothing is built: a field lookup scans the object's keys comparing lengths first, then
/// bytes (``JSONKey`` holds the key's bytes, computed once); a string is a span of
/// simdjson's buffer (``JSONNode/bytes``), with no `String` in between. Only
/// ``JSONNode/value`` materialises a ``JSONValue`` (for the rare parts a caller keeps:
/// usage, errors).
///
/// Lifetime: the view and every ``JSONNode`` from it are valid until the parser's next
/// parse (as simdjson's own DOM elements are), or while the ``JSONDocumentCopy`` they came
/// from is alive. Not `Sendable`: it points into one parser's buffers.
public struct JSONDocument {
  let nodes: UnsafeBufferPointer<slate_json_node>

  init(nodes: UnsafeBufferPointer<slate_json_node>) {
    self.nodes = nodes
  }

  /// The document's top-level value.
  public var root: JSONNode { JSONNode(nodes: nodes, index: 0) }

  /// A copy that outlives the parser's next parse. O(nodes + text bytes).
  public func copy() -> JSONDocumentCopy { JSONDocumentCopy(nodes) }
}

/// A document kept beyond its parser's next parse (``JSONDocument/copy()``): its nodes, and
/// their texts copied into storage of its own.
public final class JSONDocumentCopy {
  private let nodes: UnsafeMutableBufferPointer<slate_json_node>
  private let texts: UnsafeMutableRawPointer

  /// Copies `source`, each node's `subtree_end` lowered by `base` (a subtree's first index).
  init(_ source: UnsafeBufferPointer<slate_json_node>, base: UInt32 = 0) {
    nodes = UnsafeMutableBufferPointer.allocate(capacity: source.count)
    _ = nodes.initialize(from: source)
    let total = source.reduce(0) { $0 + Int($1.text_length) }
    texts = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
    var at = 0
    for k in 0..<source.count {
      nodes[k].subtree_end -= base
      guard let text = source[k].text else { continue }
      let length = Int(source[k].text_length)
      (texts + at).copyMemory(from: text, byteCount: length)
      nodes[k].text = UnsafePointer((texts + at).assumingMemoryBound(to: UInt8.self))
      at += length
    }
  }

  deinit {
    nodes.deallocate()
    texts.deallocate()
  }

  /// Calls `body` with the copy's root; the node is valid only inside `body`.
  public func withRoot<R>(_ body: (JSONNode) throws -> R) rethrows -> R {
    try body(JSONDocument(nodes: UnsafeBufferPointer(nodes)).root)
  }
}

/// An object key as bytes, compared with a document's keys by length, then bytes.
/// Built once (from a literal: no allocation) and reused for every lookup.
public struct JSONKey: ExpressibleByStringLiteral, @unchecked Sendable {
  let start: UnsafeRawPointer
  let count: Int

  public init(_ key: StaticString) {
    precondition(key.hasPointerRepresentation, "a JSON key literal must be a string, not a scalar")
    start = UnsafeRawPointer(key.utf8Start)
    count = key.utf8CodeUnitCount
  }

  public init(stringLiteral value: StaticString) { self.init(value) }

  /// The key's bytes.
  public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }
}

/// One value of a ``JSONDocument``: a node index into the document's node array.
///
/// Every accessor is O(1) except ``subscript(_:)`` (O(members) of the object, last member
/// of that name winning, as ``JSONObject``'s lookup) and ``value`` (O(subtree)).
public struct JSONNode {
  let nodes: UnsafeBufferPointer<slate_json_node>
  let index: Int

  public typealias Kind = JSONKind

  @inline(__always) var node: slate_json_node { nodes[index] }

  public var kind: Kind {
    switch UInt32(node.kind) {
    case SLATE_NODE_NULL.rawValue: .null
    case SLATE_NODE_FALSE.rawValue, SLATE_NODE_TRUE.rawValue: .bool
    case SLATE_NODE_NUMBER.rawValue: .number
    case SLATE_NODE_STRING.rawValue, SLATE_NODE_KEY.rawValue: .string
    case SLATE_NODE_ARRAY.rawValue: .array
    default: .object
    }
  }

  public var isNull: Bool { UInt32(node.kind) == SLATE_NODE_NULL.rawValue }
  public var isObject: Bool { UInt32(node.kind) == SLATE_NODE_OBJECT.rawValue }
  public var isArray: Bool { UInt32(node.kind) == SLATE_NODE_ARRAY.rawValue }
  public var isString: Bool { UInt32(node.kind) == SLATE_NODE_STRING.rawValue }

  /// Elements of an array or members of an object; 0 for scalars.
  public var count: Int { isArray || isObject ? Int(node.count) : 0 }

  /// The JSON type name (``JSONKind/typeName``).
  public var typeName: String { kind.typeName }

  /// A string's unescaped UTF-8 bytes (valid UTF-8: simdjson validated them), or a
  /// number's lexeme; empty for other kinds. A span of the document's texts: no copy.
  public var bytes: UnsafeRawBufferPointer { JSONNode.text(of: node) }

  /// The text a node points at (empty for a node without one).
  @inline(__always)
  static func text(of node: slate_json_node) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: node.text, count: Int(node.text_length))
  }

  /// A string's bytes, or nil for another kind.
  public var stringBytes: UnsafeRawBufferPointer? { isString ? bytes : nil }

  /// A string as a `String` (allocates beyond 15 bytes), or nil for another kind.
  public var string: String? {
    guard isString else { return nil }
    return String(decoding: bytes.bindMemory(to: UInt8.self), as: UTF8.self)
  }

  /// True when this is a string equal to `literal`.
  public func isString(_ literal: JSONKey) -> Bool {
    isString && JSONNode.equal(bytes, literal.bytes)
  }

  /// A boolean's value, or nil.
  public var bool: Bool? {
    switch UInt32(node.kind) {
    case SLATE_NODE_TRUE.rawValue: true
    case SLATE_NODE_FALSE.rawValue: false
    default: nil
    }
  }

  /// A number as an `Int` when it is an integer that fits (`1.0` and `1e2` count, as
  /// ``JSONNumber/int64Value``), else nil. Plain integers of up to 18 digits are read
  /// in place; other lexemes go through ``JSONNumber``.
  public var int: Int? {
    guard UInt32(node.kind) == SLATE_NODE_NUMBER.rawValue else { return nil }
    let lexeme = bytes
    var i = 0
    let negative = lexeme.first == UInt8(ascii: "-")
    if negative { i = 1 }
    if lexeme.count - i <= 18 {
      var magnitude = 0
      var plain = i < lexeme.count
      while i < lexeme.count {
        let digit = Int(lexeme[i]) &- 48
        guard digit >= 0 && digit <= 9 else {
          plain = false
          break
        }
        magnitude = magnitude * 10 + digit
        i += 1
      }
      if plain { return negative ? -magnitude : magnitude }
    }
    let number = JSONNumber(validatedLexeme: String(decoding: lexeme.bindMemory(to: UInt8.self), as: UTF8.self))
    return number.int64Value.flatMap { Int(exactly: $0) }
  }

  /// The member named `key` of an object (the last one of that name), or nil (also for
  /// another kind). O(members); each key is compared by length first.
  public subscript(key: JSONKey) -> JSONNode? {
    guard isObject else { return nil }
    var found: Int?
    var child = index + 1
    let end = Int(node.subtree_end)
    while child < end {
      let keyNode = nodes[child]
      if Int(keyNode.text_length) == key.count, JSONNode.equal(JSONNode.text(of: keyNode), key.bytes) {
        found = child + 1
      }
      child = Int(nodes[child + 1].subtree_end)
    }
    return found.map { JSONNode(nodes: nodes, index: $0) }
  }

  /// An array's elements in order (empty for another kind).
  public var elements: Elements { Elements(node: self) }

  /// An object's members in order, keys as byte spans (empty for another kind).
  public var members: Members { Members(node: self) }

  /// The nodes of a container's children: a position in the node array and the end of
  /// the container's subtree (both equal for another kind, or for none).
  struct Children {
    let nodes: UnsafeBufferPointer<slate_json_node>
    var position: Int
    let end: Int

    init(of node: JSONNode, if isContainer: Bool) {
      nodes = node.nodes
      position = node.index + 1
      end = isContainer ? Int(node.node.subtree_end) : position
    }

    init() {
      nodes = UnsafeBufferPointer(start: nil, count: 0)
      position = 0
      end = 0
    }

    /// The node at the position, stepping past its subtree (`skip` nodes first: 1 for an
    /// object's key).
    mutating func take(skipping skip: Int) -> JSONNode? {
      guard position < end else { return nil }
      let node = JSONNode(nodes: nodes, index: position + skip)
      position = Int(nodes[position + skip].subtree_end)
      return node
    }
  }

  public struct Elements: Sequence, IteratorProtocol {
    var children: Children

    init(node: JSONNode) { children = Children(of: node, if: node.isArray) }

    /// No elements (for an absent array).
    public static var empty: Elements { Elements(children: Children()) }

    init(children: Children) { self.children = children }

    public mutating func next() -> JSONNode? { children.take(skipping: 0) }
  }

  public struct Members: Sequence, IteratorProtocol {
    var children: Children

    init(node: JSONNode) { children = Children(of: node, if: node.isObject) }

    public mutating func next() -> (key: UnsafeRawBufferPointer, value: JSONNode)? {
      let keyIndex = children.position
      guard let value = children.take(skipping: 1) else { return nil }
      return (JSONNode.text(of: children.nodes[keyIndex]), value)
    }
  }

  /// A copy of this value's subtree that outlives the parser's next parse. O(subtree + its texts).
  public func copy() -> JSONDocumentCopy {
    JSONDocumentCopy(UnsafeBufferPointer(rebasing: nodes[index..<Int(node.subtree_end)]), base: UInt32(index))
  }

  /// The value as a ``JSONValue`` (built: O(subtree), allocates).
  public var value: JSONValue {
    SimdjsonParser.materialise(UnsafeBufferPointer(rebasing: nodes[index..<Int(node.subtree_end)]))
  }

  @inline(__always)
  static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    var i = 0
    while i < a.count {
      if a[i] != b[i] { return false }
      i += 1
    }
    return true
  }
}
