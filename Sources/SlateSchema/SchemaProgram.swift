import SlateJSON

/// The compiled form of every schema in a document: a flat array of nodes whose checks
/// refer to each other and to side tables by integer index.
///
/// A node is one schema location (an object or boolean schema); its checks are a
/// contiguous range of ``checks``, ordered so that the checks that may coerce the value
/// (`type`, `enum`/`const`, `$ref`, the property and item applicators) run before the
/// assertions that read it. Everything the validator needs is precomputed here (schema
/// paths as strings, numbers as exact decimal views, patterns as programs, property
/// lookup tables), so a validation walks the value without allocating unless it reports
/// an error or applies a coercion. Immutable once compiled; `Sendable`.
struct SchemaProgram: Sendable {
  /// The checks of each node.
  var nodes: [Range<Int>] = []
  /// The JSON Pointer of each node in the schema document.
  var nodePaths: [String] = []
  var checks: [Check] = []
  /// Schema paths of keywords, referenced by the checks' `path` indices.
  var paths: [String] = []
  var enums: [EnumTable] = []
  var numbers: [NumberBound] = []
  var divisors: [Divisor] = []
  var patterns: [Pattern] = []
  var objects: [ObjectShape] = []
  var arrays: [ArrayShape] = []
  var requireds: [[String]] = []
  var nodeLists: [[Int]] = []
  var conditionals: [Conditional] = []
  var contains: [Contains] = []
  /// `dependentRequired`: per check, (property, the names it requires).
  var dependentRequireds: [[(String, [String])]] = []
  /// `dependentSchemas`: per check, (property, the node applied when it is present).
  var dependentSchemas: [[(String, Int)]] = []
  /// Per node: its direct height (see ``SchemaProgram/directHeights()``), 0 when the node
  /// is evaluated by the frame walk only.
  var direct: [Int32] = []
}

/// One keyword's work. `path` is an index into ``SchemaProgram/paths``.
enum Check: Sendable {
  /// The boolean schema `false`.
  case falseSchema
  case type(TypeMask, path: Int)
  /// `enum`, or `const` as a one-element table.
  case enumeration(Int, path: Int)
  case ref(node: Int, path: Int)
  /// `properties` and `additionalProperties` together: index into ``SchemaProgram/objects``.
  case object(Int)
  /// `prefixItems` and `items` together: index into ``SchemaProgram/arrays``.
  case array(Int)
  case required(Int, path: Int)
  case minProperties(Int, path: Int)
  case maxProperties(Int, path: Int)
  case propertyNames(node: Int, path: Int)
  case minItems(Int, path: Int)
  case maxItems(Int, path: Int)
  case uniqueItems(path: Int)
  case minLength(Int, path: Int)
  case maxLength(Int, path: Int)
  case pattern(Int, path: Int)
  case bound(Int, BoundKind, path: Int)
  case multipleOf(Int, path: Int)
  case allOf(list: Int, path: Int)
  case anyOf(list: Int, path: Int)
  case oneOf(list: Int, path: Int)
  case not(node: Int, path: Int)
  case conditional(Int)
  /// `dependentRequired` (or draft-07 `dependencies` with array values).
  case dependentRequired(Int, path: Int)
  /// `dependentSchemas` (or draft-07 `dependencies` with schema values).
  case dependentSchemas(Int, path: Int)
  /// `contains` with `minContains`/`maxContains`: index into ``SchemaProgram/contains``.
  case contains(Int)
  /// `format`, asserted only when the validation asks for it.
  case format(Format, path: Int)
  /// `unevaluatedProperties` / `unevaluatedItems`: always the last checks of their node.
  case unevaluatedProperties(ObjectShape.Additional, path: Int)
  case unevaluatedItems(ObjectShape.Additional, path: Int)

  /// The nodes this check evaluates against the same instance (not a child of it): the
  /// edges along which an evaluation could loop without consuming the instance.
  func inPlaceTargets(in program: SchemaProgram) -> [Int] {
    switch self {
    case .ref(let node, _), .not(let node, _): [node]
    case .allOf(let list, _), .anyOf(let list, _), .oneOf(let list, _): program.nodeLists[list]
    case .dependentSchemas(let index, _): program.dependentSchemas[index].map(\.1)
    case .conditional(let index):
      [program.conditionals[index].if] + [program.conditionals[index].then, program.conditionals[index].else]
        .compactMap { $0 }
    default: []
    }
  }
}

enum BoundKind: Sendable {
  case minimum, maximum, exclusiveMinimum, exclusiveMaximum
}

/// The JSON types a `type` keyword admits. `integer` admits numbers with a zero fraction.
struct TypeMask: OptionSet, Sendable, Hashable {
  let rawValue: UInt8
  static let null = TypeMask(rawValue: 1)
  static let boolean = TypeMask(rawValue: 2)
  static let integer = TypeMask(rawValue: 4)
  static let number = TypeMask(rawValue: 8)
  static let string = TypeMask(rawValue: 16)
  static let array = TypeMask(rawValue: 32)
  static let object = TypeMask(rawValue: 64)

  static let names: [(String, TypeMask)] = [
    ("null", .null), ("boolean", .boolean), ("integer", .integer), ("number", .number), ("string", .string),
    ("array", .array), ("object", .object),
  ]

  /// "expected integer or string" wording.
  var listing: String {
    TypeMask.names.filter { contains($0.1) }.map(\.0).joined(separator: " or ")
  }
}

/// An `enum` or `const`, with what the `enum-case` coercion and fast lookups need.
struct EnumTable: Sendable {
  var values: [JSONValue]
  var isConst: Bool
  /// Case-folded spellings of the string members, with their index in ``values``.
  var folded: [(key: String, index: Int)]
  /// For large enums: string members by their UTF-8 bytes.
  var strings: [Utf8Key: Int]?
}

/// A number keyword's value, scanned once.
struct NumberBound: Sendable {
  var lexeme: [UInt8]
  var view: DecimalView
  var text: String
}

/// A `multipleOf` divisor: value = significand × 10^exponent, significand without
/// trailing zeros.
struct Divisor: Sendable {
  var significand: UInt64
  var exponent: Int
  var text: String
}

/// `properties` and `additionalProperties` of one schema object.
struct ObjectShape: Sendable {
  var names: [String] = []
  /// Per name, ``signature(_:)``: a scan compares these before any name's bytes.
  var signatures: [UInt64] = []
  var nodes: [Int] = []
  /// Whether the same schema's `required` lists the name (for `null-to-absent`).
  var isRequired: [Bool] = []
  var lookup: [Utf8Key: Int]?
  /// `patternProperties`: (index into ``SchemaProgram/patterns``, node).
  var patterns: [(pattern: Int, node: Int)] = []
  var additional: Additional = .any
  /// Whether `additionalProperties` is written (it then evaluates every other member).
  var hasAdditional = false

  enum Additional: Sendable {
    case any
    case forbidden(path: Int)
    case schema(node: Int)
  }

  /// The index of the property schema for `key` (code-point comparison), or nil.
  func index(of key: String) -> Int? {
    if let lookup { return lookup[Utf8Key(key)] }
    var key = key
    return key.withUTF8 { scan(UnsafeRawBufferPointer($0)) }
  }

  /// The property whose name is the UTF-8 `key`, by signature first (no hashed table).
  func scan(_ key: UnsafeRawBufferPointer) -> Int? {
    let signature = ObjectShape.signature(key)
    for i in signatures.indices where signatures[i] == signature {
      // Up to seven bytes the signature is the whole string.
      if signature & 0xFF < 8 { return i }
      var name = names[i]
      if name.withUTF8({ JSONNode.bytesEqual(UnsafeRawBufferPointer($0), key) }) { return i }
    }
    return nil
  }

  /// A string's UTF-8 length (up to 255) and first seven bytes in one word: equal strings
  /// have equal signatures, and most unequal names of a schema differ in it. O(1).
  static func signature(_ string: String) -> UInt64 {
    var string = string
    return string.withUTF8 { signature(UnsafeRawBufferPointer($0)) }
  }

  static func signature(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var signature = UInt64(Swift.min(bytes.count, 255))
    for i in 0..<Swift.min(bytes.count, 7) { signature |= UInt64(bytes[i]) << UInt64(8 * (i + 1)) }
    return signature
  }
}

/// `prefixItems` and `items` of one schema object.
struct ArrayShape: Sendable {
  var prefix: [Int] = []
  var rest: ObjectShape.Additional = .any
  /// Whether `items` is written (it then evaluates every item after the prefix).
  var hasRest = false
}

/// `contains`, `minContains` (default 1) and `maxContains`.
struct Contains: Sendable {
  var node: Int
  var min: Int
  var max: Int?
  var path: Int
  var minPath: Int
  var maxPath: Int
}

struct Conditional: Sendable {
  var `if`: Int
  var then: Int?
  var `else`: Int?
}

/// A string compared and hashed by its UTF-8 bytes (code points), not by canonical
/// equivalence as `String` is: the key of the schema's tables (SlateJSON's ``CodePoints``).
typealias Utf8Key = CodePoints
