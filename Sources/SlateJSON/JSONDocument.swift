import CSimdjson

/// A read-only view of the document a ``SimdjsonParser`` parsed last: simdjson's tape, read
/// in place (one 64-bit word per value, the type character in its top byte; a container's
/// word holds the index past its closing word and its count, so skipping a value is O(1)).
/// Strings are spans of simdjson's unescaped string buffer; a number's lexeme is found in
/// the input on first need (once per document, ``JSONNode/bytes`` of a number).
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
  @usableFromInline let document: DocumentPointer
  /// The root value's tape index: 1 for a live document (after simdjson's root word), 0 for a copy.
  @usableFromInline let rootIndex: Int

  init(_ document: UnsafePointer<slate_json_document>, rootIndex: Int) {
    self.document = DocumentPointer(shim: document)
    self.rootIndex = rootIndex
  }

  /// The document's top-level value.
  public var root: JSONNode { JSONNode(document: document, index: rootIndex) }

  /// A copy that outlives the parser's next parse. O(tape words + text bytes).
  public func copy() -> JSONDocumentCopy { root.copy() }
}

/// Where a document's tape, strings and lexemes are: one word, the address of the shim's
/// description of the document (held by its parser, rewritten at each parse, or by a
/// ``JSONDocumentCopy``), so that every ``JSONNode`` is two words (this and an index)
/// rather than the four pointers it would otherwise copy at every read.
@usableFromInline
struct DocumentPointer {
  @usableFromInline let shim: UnsafePointer<slate_json_document>

  @usableFromInline init(shim: UnsafePointer<slate_json_document>) { self.shim = shim }

  // Readable from the dialects' inlined reads (`@inlinable` accessors of ``JSONNode``).
  @inlinable var tape: UnsafePointer<UInt64> { shim.pointee.tape }
  @inlinable var strings: UnsafePointer<UInt8> { shim.pointee.strings }
  @inlinable var lexemes: UnsafePointer<UInt8> { shim.pointee.lexemes }
  /// The live document's parser (locates its numbers on first need); nil for a copy.
  @inlinable var parser: OpaquePointer? { shim.pointee.parser }
}

/// A document kept beyond its parser's next parse (``JSONDocument/copy()``): its tape
/// words, strings and number lexemes copied into one block of its own.
///
/// `Sendable`: the block is written once, by the initialiser, and only read after (a
/// copy's nodes never locate numbers: their lexemes were copied with them).
public final class JSONDocumentCopy: @unchecked Sendable {
  private let block: UnsafeMutablePointer<slate_json_document>

  /// Copies the value at `index` of `document`.
  init(_ document: DocumentPointer, index: Int) {
    guard let block = slate_json_copy_value(document.shim, index) else {
      fatalError("out of memory copying a JSON document")
    }
    self.block = block
  }

  deinit { slate_json_copy_free(block) }

  /// Calls `body` with the copy's root; the node is valid only inside `body`.
  public func withRoot<R>(_ body: (JSONNode) throws -> R) rethrows -> R {
    try body(JSONDocument(block, rootIndex: 0).root)
  }

  /// The value, built (O(value), allocates; each read builds it again).
  public var value: JSONValue { withRoot { $0.value } }
}

/// An object key as bytes, compared with a document's keys by length, then bytes.
/// Built once (from a literal: no allocation) and reused for every lookup.
public struct JSONKey: ExpressibleByStringLiteral, @unchecked Sendable {
  @usableFromInline let start: UnsafeRawPointer
  @usableFromInline let count: Int

  public init(_ key: StaticString) {
    precondition(key.hasPointerRepresentation, "a JSON key literal must be a string, not a scalar")
    start = UnsafeRawPointer(key.utf8Start)
    count = key.utf8CodeUnitCount
  }

  public init(stringLiteral value: StaticString) { self.init(value) }

  /// The key's bytes.
  @inlinable public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }
}

/// One value of a ``JSONDocument``: an index into the document's tape.
///
/// Every accessor is O(1) except ``subscript(_:)`` (O(members) of the object, last member
/// of that name winning, as ``JSONObject``'s lookup), ``value`` and ``copy()`` (O(subtree)),
/// ``count`` beyond 16,777,214 children (counted by walking) and the first number lexeme
/// of a document (located for the whole document at once).
///
/// The hot accessors (kind tests, string bytes, member lookup and iteration, `int`) are
/// `@inlinable`: called across the module boundary from every dialect for every event,
/// they cost a call and a six-word result each otherwise.
public struct JSONNode {
  @usableFromInline let document: DocumentPointer
  @usableFromInline let index: Int

  @usableFromInline
  init(document: DocumentPointer, index: Int) {
    self.document = document
    self.index = index
  }

  public typealias Kind = JSONKind

  /// The tape's type characters.
  @usableFromInline
  enum Tape {
    @inlinable static var object: UInt8 { UInt8(ascii: "{") }
    @inlinable static var array: UInt8 { UInt8(ascii: "[") }
    @inlinable static var string: UInt8 { UInt8(ascii: "\"") }
    @inlinable static var int64: UInt8 { UInt8(ascii: "l") }
    @inlinable static var uint64: UInt8 { UInt8(ascii: "u") }
    @inlinable static var double: UInt8 { UInt8(ascii: "d") }
    @inlinable static var `true`: UInt8 { UInt8(ascii: "t") }
    @inlinable static var `false`: UInt8 { UInt8(ascii: "f") }
    @inlinable static var null: UInt8 { UInt8(ascii: "n") }
    @inlinable static var payload: UInt64 { 0x00FF_FFFF_FFFF_FFFF }
    /// A saturated count: the real one is counted by walking.
    @inlinable static var saturated: Int { 0xFF_FFFF }
  }

  @inlinable var word: UInt64 { document.tape[index] }
  @inlinable var type: UInt8 { UInt8(truncatingIfNeeded: word >> 56) }

  public var kind: Kind {
    switch type {
    case Tape.null: .null
    case Tape.true, Tape.false: .bool
    case Tape.int64, Tape.uint64, Tape.double: .number
    case Tape.string: .string
    case Tape.array: .array
    default: .object
    }
  }

  @inlinable public var isNull: Bool { type == Tape.null }
  @inlinable public var isObject: Bool { type == Tape.object }
  @inlinable public var isArray: Bool { type == Tape.array }
  @inlinable public var isString: Bool { type == Tape.string }
  var isNumber: Bool { type == Tape.int64 || type == Tape.uint64 || type == Tape.double }
  /// A number simdjson held as an integer (64-bit signed or unsigned): written without a
  /// fraction or an exponent. False for a number held as a double (which may still be
  /// integral, as `1.0`) and for other kinds.
  public var isTapeInteger: Bool { type == Tape.int64 || type == Tape.uint64 }

  /// Elements of an array or members of an object; 0 for scalars.
  public var count: Int {
    let word = self.word
    let type = UInt8(truncatingIfNeeded: word >> 56)
    guard type == Tape.array || type == Tape.object else { return 0 }
    let count = Int(truncatingIfNeeded: word >> 32) & Tape.saturated
    guard count == Tape.saturated else { return count }
    var children = Children(of: self, if: true)
    var walked = 0
    while children.take(skipping: type == Tape.object ? 1 : 0) != nil { walked += 1 }
    return walked
  }

  /// The JSON type name (``JSONKind/typeName``).
  public var typeName: String { kind.typeName }

  /// A string's unescaped UTF-8 bytes (valid UTF-8: simdjson validated them), or a
  /// number's lexeme; empty for other kinds. A span of the document's texts: no copy.
  public var bytes: UnsafeRawBufferPointer {
    if isString { return JSONNode.string(at: document.strings, word) }
    return isNumber ? lexeme : UnsafeRawBufferPointer(start: nil, count: 0)
  }

  /// The string whose tape word is `word`: a 4-byte little-endian length, then the bytes.
  @inlinable
  static func string(at strings: UnsafePointer<UInt8>, _ word: UInt64) -> UnsafeRawBufferPointer {
    let start = UnsafeRawPointer(strings + Int(truncatingIfNeeded: word & Tape.payload))
    let length = UInt32(littleEndian: start.loadUnaligned(as: UInt32.self))
    return UnsafeRawBufferPointer(start: start + 4, count: Int(length))
  }

  /// A number's lexeme, as written in the input (located for the whole document on first need).
  @usableFromInline var lexeme: UnsafeRawBufferPointer {
    var payload = word & Tape.payload
    if payload == 0, let parser = document.parser {
      slate_json_locate_numbers(parser)
      payload = word & Tape.payload
    }
    let start = document.lexemes + Int(truncatingIfNeeded: payload) - 1
    var length = 0
    while JSONNode.isNumberByte(start[length]) { length += 1 }
    return UnsafeRawBufferPointer(start: start, count: length)
  }

  @inline(__always)
  static func isNumberByte(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2B || c == 0x2E || c == 0x65 || c == 0x45
  }

  /// A string's bytes, or nil for another kind.
  @inlinable public var stringBytes: UnsafeRawBufferPointer? { isString ? JSONNode.string(at: document.strings, word) : nil }

  /// A string as a `String` (allocates beyond 15 bytes), or nil for another kind.
  public var string: String? {
    guard let bytes = stringBytes else { return nil }
    return String(decoding: bytes.bindMemory(to: UInt8.self), as: UTF8.self)
  }

  /// True when this is a string equal to `literal`.
  @inlinable public func isString(_ literal: JSONKey) -> Bool {
    guard let bytes = stringBytes else { return false }
    return JSONNode.equal(bytes, literal.bytes)
  }

  /// A boolean's value, or nil.
  public var bool: Bool? {
    switch type {
    case Tape.true: true
    case Tape.false: false
    default: nil
    }
  }

  /// A number as an `Int` when it is an integer that fits (`1.0` and `1e2` count, as
  /// ``JSONNumber/int64Value``), else nil. An integer simdjson held as a 64-bit signed
  /// integer is read off the tape; other numbers (beyond `Int64`, with a fraction or an
  /// exponent, or beyond a double) from their lexeme through ``JSONNumber``.
  @inlinable public var int: Int? {
    switch type {
    case Tape.int64: return Int(Int64(bitPattern: document.tape[index + 1]))
    case Tape.uint64, Tape.double: return JSONNode.int(lexeme: lexeme)
    default: return nil
    }
  }

  /// ``JSONNumber/int64Value`` of a lexeme, as an `Int`. Rare: out of line.
  @usableFromInline @inline(never)
  static func int(lexeme: UnsafeRawBufferPointer) -> Int? {
    let number = JSONNumber(validatedLexeme: String(decoding: lexeme.bindMemory(to: UInt8.self), as: UTF8.self))
    return number.int64Value.flatMap { Int(exactly: $0) }
  }

  /// The member named `key` of an object (the last one of that name), or nil (also for
  /// another kind). O(members); each key is compared by length first.
  @inlinable public subscript(key: JSONKey) -> JSONNode? { member(named: key.bytes) }

  /// The member whose key is the bytes `name` (the last one of that name), or nil (also
  /// for another kind): ``subscript(_:)`` for a key not known at compile time. O(members).
  @inlinable public func member(named name: UnsafeRawBufferPointer) -> JSONNode? {
    guard isObject else { return nil }
    let tape = document.tape
    let strings = document.strings
    var found: Int?
    var child = index + 1
    let end = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: word)) - 1
    while child < end {
      if JSONNode.equal(JSONNode.string(at: strings, tape[child]), name) { found = child + 1 }
      child = JSONNode.after(tape, child + 1)
    }
    return found.map { JSONNode(document: document, index: $0) }
  }

  /// The tape index just past the value at `index`.
  @inlinable
  static func after(_ tape: UnsafePointer<UInt64>, _ index: Int) -> Int {
    let word = tape[index]
    switch UInt8(truncatingIfNeeded: word >> 56) {
    case Tape.object, Tape.array: return Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: word))
    case Tape.int64, Tape.uint64, Tape.double: return index + 2
    default: return index + 1
    }
  }

  /// An array's elements in order (empty for another kind).
  @inlinable @inline(__always) public var elements: Elements { Elements(node: self) }

  /// An object's members in order, keys as byte spans (empty for another kind).
  @inlinable @inline(__always) public var members: Members { Members(node: self) }

  /// The tape words of a container's children: a position and the index of the container's
  /// closing word (both equal for another kind, or for none).
  @usableFromInline
  struct Children {
    @usableFromInline let document: DocumentPointer?
    @usableFromInline var position: Int
    @usableFromInline let end: Int

    @inlinable @inline(__always)
    init(of node: JSONNode, if isContainer: Bool) {
      document = node.document
      position = node.index + 1
      end = isContainer ? Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: node.word)) - 1 : position
    }

    @usableFromInline
    init() {
      document = nil
      position = 0
      end = 0
    }

    /// The value at the position, stepping past it (`skip` words first: 1 for an object's key).
    @inlinable
    mutating func take(skipping skip: Int) -> JSONNode? {
      guard position < end, let document else { return nil }
      let node = JSONNode(document: document, index: position + skip)
      position = JSONNode.after(document.tape, position + skip)
      return node
    }
  }

  public struct Elements: Sequence, IteratorProtocol {
    @usableFromInline var children: Children

    @inlinable @inline(__always) init(node: JSONNode) { children = Children(of: node, if: node.isArray) }

    /// No elements (for an absent array).
    public static var empty: Elements { Elements(children: Children()) }

    @usableFromInline init(children: Children) { self.children = children }

    @inlinable public mutating func next() -> JSONNode? { children.take(skipping: 0) }
  }

  public struct Members: Sequence, IteratorProtocol {
    @usableFromInline var children: Children

    @inlinable @inline(__always) init(node: JSONNode) { children = Children(of: node, if: node.isObject) }

    /// No members (for an absent object).
    public static var empty: Members { Members(children: Children()) }

    @usableFromInline init(children: Children) { self.children = children }

    @inlinable public mutating func next() -> (key: UnsafeRawBufferPointer, value: JSONNode)? {
      let keyIndex = children.position
      guard let value = children.take(skipping: 1) else { return nil }
      return (JSONNode.string(at: value.document.strings, value.document.tape[keyIndex]), value)
    }
  }

  /// A copy of this value that outlives the parser's next parse. O(subtree + its texts).
  public func copy() -> JSONDocumentCopy { JSONDocumentCopy(document, index: index) }

  /// The value as a ``JSONValue`` (built: O(subtree), allocates): the subtree flattened by
  /// the shim, then materialised.
  public var value: JSONValue {
    let words = JSONNode.after(document.tape, index) - index
    // On the stack when small (a usage or error object), so reading one allocates only
    // what the value itself holds.
    return withUnsafeTemporaryAllocation(of: slate_json_node.self, capacity: words) { nodes in
      let count = slate_json_flatten_value(document.shim, index, nodes.baseAddress!)
      guard count > 0 else { fatalError("out of memory flattening a JSON value") }
      return SimdjsonParser.materialise(UnsafeBufferPointer(rebasing: nodes[..<count]))
    }
  }

  /// Whether two byte spans are equal (length first): how keys and strings of documents
  /// compare (by code points, as ``JSONValue``'s strings do).
  @inlinable
  public static func bytesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool { equal(a, b) }

  @inlinable
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
