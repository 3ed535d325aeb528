import SlateJSON

/// Compiles the schemas of one JSON document into a ``SchemaProgram``.
///
/// Each schema location is compiled once, memoised by its JSON Pointer; subschemas and
/// `$ref` targets are queued rather than compiled recursively, so deep nesting and long
/// `$ref` chains cannot exhaust the stack and recursive references terminate. After the
/// queue drains, a depth-first search over the in-place edges (`$ref`, `allOf`, `anyOf`,
/// `oneOf`, `not`, `if`/`then`/`else`) refuses cycles that would evaluate forever.
///
/// Every member of a schema object must be a supported keyword, an annotation, or (at an
/// action's root, where ``extensionRoots`` says) an `x-slate-*` extension, which the pack
/// reads itself; anything else is `schema.unsupported_keyword`. Unreferenced `$defs` are
/// compiled too, so an unsupported keyword cannot hide in them.
///
/// Complexity: O(size of the document + expanded patterns).
struct SchemaCompiler {
  /// The 2020-12 meta-schema URI a `$schema` may name (with or without an empty fragment).
  static let dialect = "https://json-schema.org/draft/2020-12/schema"

  /// The draft-07 meta-schema URIs a resource's `$schema` may name.
  static let draft07: Set<String> = [
    "http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema",
    "https://json-schema.org/draft-07/schema#", "https://json-schema.org/draft-07/schema",
  ]

  static let annotations: Set<String> = [
    "title", "description", "default", "examples", "$comment", "deprecated", "readOnly", "writeOnly",
    "contentMediaType", "contentEncoding",
  ]
  /// The keywords both dialects share, with the same meaning.
  static let shared: Set<String> = [
    "type", "enum", "const", "required", "properties", "additionalProperties", "items", "minItems", "maxItems",
    "uniqueItems", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "pattern", "oneOf", "anyOf", "allOf", "not", "if", "then", "else", "minProperties",
    "maxProperties", "propertyNames", "$ref", "$defs", "$schema", "$id", "patternProperties", "contains", "format",
  ]
  /// Draft 2020-12 only.
  static let keywords: Set<String> = shared.union([
    "prefixItems", "dependentRequired", "dependentSchemas", "minContains", "maxContains", "unevaluatedProperties",
    "unevaluatedItems",
  ])
  /// Draft-07 only: `definitions` (as `$defs`), `dependencies` (split into
  /// `dependentRequired` and `dependentSchemas`) and `additionalItems` (the `items` after an
  /// array-form `items`, which is `prefixItems`).
  static let draft07Keywords: Set<String> = shared.union(["definitions", "dependencies", "additionalItems"])

  let document: JSONValue
  /// Pointers of schemas that may carry `x-slate-*` members (action roots in a pack).
  let extensionRoots: Set<String>
  /// Pointers of schema resource roots: where `$schema` (and, for the document root, `$id`)
  /// may appear.
  let resourceRoots: Set<String>
  let resourceRootTokens: [[String]]
  /// Whether `#` (the document root) is itself a schema; false for a pack.
  let rootIsSchema: Bool

  private(set) var program = SchemaProgram()
  private var nodeByPointer: [String: Int] = [:]
  private var queue: [(tokens: [String], node: Int)] = []
  private var pathIndex: [String: Int] = [:]

  init(document: JSONValue, extensionRoots: Set<String> = [], resourceRoots: Set<String> = [""],
       rootIsSchema: Bool = true)
  {
    self.document = document
    self.extensionRoots = extensionRoots
    self.resourceRoots = resourceRoots
    self.resourceRootTokens = resourceRoots.map { (try? JSONPointer($0).tokens) ?? [] }
    self.rootIsSchema = rootIsSchema
  }

  /// The node for the schema at `tokens`, compiled (with everything it reaches) before
  /// ``finish()`` returns.
  mutating func node(at tokens: [String]) -> Int {
    let key = JSONPointer(tokens: tokens).description
    if let existing = nodeByPointer[key] { return existing }
    let index = program.nodes.count
    program.nodes.append(0..<0)
    program.nodePaths.append(key)
    nodeByPointer[key] = index
    queue.append((tokens, index))
    return index
  }

  /// Drains the queue and checks for in-place cycles.
  mutating func finish() throws(SchemaError) -> SchemaProgram {
    while let (tokens, index) = queue.popLast() {
      let checks = try compile(at: tokens)
      let start = program.checks.count
      program.checks.append(contentsOf: checks)
      program.nodes[index] = start..<program.checks.count
    }
    try refuseCycles()
    program.direct = program.directHeights()
    return program
  }

  // MARK: - One schema

  private mutating func compile(at tokens: [String]) throws(SchemaError) -> [Check] {
    let here = JSONPointer(tokens: tokens).description
    guard let value = JSONPointer(tokens: tokens).resolve(in: document) else {
      throw .unresolvedRef(ref: "#" + here, schemaPath: here)
    }
    switch value {
    case .bool(true): return []
    case .bool(false): return [.falseSchema]
    case .object(let schema): return try compile(schema, tokens: tokens, here: here)
    default: throw .invalidSchema(schemaPath: here, reason: "a schema must be an object or a boolean, not \(value.typeName)")
    }
  }

  private mutating func compile(_ schema: JSONObject, tokens: [String], here: String) throws(SchemaError) -> [Check] {
    let dialect = self.dialect(of: tokens)
    let known = dialect == .draft07 ? SchemaCompiler.draft07Keywords : SchemaCompiler.keywords
    for member in schema.members {
      let keyword = member.key
      if keyword.hasPrefix("x-slate-") && extensionRoots.contains(here) { continue }
      let path = JSONPointer(tokens: tokens + [keyword]).description
      guard known.contains(keyword) || SchemaCompiler.annotations.contains(keyword) else {
        if dialect == .draft07 && SchemaCompiler.keywords.contains(keyword) {
          throw .dialectMismatch(keyword: keyword, schemaPath: path,
                                 reason: "\"\(keyword)\" is not a draft-07 keyword (draft-07 ignores it; 2020-12 asserts it): "
                                   + "declare \"$schema\": \"\(SchemaCompiler.dialect)\" to use it")
        }
        throw .unsupportedKeyword(keyword: keyword, schemaPath: path)
      }
      if keyword == "$id" && !(rootIsSchema ? here.isEmpty : resourceRoots.contains(here)) {
        throw .unsupportedKeyword(keyword: keyword, schemaPath: path)
      }
    }
    let c = Keywords(schema: schema, tokens: tokens, here: here)
    try checkAnnotations(c)
    if dialect == .draft07, schema["$ref"] != nil {
      // Draft-07 §8.3: "All other properties in a "$ref" object MUST be ignored"; 2020-12
      // applies them. Annotations are harmless either way; an assertion beside $ref is not.
      let inert: Set<String> = SchemaCompiler.annotations.union(["$ref", "$schema", "$id", "definitions", "$defs"])
      if let sibling = schema.keys.first(where: { !inert.contains($0) && !$0.hasPrefix("x-slate-") }) {
        throw .dialectMismatch(keyword: sibling, schemaPath: c.path(sibling),
                               reason: "draft-07 ignores \"\(sibling)\" beside \"$ref\", 2020-12 applies it: "
                                 + "move it into an allOf with the $ref")
      }
    }
    var checks: [Check] = []

    if let value = c.value("type") { checks.append(.type(try typeMask(value, c), path: pathID(c.path("type")))) }
    if let value = c.value("const") {
      checks.append(.enumeration(makeEnum([value], isConst: true), path: pathID(c.path("const"))))
    }
    if let value = c.value("enum") {
      guard case .array(let values) = value else { throw c.invalid("enum", "must be an array") }
      checks.append(.enumeration(makeEnum(values, isConst: false), path: pathID(c.path("enum"))))
    }
    if let value = c.value("$ref") { checks.append(.ref(node: try refTarget(value, c), path: pathID(c.path("$ref")))) }
    if let shape = try objectShape(c) {
      program.objects.append(shape)
      checks.append(.object(program.objects.count - 1))
    }
    if let shape = try arrayShape(c, dialect: dialect) {
      program.arrays.append(shape)
      checks.append(.array(program.arrays.count - 1))
    }
    if let value = c.value("required") {
      let names = try uniqueStrings(value, "required", c)
      program.requireds.append(names)
      checks.append(.required(program.requireds.count - 1, path: pathID(c.path("required"))))
    }
    try dependencies(c, into: &checks)
    if let n = try c.count("minProperties") { checks.append(.minProperties(n, path: pathID(c.path("minProperties")))) }
    if let n = try c.count("maxProperties") { checks.append(.maxProperties(n, path: pathID(c.path("maxProperties")))) }
    if c.value("propertyNames") != nil {
      checks.append(.propertyNames(node: node(at: c.child("propertyNames")), path: pathID(c.path("propertyNames"))))
    }
    if let n = try c.count("minItems") { checks.append(.minItems(n, path: pathID(c.path("minItems")))) }
    if let n = try c.count("maxItems") { checks.append(.maxItems(n, path: pathID(c.path("maxItems")))) }
    if let value = c.value("uniqueItems") {
      guard case .bool(let on) = value else { throw c.invalid("uniqueItems", "must be a boolean") }
      if on { checks.append(.uniqueItems(path: pathID(c.path("uniqueItems")))) }
    }
    let minContains = try c.count("minContains")
    let maxContains = try c.count("maxContains")
    if c.value("contains") != nil {
      program.contains.append(Contains(node: node(at: c.child("contains")), min: minContains ?? 1, max: maxContains,
                                       path: pathID(c.path("contains")), minPath: pathID(c.path("minContains")),
                                       maxPath: pathID(c.path("maxContains"))))
      checks.append(.contains(program.contains.count - 1))
    }
    if let n = try c.count("minLength") { checks.append(.minLength(n, path: pathID(c.path("minLength")))) }
    if let n = try c.count("maxLength") { checks.append(.maxLength(n, path: pathID(c.path("maxLength")))) }
    if let value = c.value("pattern") { checks.append(.pattern(try pattern(value, c), path: pathID(c.path("pattern")))) }
    if let value = c.value("format") {
      guard let name = value.stringValue else { throw c.invalid("format", "must be a string") }
      // An unknown format is an annotation (2020-12 validation §7.2), asserted or not.
      if let format = Format(rawValue: name) { checks.append(.format(format, path: pathID(c.path("format")))) }
    }
    let bounds: [(String, BoundKind)] = [
      ("minimum", .minimum), ("maximum", .maximum), ("exclusiveMinimum", .exclusiveMinimum),
      ("exclusiveMaximum", .exclusiveMaximum),
    ]
    for (keyword, kind) in bounds {
      guard let value = c.value(keyword) else { continue }
      checks.append(.bound(try number(value, keyword, c), kind, path: pathID(c.path(keyword))))
    }
    if let value = c.value("multipleOf") {
      checks.append(.multipleOf(try divisor(value, c), path: pathID(c.path("multipleOf"))))
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
      guard let value = c.value(keyword) else { continue }
      guard case .array(let branches) = value, !branches.isEmpty else {
        throw c.invalid(keyword, "must be a non-empty array of schemas")
      }
      program.nodeLists.append(branches.indices.map { node(at: c.child(keyword, String($0))) })
      let list = program.nodeLists.count - 1
      let path = pathID(c.path(keyword))
      checks.append(keyword == "allOf" ? .allOf(list: list, path: path) : keyword == "anyOf"
        ? .anyOf(list: list, path: path) : .oneOf(list: list, path: path))
    }
    if c.value("not") != nil { checks.append(.not(node: node(at: c.child("not")), path: pathID(c.path("not")))) }
    // "then"/"else" without "if" have no effect (2020-12 core §10.2.2.2), but are compiled
    // so that what they contain is still checked.
    let thenNode = c.value("then") != nil ? node(at: c.child("then")) : nil
    let elseNode = c.value("else") != nil ? node(at: c.child("else")) : nil
    if c.value("if") != nil {
      program.conditionals.append(Conditional(if: node(at: c.child("if")), then: thenNode, else: elseNode))
      checks.append(.conditional(program.conditionals.count - 1))
    }
    for defs in ["$defs", "definitions"] {
      guard let value = c.value(defs) else { continue }
      guard case .object(let members) = value else { throw c.invalid(defs, "must be an object of schemas") }
      for name in members.keys { _ = node(at: c.child(defs, name)) }
    }
    // Last: they read what every other keyword of this schema evaluated (core §11).
    if let value = c.value("unevaluatedItems") {
      checks.append(.unevaluatedItems(restShape(value, c.child("unevaluatedItems")),
                                      path: pathID(c.path("unevaluatedItems"))))
    }
    if let value = c.value("unevaluatedProperties") {
      checks.append(.unevaluatedProperties(restShape(value, c.child("unevaluatedProperties")),
                                           path: pathID(c.path("unevaluatedProperties"))))
    }
    return checks
  }

  /// `dependentRequired`, `dependentSchemas`, and draft-07 `dependencies` (an array value
  /// is a `dependentRequired` entry, a schema a `dependentSchemas` one).
  private mutating func dependencies(_ c: Keywords, into checks: inout [Check]) throws(SchemaError) {
    for keyword in ["dependentRequired", "dependentSchemas", "dependencies"] {
      guard let value = c.value(keyword) else { continue }
      guard case .object(let members) = value else { throw c.invalid(keyword, "must be an object") }
      var required: [(String, [String])] = []
      var schemas: [(String, Int)] = []
      for member in Validator.lastOccurrences(members) {
        if case .array = member.value, keyword != "dependentSchemas" {
          let names = try uniqueStrings(member.value, keyword, c)
          required.append((member.key, names))
        } else if keyword != "dependentRequired" {
          schemas.append((member.key, node(at: c.child(keyword, member.key))))
        } else {
          throw c.invalid(keyword, "must be an object of arrays of strings")
        }
      }
      let path = pathID(c.path(keyword))
      if !required.isEmpty {
        program.dependentRequireds.append(required)
        checks.append(.dependentRequired(program.dependentRequireds.count - 1, path: path))
      }
      if !schemas.isEmpty {
        program.dependentSchemas.append(schemas)
        checks.append(.dependentSchemas(program.dependentSchemas.count - 1, path: path))
      }
    }
  }

  // MARK: - Resources and dialects

  enum Dialect { case draft2020, draft07 }

  /// The tokens of the schema resource holding `tokens`: the longest resource root that is
  /// a prefix of them, or nil (a pack's own `$defs`, whose base is the pack document).
  func resourceRoot(of tokens: [String]) -> [String]? {
    var best: [String]?
    for root in resourceRootTokens where root.count <= tokens.count && Array(tokens.prefix(root.count)) == root {
      if best == nil || root.count > best!.count { best = root }
    }
    return best
  }

  /// The dialect of the resource holding `tokens`: draft-07 when its root's `$schema`
  /// names draft-07, else 2020-12.
  func dialect(of tokens: [String]) -> Dialect {
    guard let root = resourceRoot(of: tokens),
      let uri = JSONPointer(tokens: root + ["$schema"]).resolve(in: document)?.stringValue,
      SchemaCompiler.draft07.contains(uri)
    else { return .draft2020 }
    return .draft07
  }

  /// The members of one schema object, with helpers that name paths.
  private struct Keywords {
    let schema: JSONObject
    let tokens: [String]
    let here: String

    func value(_ keyword: String) -> JSONValue? { schema[keyword] }
    func child(_ keyword: String, _ more: String...) -> [String] { tokens + [keyword] + more }
    func path(_ keyword: String, _ more: String...) -> String { JSONPointer(tokens: tokens + [keyword] + more).description }
    func invalid(_ keyword: String, _ reason: String) -> SchemaError {
      .invalidSchema(schemaPath: path(keyword), reason: "\(keyword) \(reason)")
    }

    /// A non-negative integer keyword (`2.0` is allowed; beyond Int64, the largest Int).
    func count(_ keyword: String) throws(SchemaError) -> Int? {
      guard let value = value(keyword) else { return nil }
      guard case .number(let n) = value, n.isInteger, !n.lexeme.hasPrefix("-") || n.int64Value == 0 else {
        throw invalid(keyword, "must be a non-negative integer")
      }
      return n.int64Value.map { Int(clamping: $0) } ?? Int.max
    }
  }

  private mutating func checkAnnotations(_ c: Keywords) throws(SchemaError) {
    for keyword in ["title", "description", "$comment", "$id"] {
      if let value = c.value(keyword), value.stringValue == nil { throw c.invalid(keyword, "must be a string") }
    }
    if let value = c.value("examples"), value.arrayValue == nil { throw c.invalid("examples", "must be an array") }
    if let value = c.value("$schema") {
      guard resourceRoots.contains(c.here) else {
        throw .unsupportedKeyword(keyword: "$schema", schemaPath: c.path("$schema"))
      }
      guard let uri = value.stringValue,
        uri == SchemaCompiler.dialect || uri == SchemaCompiler.dialect + "#" || SchemaCompiler.draft07.contains(uri)
      else {
        throw c.invalid("$schema", "must be \"\(SchemaCompiler.dialect)\" or \"http://json-schema.org/draft-07/schema#\"")
      }
    }
  }

  // MARK: - Keyword values

  private mutating func typeMask(_ value: JSONValue, _ c: Keywords) throws(SchemaError) -> TypeMask {
    let names: [JSONValue]
    switch value {
    case .string: names = [value]
    case .array(let list) where !list.isEmpty: names = list
    default: throw c.invalid("type", "must be a type name or a non-empty array of unique type names")
    }
    var mask: TypeMask = []
    for name in names {
      guard let text = name.stringValue, let bit = TypeMask.names.first(where: { $0.0 == text })?.1 else {
        throw c.invalid("type", "names an unknown type \(name)")
      }
      guard !mask.contains(bit) else { throw c.invalid("type", "lists \(text) twice") }
      mask.insert(bit)
    }
    return mask
  }

  private mutating func makeEnum(_ values: [JSONValue], isConst: Bool) -> Int {
    var folded: [(key: String, index: Int)] = []
    for (i, value) in values.enumerated() {
      if case .string(let s) = value { folded.append((KeyNormalization.caseFold(s), i)) }
    }
    var strings: [Utf8Key: Int]?
    if values.count > 16 {
      var table: [Utf8Key: Int] = [:]
      for (i, value) in values.enumerated() {
        if case .string(let s) = value, table[Utf8Key(s)] == nil { table[Utf8Key(s)] = i }
      }
      strings = table
    }
    program.enums.append(EnumTable(values: values, isConst: isConst, folded: folded, strings: strings))
    return program.enums.count - 1
  }

  private mutating func uniqueStrings(_ value: JSONValue, _ keyword: String, _ c: Keywords) throws(SchemaError)
    -> [String]
  {
    guard case .array(let list) = value else { throw c.invalid(keyword, "must be an array of strings") }
    var seen = Set<Utf8Key>()
    var names: [String] = []
    for item in list {
      guard let name = item.stringValue else { throw c.invalid(keyword, "must be an array of strings") }
      guard seen.insert(Utf8Key(name)).inserted else { throw c.invalid(keyword, "lists \"\(name)\" twice") }
      names.append(name)
    }
    return names
  }

  /// A `$ref` resolves within its schema resource first (an action schema in a pack, or
  /// the whole document for a plain schema): `#/$defs/X` inside an action names the
  /// action's own `$defs`; when that names nothing, the pointer is read from the pack
  /// document, so the pack's shared `$defs` (and absolute pointers such as
  /// `#/x-slate-actions/…`) stay reachable.
  private mutating func refTarget(_ value: JSONValue, _ c: Keywords) throws(SchemaError) -> Int {
    let path = c.path("$ref")
    guard let ref = value.stringValue else { throw c.invalid("$ref", "must be a string") }
    guard ref.hasPrefix("#") else { throw .unsupportedRef(ref: ref, schemaPath: path) }
    let pointer: JSONPointer
    do {
      pointer = try JSONPointer(fragment: ref)
    } catch .missingSlash {
      throw .unsupportedRef(ref: ref, schemaPath: path)  // "#name": a plain-name ($anchor) fragment
    } catch {
      throw .invalidSchema(schemaPath: path, reason: "$ref \"\(ref)\" is not a valid JSON Pointer fragment")
    }
    if let root = resourceRoot(of: c.tokens), !root.isEmpty,
      JSONPointer(tokens: root + pointer.tokens).resolve(in: document) != nil
    {
      return node(at: root + pointer.tokens)
    }
    guard pointer.resolve(in: document) != nil else { throw .unresolvedRef(ref: ref, schemaPath: path) }
    if pointer.tokens.isEmpty && !rootIsSchema {
      throw .invalidSchema(schemaPath: path, reason: "$ref \"#\" names the pack document, which is not a schema")
    }
    return node(at: pointer.tokens)
  }

  private mutating func objectShape(_ c: Keywords) throws(SchemaError) -> ObjectShape? {
    let properties = c.value("properties")
    let patterns = c.value("patternProperties")
    let additional = c.value("additionalProperties")
    guard properties != nil || additional != nil || patterns != nil else { return nil }
    var shape = ObjectShape()
    let required = Set((c.value("required")?.arrayValue ?? []).compactMap { $0.stringValue.map(Utf8Key.init) })
    if let properties {
      guard case .object(let members) = properties else { throw c.invalid("properties", "must be an object of schemas") }
      for name in members.keys {
        shape.names.append(name)
        shape.signatures.append(ObjectShape.signature(name))
        shape.nodes.append(node(at: c.child("properties", name)))
        shape.isRequired.append(required.contains(Utf8Key(name)))
      }
      // Up to 32 names a scan (signatures compared first) costs less than hashing the key.
      if shape.names.count > 32 {
        var lookup: [Utf8Key: Int] = [:]
        for (i, name) in shape.names.enumerated() { lookup[Utf8Key(name)] = i }
        shape.lookup = lookup
      }
    }
    if let patterns {
      guard case .object(let members) = patterns else {
        throw c.invalid("patternProperties", "must be an object of schemas")
      }
      for source in members.keys {
        let index = try pattern(.string(source), c, keyword: "patternProperties", at: c.path("patternProperties", source))
        shape.patterns.append((pattern: index, node: node(at: c.child("patternProperties", source))))
      }
    }
    if let additional {
      shape.additional = restShape(additional, c.child("additionalProperties"))
      shape.hasAdditional = true
    }
    return shape
  }

  private mutating func arrayShape(_ c: Keywords, dialect: Dialect) throws(SchemaError) -> ArrayShape? {
    // Draft-07: an array `items` is 2020-12's `prefixItems`, and `additionalItems` (which
    // only applies after an array `items`) is 2020-12's `items`.
    let draft07Prefix = dialect == .draft07 && c.value("items")?.arrayValue != nil
    let prefixKeyword = draft07Prefix ? "items" : "prefixItems"
    let restKeyword = draft07Prefix ? "additionalItems" : "items"
    if dialect == .draft07, !draft07Prefix, c.value("additionalItems") != nil {
      _ = node(at: c.child("additionalItems"))  // no effect without an array "items"; still checked
    }
    let prefix = c.value(prefixKeyword)
    let items = c.value(restKeyword)
    guard prefix != nil || items != nil else { return nil }
    var shape = ArrayShape()
    if let prefix {
      guard case .array(let list) = prefix, !list.isEmpty || draft07Prefix else {
        throw c.invalid(prefixKeyword, "must be a non-empty array of schemas")
      }
      shape.prefix = list.indices.map { node(at: c.child(prefixKeyword, String($0))) }
    }
    if let items {
      if case .array = items {
        throw c.invalid(restKeyword, "must be a schema (the array form is draft 2019-09; use prefixItems)")
      }
      shape.rest = restShape(items, c.child(restKeyword))
      shape.hasRest = true
    }
    return shape
  }

  /// `additionalProperties` / `items`: `false` becomes a specific error, `true` nothing.
  private mutating func restShape(_ value: JSONValue, _ tokens: [String]) -> ObjectShape.Additional {
    switch value {
    case .bool(true): .any
    case .bool(false): .forbidden(path: pathID(JSONPointer(tokens: tokens).description))
    default: .schema(node: node(at: tokens))
    }
  }

  private mutating func pattern(_ value: JSONValue, _ c: Keywords, keyword: String = "pattern",
                                at path: String? = nil) throws(SchemaError) -> Int
  {
    guard let source = value.stringValue else { throw c.invalid(keyword, "must be a string") }
    let path = path ?? c.path(keyword)
    do {
      program.patterns.append(try Pattern(source))
    } catch {
      if error.unsupported {
        throw .unsupportedPattern(schemaPath: path, offset: error.offset, reason: error.reason)
      }
      throw .invalidPattern(schemaPath: path, offset: error.offset, reason: error.reason)
    }
    return program.patterns.count - 1
  }

  private mutating func number(_ value: JSONValue, _ keyword: String, _ c: Keywords) throws(SchemaError) -> Int {
    guard case .number(let n) = value else { throw c.invalid(keyword, "must be a number") }
    let bytes = Array(n.lexeme.utf8)
    let view = DecimalView.with(bytes) { view, _ in view }
    program.numbers.append(NumberBound(lexeme: bytes, view: view, text: n.lexeme))
    return program.numbers.count - 1
  }

  private mutating func divisor(_ value: JSONValue, _ c: Keywords) throws(SchemaError) -> Int {
    guard case .number(let n) = value, DecimalView.with(n, { view, _ in !view.isZero && !view.negative }) else {
      throw c.invalid("multipleOf", "must be a number greater than 0")
    }
    guard let divisor = Divisor(n) else {
      throw .unsupportedValue(keyword: "multipleOf", schemaPath: c.path("multipleOf"),
                              reason: "a divisor with more than 19 significant digits cannot be evaluated exactly")
    }
    program.divisors.append(divisor)
    return program.divisors.count - 1
  }

  private mutating func pathID(_ path: String) -> Int {
    if let existing = pathIndex[path] { return existing }
    program.paths.append(path)
    pathIndex[path] = program.paths.count - 1
    return program.paths.count - 1
  }

  // MARK: - Cycles

  /// Iterative depth-first search over in-place edges; a back edge is a cycle.
  private func refuseCycles() throws(SchemaError) {
    var state = [UInt8](repeating: 0, count: program.nodes.count)  // 0 new, 1 on the stack, 2 done
    var targets: [[Int]] = program.nodes.map { range in
      range.flatMap { program.checks[$0].inPlaceTargets(in: program) }
    }
    for root in program.nodes.indices where state[root] == 0 {
      var stack = [root]
      state[root] = 1
      while let top = stack.last {
        if let next = targets[top].popLast() {
          switch state[next] {
          case 0:
            state[next] = 1
            stack.append(next)
          case 1:
            throw .refCycle(schemaPath: program.nodePaths[next])
          default: break
          }
        } else {
          state[top] = 2
          stack.removeLast()
        }
      }
    }
  }
}
