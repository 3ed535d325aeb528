import PostgresNIO
import SlateDispatch
import SlateJSON

/// Reads one row's cells in order, each a typed value or `ledger.corrupt` (never a crash):
/// postgres-nio's throwing `decode` (binary format), the enum raw values checked, JSON text
/// parsed back with simdjson.
///
/// Complexity: O(1) per scalar cell, O(bytes) per JSON cell.
struct RowReader {
  let row: PostgresRandomAccessRow
  /// The record being decoded (`turn`, `action`, …), for error messages.
  let what: String
  let json: JSONColumns
  private var index = 0
  /// The cell read last: the one an error names.
  private var current = 0

  init(_ row: PostgresRow, _ what: String, _ json: JSONColumns) {
    self.row = row.makeRandomAccess()
    self.what = what
    self.json = json
  }

  /// The next cell, or nil when it is NULL.
  private mutating func cell() throws(LedgerError) -> PostgresCell? {
    current = index
    index += 1
    guard current < row.count else { throw corrupt("the row has \(row.count) columns") }
    let cell = row[current]
    return cell.bytes == nil ? nil : cell
  }

  private mutating func next<T: PostgresDecodable>(_ type: T.Type) throws(LedgerError) -> T? {
    guard let cell = try cell() else { return nil }
    do {
      return try cell.decode(type)
    } catch {
      throw corrupt("\(error)")
    }
  }

  private mutating func required<T: PostgresDecodable>(_ type: T.Type) throws(LedgerError) -> T {
    guard let value = try next(type) else { throw corrupt("NULL where a \(T.self) was expected") }
    return value
  }

  mutating func string() throws(LedgerError) -> String { try required(String.self) }
  mutating func optionalString() throws(LedgerError) -> String? { try next(String.self) }
  mutating func int64() throws(LedgerError) -> Int64 { try required(Int64.self) }
  mutating func optionalInt64() throws(LedgerError) -> Int64? { try next(Int64.self) }
  mutating func bool() throws(LedgerError) -> Bool { try required(Bool.self) }

  mutating func int() throws(LedgerError) -> Int {
    let value = try int64()
    guard let narrow = Int(exactly: value) else { throw corrupt("\(value) does not fit an Int") }
    return narrow
  }

  mutating func optionalInt() throws(LedgerError) -> Int? {
    guard let value = try optionalInt64() else { return nil }
    guard let narrow = Int(exactly: value) else { throw corrupt("\(value) does not fit an Int") }
    return narrow
  }

  mutating func timestamp() throws(LedgerError) -> Timestamp { Timestamp(milliseconds: try int64()) }

  mutating func optionalTimestamp() throws(LedgerError) -> Timestamp? {
    try optionalInt64().map { Timestamp(milliseconds: $0) }
  }

  /// A lease: three nullable columns (holder, token, expiry), all set or all NULL.
  mutating func lease() throws(LedgerError) -> Lease? {
    let holder = try optionalString()
    let token = try optionalInt64()
    let expiresAt = try optionalTimestamp()
    switch (holder, token, expiresAt) {
    case (let holder?, let token?, let expiresAt?): return Lease(holder: holder, token: token, expiresAt: expiresAt)
    case (nil, nil, nil): return nil
    default: throw corrupt("a lease with some of holder, token and expiry missing")
    }
  }

  mutating func bytes() throws(LedgerError) -> [UInt8] {
    let buffer = try required(ByteBuffer.self)
    return Array(buffer.readableBytesView)
  }

  /// A text cell holding one of `E`'s raw values.
  mutating func raw<E: RawRepresentable>(_ type: E.Type) throws(LedgerError) -> E where E.RawValue == String {
    let text = try string()
    guard let value = E(rawValue: text) else { throw corrupt("\"\(text)\" is not a \(E.self)") }
    return value
  }

  /// A text cell of canonical JSON.
  mutating func jsonValue() throws(LedgerError) -> JSONValue {
    guard let value = try optionalJSONValue() else { throw corrupt("NULL where JSON was expected") }
    return value
  }

  mutating func optionalJSONValue() throws(LedgerError) -> JSONValue? {
    guard let cell = try cell(), let bytes = cell.bytes else { return nil }
    let parser = json.parser
    let parsed = bytes.withUnsafeReadableBytes { raw in Result { () throws(JSONParseError) in try parser.parse(raw) } }
    switch parsed {
    case .success(let value): return value
    case .failure(let error): throw corrupt("unreadable JSON: \(error)")
    }
  }

  /// A text cell of a JSON array of strings.
  mutating func strings() throws(LedgerError) -> [String] {
    let value = try jsonValue()
    guard case .array(let elements) = value else { throw corrupt("\(value) is not an array") }
    var out: [String] = []
    out.reserveCapacity(elements.count)
    for element in elements {
      guard case .string(let text) = element else { throw corrupt("\(element) is not a string") }
      out.append(text)
    }
    return out
  }

  /// `ledger.corrupt` about the cell read last.
  func corrupt(_ message: String) -> LedgerError {
    let name = current < row.count ? row[current].columnName : "?"
    return .corrupt(what: what, message: "column \(name): \(message)")
  }
}

/// The JSON parser a transaction's reads share (simdjson parsers are not thread-safe, and
/// a transaction runs on one thread), made on first use.
final class JSONColumns {
  private var made: SimdjsonParser?

  var parser: SimdjsonParser {
    if let made { return made }
    let parser = SimdjsonParser()
    made = parser
    return parser
  }
}

/// A statement's parameters, appended in order (`$1`, `$2`, …). NULLs go without a type, so
/// the SQL casts every parameter (`$7::text`).
struct Binds {
  var bindings: PostgresBindings

  init(capacity: Int = 8) { bindings = PostgresBindings(capacity: capacity) }

  mutating func text(_ value: String?) { bindings.append(value) }
  mutating func int(_ value: Int64?) { bindings.append(value) }
  mutating func int(_ value: Int?) { bindings.append(value.map { Int64($0) }) }
  mutating func bool(_ value: Bool) { bindings.append(value) }
  mutating func time(_ value: Timestamp?) { bindings.append(value?.milliseconds) }
  mutating func bytes(_ value: [UInt8]) { bindings.append(ByteBuffer(bytes: value)) }
  mutating func json(_ value: JSONValue?) { bindings.append(value?.canonicalString) }
  mutating func strings(_ value: [String]) { bindings.append(JSONValue.array(value.map { .string($0) }).canonicalString) }
  /// A lease: three nullable columns (holder, token, expiry), all set or all NULL.
  mutating func lease(_ value: Lease?) {
    text(value?.holder)
    int(value?.token)
    time(value?.expiresAt)
  }
}
