import SlateJSON

/// The outcome of validating one value.
public struct ValidationResult: Sendable {
  /// Empty when the value is valid.
  public var errors: [ValidationError]
  /// The coercions applied (only when the value was validated with coercions on).
  public var warnings: [CoercionWarning]
  /// The value as validated: the input with the reported coercions applied.
  public var value: JSONValue

  public var isValid: Bool { errors.isEmpty }
}

/// Maps an instance path to the byte range of that part of the value in the caller's
/// coordinates (for example the framer's offsets in the channel text), or nil when
/// unknown, in which case the whole value's range is used.
public typealias InstanceLocator = @Sendable (JSONPointer) -> Range<Int>?

/// Walks one value against a ``SchemaProgram`` node.
///
/// Iterative: the walk keeps its pending evaluations on a heap stack (see
/// ``Validator/walk()``), so it never recurses on the native stack whatever the depth of
/// the value or of the schema's references; its depth is bounded by
/// ``ValidationOptions/maxDepth`` (nested evaluations, in place or into a child). A node
/// whose checks need no trial, annotation or branch is evaluated directly instead
/// (``evaluateDirect(_:_:)``), by native recursion bounded by the schema's height (at most
/// ``SchemaProgram/directLimit`` levels), with the same results. Neither allocates per
/// node: the instance path is read off the stack's frames (and ``directTokens``) only
/// when an error or warning is produced; numbers are compared on their lexemes' bytes;
/// patterns match in stack scratch; a coercion or an object with duplicate keys is the
/// only reason to copy a container. Measured with a counting `malloc` in an optimised
/// build: two allocations per valid value (the frame stack and, for a value with an object
/// or array, the containers' working state or the direct path's tokens) whatever its size. Complexity: O(value size × schema
/// applications); `anyOf`/`oneOf` evaluate each branch, `uniqueItems` is quadratic up to
/// 64 items and hashed beyond; patterns are linear in the string (see ``Pattern``).
///
/// A struct, made once per validated value and consumed by ``run(_:_:)``, or kept by a
/// caller that validates value after value (``CompiledPack/Classifier``) and readied for
/// each by ``reset(options:coercions:locator:wholeRange:assertFormats:)``.
struct Validator {
  let program: SchemaProgram
  // The tables the walk reads, held directly (one load each, no projection through the
  // program struct in unoptimised code).
  let nodes: [Range<Int>]
  let checks: [Check]
  let nodeLists: [[Int]]
  let objects: [ObjectShape]
  let arrays: [ArrayShape]
  let conditionals: [Conditional]
  let containers: [Contains]
  /// Per node, its direct height (``SchemaProgram/direct``).
  let heights: [Int32]
  /// Whether nodes that can be are evaluated directly (``evaluateDirect(_:_:)``); off,
  /// every node is a frame of the walk. The results are the same either way: a switch
  /// for the tests that compare the two.
  var direct = true
  // Per value: set by ``reset(options:coercions:locator:wholeRange:assertFormats:)``.
  var options = ValidationOptions.default
  /// Coercions enabled for this value (empty when off).
  var coercions: CoercionSet = []
  var locator: InstanceLocator?
  var wholeRange: Range<Int>?
  /// Whether `format` is asserted (else an annotation).
  var assertFormats = false

  var errors: [ValidationError] = []
  var warnings: [CoercionWarning] = []
  /// The pending evaluations, innermost last (see ``walk()``).
  var stack: [Frame] = []
  /// The instance path below the top frame while a direct evaluation runs.
  var directTokens: [PathToken] = []
  /// The working state of the container frames on ``stack``, in the same order.
  var works: [Work] = []
  /// The outcome and value of the frame that finished last.
  var result = false
  var returned: JSONValue = .null
  /// > 0 inside a trial evaluation (`anyOf`, `oneOf`, `not`, `if`, `propertyNames`,
  /// `null-to-absent`): errors are not recorded and coercions are off.
  var trialDepth = 0
  var depth = 0
  /// Where the depth limit was first met inside a trial, whose errors are not recorded.
  private var depthExceededAt: String?
  private var depthErrorRecorded = false

  enum PathToken {
    case key(String)
    case index(Int)
  }

  init(program: SchemaProgram, options: ValidationOptions, coercions: CoercionSet, locator: InstanceLocator?,
       wholeRange: Range<Int>?, assertFormats: Bool = false)
  {
    self.containers = program.contains
    self.program = program
    self.nodes = program.nodes
    self.checks = program.checks
    self.nodeLists = program.nodeLists
    self.objects = program.objects
    self.arrays = program.arrays
    self.conditionals = program.conditionals
    self.heights = program.direct
    stack.reserveCapacity(32)
    reset(options: options, coercions: coercions, locator: locator, wholeRange: wholeRange,
          assertFormats: assertFormats)
  }

  /// Readies a validator that already ran for the next value, as a new one made with these
  /// arguments would be, keeping its tables and its stacks' capacity (one validator per
  /// caller, reused value after value: no table is copied and no stack allocated per value).
  mutating func reset(options: ValidationOptions, coercions: CoercionSet, locator: InstanceLocator?,
                      wholeRange: Range<Int>?, assertFormats: Bool)
  {
    self.assertFormats = assertFormats || options.assertFormats
    self.options = options
    self.coercions = options.applyCoercions ? coercions : []
    self.locator = locator
    self.wholeRange = wholeRange
    errors = []
    warnings = []
    stack.removeAll(keepingCapacity: true)
    works.removeAll(keepingCapacity: true)
    directTokens.removeAll(keepingCapacity: true)
    result = false
    returned = .null
    trialDepth = 0
    depth = 0
    depthExceededAt = nil
    depthErrorRecorded = false
  }

  /// Validates `value` against `node`, returning the errors, warnings and coerced value.
  mutating func run(_ node: Int, _ input: JSONValue) -> ValidationResult {
    let value: JSONValue
    if isDirect(node) {
      var direct = input
      _ = evaluateDirect(node, &direct)
      value = direct
    } else {
      stack.append(Frame(kind: .evaluate(node: node, trial: false), value: input))
      walk()
      value = returned
      returned = .null
    }
    // The limit met only inside trials (`anyOf`, `not`, …) is reported last; in first-error
    // mode only when nothing else was, so that it gives the first error of all-errors mode.
    if let at = depthExceededAt, !depthErrorRecorded, options.mode == .allErrors || errors.isEmpty {
      errors.append(depthError(at: at))
    }
    return ValidationResult(errors: errors, warnings: warnings, value: value)
  }

  private func depthError(at path: String) -> ValidationError {
    ValidationError(code: .depthExceeded, keyword: "", instancePath: path, schemaPath: "",
                    message: "evaluation deeper than \(options.maxDepth) levels",
                    params: ["limit": .number(JSONNumber(Int64(options.maxDepth)))], range: wholeRange)
  }

  var stopAtFirst: Bool { trialDepth > 0 || options.mode == .firstError }
  var coercing: Bool { trialDepth == 0 && !coercions.isEmpty }

  // MARK: - Nodes

  /// Outside a trial the depth error is recorded once, in evaluation order (first-error
  /// mode then stops on it as all-errors mode lists it); inside one, noted for the end.
  @inline(never)
  mutating func noteDepthExceeded() -> Bool {
    if trialDepth == 0 {
      if !depthErrorRecorded { errors.append(depthError(at: instancePath())) }
      depthErrorRecorded = true
    } else if depthExceededAt == nil {
      depthExceededAt = instancePath()
    }
    return false
  }

  /// The assertions: they read the value (or, for `type` and `enum`, may coerce it) and
  /// never recurse; the applicators are frames of the walk (``begin(_:node:_:)``).
  @inline(never)
  mutating func assert(_ check: Check, node: Int, _ value: inout JSONValue) -> Bool {
    switch check {
    case .falseSchema:
      // Core §4.3.2: "false: Always fails to validate, regardless of the value of the instance."
      return fail(.falseSchema, "false", program.nodePaths[node], "no value is allowed here (the schema is false)")
    case .type(let mask, let path):
      // §6.1.1: "An instance validates if and only if the instance is in any of the sets
      // listed for this keyword."
      if Validator.matches(mask, value) { return true }
      if coercing, let (coerced, coercion) = coerceType(mask, value) {
        warn(coercion, path, value, coerced)
        value = coerced
        return true
      }
      return fail(.type, "type", path, "expected \(mask.listing), got \(Validator.describeType(value))",
                  Validator.typeParams(mask))
    case .enumeration(let index, let path):
      return checkEnum(program.enums[index], path, &value)
    case .required(let index, let path):
      // §6.5.3: "An object instance is valid against this keyword if every item in the
      // array is the name of a property in the instance."
      guard case .object(let object) = value else { return true }
      var valid = true
      for name in program.requireds[index] where Validator.member(name, of: object) == nil {
        valid = fail(.required, "required", path, "missing required property \"\(name)\"",
                     ["missingProperty": .string(name)])
        if stopAtFirst { return false }
      }
      return valid
    case .minProperties(let n, let path):
      // §6.5.2: "valid against "minProperties" if its number of properties is greater
      // than, or equal to, the value of this keyword" (and §6.5.1 the mirror image).
      guard case .object(let object) = value else { return true }
      let count = Validator.distinctCount(object)
      return count >= n
        || fail(.minProperties, "minProperties", path, "\(count) properties; at least \(n) required", Validator.limit(n))
    case .maxProperties(let n, let path):
      guard case .object(let object) = value else { return true }
      let count = Validator.distinctCount(object)
      return count <= n
        || fail(.maxProperties, "maxProperties", path, "\(count) properties; at most \(n) allowed", Validator.limit(n))
    case .minItems(let n, let path):
      // §6.4.2: "valid against "minItems" if its size is greater than, or equal to, the
      // value of this keyword" (and §6.4.1 the mirror image).
      guard case .array(let items) = value else { return true }
      return items.count >= n
        || fail(.minItems, "minItems", path, "\(items.count) items; at least \(n) required", Validator.limit(n))
    case .maxItems(let n, let path):
      guard case .array(let items) = value else { return true }
      return items.count <= n
        || fail(.maxItems, "maxItems", path, "\(items.count) items; at most \(n) allowed", Validator.limit(n))
    case .uniqueItems(let path):
      // §6.4.3: "If it has boolean value true, the instance validates successfully if all
      // of its elements are unique." (Compiled only when true.)
      guard case .array(let items) = value, let (i, j) = Validator.firstDuplicate(items) else { return true }
      return fail(.uniqueItems, "uniqueItems", path, "items \(i) and \(j) are equal",
                  ["i": .number(JSONNumber(Int64(j))), "j": .number(JSONNumber(Int64(i)))])
    case .minLength(let n, let path):
      // §6.3.2: "valid against this keyword if its length is greater than, or equal to,
      // the value of this keyword. The length of a string instance is defined as the
      // number of its characters as defined by RFC 8259" (code points; §6.3.1 mirrors it).
      guard case .string(let s) = value else { return true }
      let bytes = s.utf8.count
      if n <= bytes / 4 { return true }  // at most 4 UTF-8 bytes per code point
      let length = bytes < n ? bytes : s.unicodeScalars.count
      return length >= n
        || fail(.minLength, "minLength", path, "\(length) characters; at least \(n) required", Validator.limit(n))
    case .maxLength(let n, let path):
      guard case .string(let s) = value else { return true }
      if s.utf8.count <= n { return true }
      let length = s.unicodeScalars.count
      return length <= n
        || fail(.maxLength, "maxLength", path, "\(length) characters; at most \(n) allowed", Validator.limit(n))
    case .pattern(let index, let path):
      guard case .string(let s) = value else { return true }
      let pattern = program.patterns[index]
      return pattern.matches(s)
        || fail(.pattern, "pattern", path, "does not match the pattern \(pattern.source)",
                ["pattern": .string(pattern.source)])
    case .bound(let index, let kind, let path):
      guard case .number(let n) = value else { return true }
      return checkBound(n, program.numbers[index], kind, path)
    case .multipleOf(let index, let path):
      guard case .number(let n) = value else { return true }
      let divisor = program.divisors[index]
      let ok = DecimalView.with(n) { view, bytes in view.isMultiple(of: divisor, in: bytes) }
      return ok
        || fail(.multipleOf, "multipleOf", path, "\(n.lexeme) is not a multiple of \(divisor.text)",
                ["multipleOf": Validator.number(divisor.text)])
    case .dependentRequired(let index, let path):
      return checkDependentRequired(program.dependentRequireds[index], path, value)
    case .format(let format, let path):
      guard assertFormats, case .string(let s) = value, !format.matches(s) else { return true }
      return fail(.format, "format", path, "is not a valid \(format.rawValue)", ["format": .string(format.rawValue)])
    case .ref, .object, .array, .allOf, .anyOf, .oneOf, .not, .conditional, .propertyNames, .dependentSchemas,
      .contains, .unevaluatedProperties, .unevaluatedItems:
      preconditionFailure("applicators run as frames of the walk")
    }
  }

  // MARK: - Keywords with more to do

  /// `enum` — "An instance validates successfully against this keyword if its value is
  /// equal to one of the elements in this keyword's array value." `const` — "… if its
  /// value is equal to the value of the keyword."
  mutating func checkEnum(_ table: EnumTable, _ path: Int, _ value: inout JSONValue) -> Bool {
    if case .string(let s) = value {
      // A string equals only a string with the same code points (``InstanceEquality``).
      if let strings = table.strings {
        if strings[Utf8Key(s)] != nil { return true }
      } else if table.values.contains(where: { if case .string(let t) = $0 { codePointsEqual(t, s) } else { false } }) {
        return true
      }
    } else if table.values.contains(where: { InstanceEquality.equal($0, value) }) {
      return true
    }
    if coercing, coercions.contains(.enumCase), case .string(let s) = value {
      let folded = KeyNormalization.caseFold(s)
      let hits = table.folded.filter { $0.key == folded }
      if hits.count == 1 {
        let replacement = table.values[hits[0].index]
        warn(.enumCase, path, value, replacement)
        value = replacement
        return true
      }
    }
    if table.isConst {
      return fail(.const, "const", path, "expected \(table.values[0].canonicalString)",
                  ["allowedValue": table.values[0]])
    }
    let shown = table.values.prefix(8).map(\.canonicalString).joined(separator: ", ")
    return fail(.enumeration, "enum", path, "expected one of [\(shown)\(table.values.count > 8 ? ", …" : "")]",
                ["allowedValues": .array(table.values)])
  }

  /// `minimum`: "valid only if the instance is greater than or exactly equal to";
  /// `exclusiveMinimum`: "valid only if it has a value strictly greater than"; and the
  /// mirror images. Exact decimal comparison.
  mutating func checkBound(_ n: JSONNumber, _ bound: NumberBound, _ kind: BoundKind, _ path: Int) -> Bool {
    let order = DecimalView.with(n) { view, bytes in
      bound.lexeme.withUnsafeBufferPointer { DecimalView.compare(view, bytes, bound.view, $0) }
    }
    switch kind {
    case .minimum:
      return order >= 0 || failBound(.minimum, "minimum", ">=", path, "\(n.lexeme) is less than \(bound.text)", bound)
    case .maximum:
      return order <= 0 || failBound(.maximum, "maximum", "<=", path, "\(n.lexeme) is greater than \(bound.text)", bound)
    case .exclusiveMinimum:
      return order > 0
        || failBound(.exclusiveMinimum, "exclusiveMinimum", ">", path, "\(n.lexeme) is not greater than \(bound.text)", bound)
    case .exclusiveMaximum:
      return order < 0
        || failBound(.exclusiveMaximum, "exclusiveMaximum", "<", path, "\(n.lexeme) is not less than \(bound.text)", bound)
    }
  }

  // MARK: - Reporting

  // Out-of-line reports for the recursive functions, whose frames stay small this way.

  @inline(never)
  mutating func failNot(_ path: Int) -> Bool {
    fail(.not, "not", path, "must not match the schema in not")
  }

  @inline(never)
  mutating func failAdditional(_ path: Int, _ key: String) -> Bool {
    fail(.additionalProperties, "additionalProperties", path, "property \"\(key)\" is not allowed",
         ["additionalProperty": .string(key)], member: key)
  }

  @inline(never)
  mutating func failItems(_ path: Int, _ count: Int, _ allowed: Int) -> Bool {
    fail(.items, "items", path, "\(count) items; at most \(allowed) allowed", Validator.limit(allowed))
  }

  @inline(never)
  mutating func failBound(_ code: ValidationError.Code, _ keyword: String, _ comparison: String, _ path: Int,
                         _ message: String, _ bound: NumberBound) -> Bool
  {
    fail(code, keyword, path, message, ["comparison": .string(comparison), "limit": Validator.number(bound.text)])
  }

  static func limit(_ n: Int) -> JSONValue { ["limit": .number(JSONNumber(Int64(n)))] }

  /// A number param from a keyword's lexeme.
  static func number(_ lexeme: String) -> JSONValue { JSONNumber(lexeme: lexeme).map { .number($0) } ?? .string(lexeme) }

  /// ajv's `params.type`: the type name, or the list of names.
  static func typeParams(_ mask: TypeMask) -> JSONValue {
    let names = TypeMask.names.filter { mask.contains($0.1) }.map { JSONValue.string($0.0) }
    return ["type": names.count == 1 ? names[0] : .array(names)]
  }

  @inline(never)
  mutating func warnNullRemoved(_ node: Int) {
    warn(.nullToAbsent, program.nodePaths[node], .null, nil)
  }

  mutating func fail(_ code: ValidationError.Code, _ keyword: String, _ path: Int,
                    _ message: @autoclosure () -> String, _ params: @autoclosure () -> JSONValue = [:],
                    member: String? = nil) -> Bool
  {
    trialDepth > 0 ? false : fail(code, keyword, program.paths[path], message(), params(), member: member)
  }

  /// Records an error at the current instance location; `member` (a key of the object
  /// there) narrows the byte range to that member while the instance path stays the
  /// object's, as ajv reports `additionalProperties`.
  mutating func fail(_ code: ValidationError.Code, _ keyword: String, _ schemaPath: String,
                    _ message: @autoclosure () -> String, _ params: @autoclosure () -> JSONValue = [:],
                    member: String? = nil) -> Bool
  {
    guard trialDepth == 0 else { return false }
    let pointer = currentPointer()
    let located = member.map { JSONPointer(tokens: pointer.tokens + [$0]) } ?? pointer
    errors.append(ValidationError(code: code, keyword: keyword, instancePath: pointer.description,
                                  schemaPath: schemaPath, message: message(), params: params(),
                                  range: locator?(located) ?? locate(pointer)))
    return false
  }

  mutating func warn(_ coercion: Coercion, _ path: Int, _ original: JSONValue, _ replacement: JSONValue?) {
    warn(coercion, program.paths[path], original, replacement)
  }

  mutating func warn(_ coercion: Coercion, _ schemaPath: String, _ original: JSONValue,
                             _ replacement: JSONValue?)
  {
    let pointer = currentPointer()
    warnings.append(CoercionWarning(coercion: coercion, instancePath: pointer.description, schemaPath: schemaPath,
                                    original: original, replacement: replacement, range: locate(pointer)))
  }

  /// The instance path: the tokens of the frames on the stack, outermost first. O(depth).
  private func currentPointer() -> JSONPointer {
    var tokens: [String] = stack.compactMap { frame in
      switch frame.token {
      case .key(let key): key
      case .index(let index): String(index)
      case nil: nil
      }
    }
    for token in directTokens {
      switch token {
      case .key(let key): tokens.append(key)
      case .index(let index): tokens.append(String(index))
      }
    }
    return JSONPointer(tokens: tokens)
  }

  private func instancePath() -> String { currentPointer().description }

  private func locate(_ pointer: JSONPointer) -> Range<Int>? { locator?(pointer) ?? wholeRange }
}
