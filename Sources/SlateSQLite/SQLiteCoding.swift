import Foundation
import GRDB
import SlateDispatch
import SlateJSON

/// Reads one row's columns in order, each a typed value or `ledger.corrupt` (never a
/// crash): GRDB's throwing `decode`, the enum raw values checked, JSON text parsed back
/// with simdjson.
///
/// Complexity: O(1) per scalar column, O(bytes) per JSON column.
struct ColumnReader {
  let row: Row
  /// The record being decoded (`turn`, `action`, …), for error messages.
  let what: String
  let json: JSONColumns
  /// The next column to read.
  private(set) var index = 0
  /// The column read last (or being read): the one an error names.
  private var current = 0

  init(_ row: Row, _ what: String, _ json: JSONColumns) {
    self.row = row
    self.what = what
    self.json = json
  }

  private mutating func next<T: DatabaseValueConvertible & StatementColumnConvertible>(_ type: T.Type)
    throws(LedgerError) -> T
  {
    current = index
    index += 1
    do {
      return try row.decode(type, atIndex: current)
    } catch {
      throw corrupt("\(error)")
    }
  }

  mutating func string() throws(LedgerError) -> String { try next(String.self) }
  mutating func optionalString() throws(LedgerError) -> String? { try next(String?.self) }
  mutating func int64() throws(LedgerError) -> Int64 { try next(Int64.self) }
  mutating func optionalInt64() throws(LedgerError) -> Int64? { try next(Int64?.self) }
  mutating func bool() throws(LedgerError) -> Bool { try next(Int64.self) != 0 }

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

  mutating func bytes() throws(LedgerError) -> [UInt8] { [UInt8](try next(Data.self)) }

  /// A `TEXT` column holding one of `E`'s raw values.
  mutating func raw<E: RawRepresentable>(_ type: E.Type) throws(LedgerError) -> E where E.RawValue == String {
    let text = try string()
    guard let value = E(rawValue: text) else { throw corrupt("\"\(text)\" is not a \(E.self)") }
    return value
  }

  /// A `TEXT` column of canonical JSON.
  mutating func jsonValue() throws(LedgerError) -> JSONValue {
    guard let value = try optionalJSONValue() else { throw corrupt("NULL where JSON was expected") }
    return value
  }

  mutating func optionalJSONValue() throws(LedgerError) -> JSONValue? {
    current = index
    index += 1
    let parser = json.parser
    do {
      return try row.withUnsafeData(atIndex: current) { data -> JSONValue? in
        guard let data else { return nil }
        return try data.withUnsafeBytes { raw in try parser.parse(raw) }
      }
    } catch {
      throw corrupt("unreadable JSON: \(error)")
    }
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

  /// A `TEXT` column of a JSON array of strings.
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

  /// `ledger.corrupt` about the column read last.
  func corrupt(_ message: String) -> LedgerError {
    let name = current < row.count ? Array(row.columnNames)[current] : "?"
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

extension JSONValue {
  /// The stored form of a JSON column.
  var column: String { canonicalString }
}

extension Array where Element == String {
  /// The stored form of a list of strings: a canonical JSON array.
  var jsonColumn: String { JSONValue.array(map { .string($0) }).canonicalString }
}
