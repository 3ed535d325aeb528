import CSimdjson

/// Limits for parsing one complete document.
public struct JSONLimits: Sendable, Equatable {
  /// Deepest nesting of arrays and objects (the document itself is not a level).
  public var maxDepth: Int
  /// Largest document, in bytes.
  public var maxBytes: Int

  public init(maxDepth: Int = 1024, maxBytes: Int = 64 << 20) {
    self.maxDepth = maxDepth
    self.maxBytes = maxBytes
  }

  public static let `default` = JSONLimits()
}

/// Parses complete JSON documents with simdjson.
///
/// simdjson's DOM front end validates the whole document (UTF-8 included) and builds its
/// tape with the kernel chosen at run time for this CPU (``activeImplementation``); for a
/// value the shim flattens the tape into a node array, keeping each number's lexeme, and
/// this type materialises ``JSONValue``s from it in one pass; ``parseDocument(_:)`` reads
/// the tape in place (``JSONDocument``). On failure the error carries a `json.*`
/// code and the offset of the first offending byte.
///
/// One parser reuses its buffers across documents; it is not thread-safe (use one per task).
/// Complexity: O(bytes) time; memory O(bytes) for the internal buffers, grown on demand up
/// to ``JSONLimits/maxBytes``.
///
/// Making one is cheap after the first few: a released parser's simdjson buffers go to a
/// small process-wide pool (at most 8, each only while it has held no document over 64 KiB)
/// and the next parser with the same limits takes them (``pooledHandles``); its results are
/// those of a new parser.
public final class SimdjsonParser {
  public let limits: JSONLimits
  private let handle: OpaquePointer
  private var scratch = PaddedBytes()
  /// The last document ``parseDocument(_:)`` parsed, as the shim describes it: rewritten at
  /// each parse, at a fixed address (in the shim's parser) that every ``JSONNode`` of it points at.
  private let document: UnsafeMutablePointer<slate_json_document>

  /// The simdjson kernel the DOM front end selected for this CPU (e.g. "haswell").
  public static var activeImplementation: String { String(cString: slate_json_active_implementation()) }

  public init(limits: JSONLimits = .default) {
    self.limits = limits
    guard let handle = slate_json_parser_create(limits.maxBytes, limits.maxDepth) else {
      fatalError("simdjson could not allocate a parser")  // out of memory at start-up
    }
    self.handle = handle
    document = slate_json_parser_document(handle)
  }

  deinit { slate_json_parser_destroy(handle) }

  /// How many released parsers' buffers the pool holds, ready for the next parser made.
  package static var pooledHandles: Int { slate_json_parser_pooled() }

  /// Whether this parser took the buffers of a released one.
  package var reusesBuffers: Bool { slate_json_parser_reused(handle) }

  /// Parses bytes already padded (no copy).
  public func parse(_ input: PaddedBytes) throws(JSONParseError) -> JSONValue {
    try input.withUnsafeBytes { raw in Result { () throws(JSONParseError) in try parsePadded(raw) } }.get()
  }

  /// Parses any bytes, copying them into an internal padded buffer first.
  public func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
    scratch.replaceAll(with: bytes)
    return try parse(scratch)
  }

  public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    try bytes.withUnsafeBytes { raw in Result { () throws(JSONParseError) in try parse(raw) } }.get()
  }

  public func parse(_ text: String) throws(JSONParseError) -> JSONValue { try parse(Array(text.utf8)) }

  /// Parses bytes already padded (no copy of the input) and returns a copy of the document
  /// that outlives this parser's next parse (``JSONDocument/copy()``): nothing is built.
  /// The same errors as ``parse(_:)-(PaddedBytes)``. O(bytes); one allocation.
  public func parseCopy(_ input: PaddedBytes) throws(JSONParseError) -> JSONDocumentCopy {
    // Copied inside the access: the copy reads number lexemes from the input.
    try input.withUnsafeBytes { raw in Result { () throws(JSONParseError) in try parseDocumentPadded(raw).copy() } }.get()
  }

  /// Parses any bytes (copied into an internal padded buffer) and returns a view of the
  /// document, valid until this parser's next parse: nothing is built (``JSONDocument``).
  /// In the steady state (buffers grown to the largest document so far) it allocates nothing.
  public func parseDocument(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONDocument {
    scratch.replaceAll(with: bytes)
    return try scratch.withUnsafeBytes { raw in
      Result { () throws(JSONParseError) in try parseDocumentPadded(raw) }
    }.get()
  }

  /// ``parseDocument(_:)`` without the copy when at least ``PaddedBytes/padding`` bytes
  /// past the end of `bytes` are readable (`readable` of them: the rest of the buffer
  /// `bytes` lies in; their content does not matter, simdjson never interprets them): the
  /// document is parsed where it lies, and its number lexemes point there (valid while
  /// `bytes` is). With fewer, the bytes are copied first. O(bytes).
  public func parseDocument(_ bytes: UnsafeRawBufferPointer, readableAfter readable: Int) throws(JSONParseError)
    -> JSONDocument
  {
    guard readable >= PaddedBytes.padding, bytes.baseAddress != nil else { return try parseDocument(bytes) }
    return try parseDocumentPadded(bytes)
  }

  public func parseDocument(_ bytes: [UInt8]) throws(JSONParseError) -> JSONDocument {
    try bytes.withUnsafeBytes { raw in Result { () throws(JSONParseError) in try parseDocument(raw) } }.get()
  }

  /// Validates without building a value: the same verdict and error as `parse`.
  public func validate(_ input: PaddedBytes) -> JSONParseError? {
    input.withUnsafeBytes { raw -> JSONParseError? in
      var error = slate_json_error()
      let code = slate_json_validate(handle, raw.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
        ?? scratchBase, raw.count, &error)
      return code == 0 ? nil : makeError(error, raw)
    }
  }

  // MARK: - Internals

  /// A valid padded address for empty input.
  private var scratchBase: UnsafePointer<UInt8> {
    scratch.storage.withUnsafeBufferPointer { $0.baseAddress! }
  }

  private func makeError(_ error: slate_json_error, _ raw: UnsafeRawBufferPointer) -> JSONParseError {
    JSONParseError(simdjsonCode: error.simdjson_code, reason: error.reason, offset: Int(error.offset),
                   input: raw, limits: limits)
  }

  /// `raw` must be followed by `PaddedBytes.padding` readable bytes.
  private func parsePadded(_ raw: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
    var error = slate_json_error()
    let base = raw.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? scratchBase
    if slate_json_parse(handle, base, raw.count, &error) != 0 { throw makeError(error, raw) }
    var nodeCount = 0
    return SimdjsonParser.materialise(UnsafeBufferPointer(start: slate_json_nodes(handle, &nodeCount), count: nodeCount))
  }

  /// The view of `raw`'s document; `raw` must be followed by `PaddedBytes.padding` readable bytes.
  private func parseDocumentPadded(_ raw: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONDocument {
    var error = slate_json_error()
    let base = raw.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? scratchBase
    if slate_json_parse_tape(handle, base, raw.count, &error, document) != 0 { throw makeError(error, raw) }
    return JSONDocument(document, rootIndex: 1)
  }

  /// Builds the value from the preorder node array with an explicit stack (no recursion).
  static func materialise(_ nodes: UnsafeBufferPointer<slate_json_node>) -> JSONValue {
    // A typed, contiguous buffer keeps String(decoding:) on its fast path (a raw slice does not).
    func text(_ node: slate_json_node) -> String {
      String(decoding: UnsafeBufferPointer(start: node.text, count: Int(node.text_length)), as: UTF8.self)
    }
    struct Open {
      var isObject: Bool
      var remaining: Int
      var elements: [JSONValue] = []
      var members: [JSONMember] = []
      var key: String = ""
    }
    var stack: [Open] = []
    var index = 0
    while true {
      let node = nodes[index]
      index += 1
      var value: JSONValue
      switch UInt32(node.kind) {
      case SLATE_NODE_NULL.rawValue: value = .null
      case SLATE_NODE_FALSE.rawValue: value = .bool(false)
      case SLATE_NODE_TRUE.rawValue: value = .bool(true)
      case SLATE_NODE_NUMBER.rawValue: value = .number(JSONNumber(validatedLexeme: text(node)))
      case SLATE_NODE_STRING.rawValue: value = .string(text(node))
      case SLATE_NODE_KEY.rawValue:
        stack[stack.count - 1].key = text(node)
        continue
      default:
        let isObject = UInt32(node.kind) == SLATE_NODE_OBJECT.rawValue
        if node.count > 0 {
          var open = Open(isObject: isObject, remaining: Int(node.count))
          if isObject { open.members.reserveCapacity(Int(node.count)) } else { open.elements.reserveCapacity(Int(node.count)) }
          stack.append(open)
          continue
        }
        value = isObject ? .object(JSONObject()) : .array([])
      }
      // `value` is complete: hand it to its parent, closing every parent it completes.
      while true {
        guard !stack.isEmpty else { return value }
        let top = stack.count - 1
        if stack[top].isObject {
          stack[top].members.append(JSONMember(key: stack[top].key, value: value))
        } else {
          stack[top].elements.append(value)
        }
        stack[top].remaining -= 1
        if stack[top].remaining > 0 { break }
        let done = stack.removeLast()
        value = done.isObject ? .object(JSONObject(done.members)) : .array(done.elements)
      }
    }
  }
}

extension SimdjsonParser {
  /// The strict RFC 8259 scan the error path uses, run on its own: the first syntax error
  /// in `bytes` and its offset, or nil for valid JSON. Every RFC 8259 number is valid, also
  /// one beyond 64 bits or a double (the parser reads those too). O(bytes); no padding
  /// needed.
  public static func locateSyntaxError(in bytes: UnsafeRawBufferPointer, maxDepth: Int = JSONLimits.default.maxDepth)
    -> (code: DiagnosticCode, offset: Int)?
  {
    var offset: UInt64 = 0
    let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
    let reason = base.map { slate_json_locate_error($0, bytes.count, maxDepth, &offset) }
      ?? slate_json_locate_error([UInt8(0)], 0, maxDepth, &offset)
    guard reason != Int32(SLATE_SYNTAX_NONE.rawValue), reason != Int32(SLATE_SYNTAX_NUMBER_OUT_OF_RANGE.rawValue) else {
      return nil
    }
    let error = JSONParseError(simdjsonCode: 0, reason: reason, offset: Int(offset), input: bytes, limits: .default)
    return (error.code, error.offset)
  }
}
