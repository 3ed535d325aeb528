import SlateJSON

/// `dependentRequired`, `dependentSchemas`, `contains` and the `unevaluated*` keywords.
///
/// `unevaluatedProperties`/`unevaluatedItems` (core §11) apply to the members or items
/// that no adjacent keyword of their schema evaluated, counting what successful in-place
/// subschemas (`$ref`, the passing `allOf`/`anyOf`/`oneOf` branches, the `if` that
/// passed with its `then`, or the `else`, `dependentSchemas`) evaluated. Slate does not
/// collect annotations during the walk (which would cost every validation); a schema with
/// an `unevaluated*` keyword recomputes them over its in-place subschemas when it meets an
/// object or array, trying the branches whose outcome decides. Cost: one more pass over
/// the in-place subschemas of that schema, per object or array it applies to.
extension Validator {
  /// "Validation succeeds if, for each name that appears in both the instance and as a
  /// name within this keyword's value, every item in the corresponding array is also the
  /// name of a property in the instance."
  func checkDependentRequired(_ entries: [(String, [String])], _ path: Int, _ value: JSONValue) -> Bool {
    guard case .object(let object) = value else { return true }
    var valid = true
    for (property, names) in entries where Validator.member(property, of: object) != nil {
      for name in names where Validator.member(name, of: object) == nil {
        valid = fail(.dependentRequired, "dependentRequired", path,
                     "property \"\(property)\" requires property \"\(name)\"",
                     ["property": .string(property), "missingProperty": .string(name),
                      "depsCount": .number(JSONNumber(Int64(names.count))),
                      "deps": .string(names.joined(separator: ", "))])
        if stopAtFirst { return false }
      }
    }
    return valid
  }

  /// "If the object key is a property in the instance, the entire instance must validate
  /// against the subschema."
  func checkDependentSchemas(_ entries: [(String, Int)], _ value: inout JSONValue) -> Bool {
    guard case .object(let object) = value else { return true }
    var valid = true
    for (property, node) in entries where Validator.member(property, of: object) != nil {
      if !evaluate(node, &value) {
        valid = false
        if stopAtFirst { return false }
      }
    }
    return valid
  }

  /// `contains` with `minContains` (default 1) and `maxContains`: the number of items
  /// valid against the subschema. As jsonschema (Python) names them: no match at all is
  /// `contains`, too few `minContains`, too many `maxContains`.
  func checkContains(_ c: Contains, _ value: JSONValue) -> Bool {
    guard case .array(let items) = value else { return true }
    var matches = 0
    for (i, item) in items.enumerated() {
      path.append(.index(i))
      if trial(c.node, item) { matches += 1 }
      path.removeLast()
    }
    var params: JSONValue = ["minContains": .number(JSONNumber(Int64(c.min)))]
    if let max = c.max { params = ["minContains": .number(JSONNumber(Int64(c.min))), "maxContains": .number(JSONNumber(Int64(max)))] }
    if let max = c.max, matches > max {
      return fail(.maxContains, "maxContains", c.maxPath, "\(matches) items match contains; at most \(max) allowed", params)
    }
    guard matches < c.min else { return true }
    if matches == 0 { return fail(.contains, "contains", c.path, "no item matches the schema in contains", params) }
    return fail(.minContains, "minContains", c.minPath, "\(matches) items match contains; at least \(c.min) required", params)
  }

  // MARK: - unevaluated*

  struct EvaluatedProperties {
    var names = Set<Utf8Key>()
    var all = false
  }

  struct EvaluatedItems {
    var prefix = 0
    var all = false
    var indices = Set<Int>()
  }

  func checkUnevaluatedProperties(_ rest: ObjectShape.Additional, _ schemaPath: Int, node: Int,
                                  _ value: inout JSONValue) -> Bool
  {
    guard case .object(let object) = value else { return true }
    if case .any = rest { return true }
    var evaluated = EvaluatedProperties()
    let range = nodes[node]
    collectProperties(node, object, value, &evaluated, end: range.upperBound - 1)
    if evaluated.all { return true }
    var members = Validator.hasDuplicateKeys(object) ? Validator.lastOccurrences(object) : object.members
    var changed = false
    var valid = true
    for i in members.indices where !evaluated.names.contains(Utf8Key(members[i].key)) {
      let key = members[i].key
      switch rest {
      case .any: break
      case .forbidden(let p):
        valid = fail(.unevaluatedProperties, "unevaluatedProperties", p, "property \"\(key)\" is not allowed (unevaluated)",
                     ["unevaluatedProperty": .string(key)], member: key) && valid
      case .schema(let target):
        var child = members[i].value
        let before = warnings.count
        path.append(.key(key))
        if !evaluate(target, &child) { valid = false }
        path.removeLast()
        if warnings.count != before {
          members[i].value = child
          changed = true
        }
      }
      if !valid && stopAtFirst { return false }
    }
    if changed { value = .object(JSONObject(members)) }
    return valid
  }

  func checkUnevaluatedItems(_ rest: ObjectShape.Additional, _ schemaPath: Int, node: Int,
                             _ value: inout JSONValue) -> Bool
  {
    guard case .array(var items) = value else { return true }
    if case .any = rest { return true }
    var evaluated = EvaluatedItems()
    let range = nodes[node]
    let own = range.first { if case .unevaluatedItems = checks[$0] { true } else { false } } ?? range.upperBound
    collectItems(node, items, value, &evaluated, end: own)
    if evaluated.all { return true }
    var changed = false
    var valid = true
    for i in items.indices where i >= evaluated.prefix && !evaluated.indices.contains(i) {
      switch rest {
      case .any: break
      case .forbidden(let p):
        // One error for the array, as ajv and jsonschema report it.
        return fail(.unevaluatedItems, "unevaluatedItems", p, "item \(i) is not allowed (unevaluated)",
                    ["limit": .number(JSONNumber(Int64(i)))])
      case .schema(let target):
        var child = items[i]
        let before = warnings.count
        path.append(.index(i))
        if !evaluate(target, &child) { valid = false }
        path.removeLast()
        if warnings.count != before {
          items[i] = child
          changed = true
        }
      }
      if !valid && stopAtFirst { return false }
    }
    if changed { value = .array(items) }
    return valid
  }

  /// The members of `object` that the checks of `node` before `end` (all when nil)
  /// evaluate, through its successful in-place subschemas.
  func collectProperties(_ node: Int, _ object: JSONObject, _ value: JSONValue, _ out: inout EvaluatedProperties,
                         end: Int? = nil)
  {
    let range = nodes[node]
    var i = range.lowerBound
    while i < (end ?? range.upperBound), !out.all {
      switch checks[i] {
      case .object(let index):
        let shape = objects[index]
        if shape.hasAdditional {
          out.all = true
        } else {
          for member in object.members
          where shape.index(of: member.key) != nil
            || shape.patterns.contains(where: { program.patterns[$0.pattern].matches(member.key) })
          {
            out.names.insert(Utf8Key(member.key))
          }
        }
      case .unevaluatedProperties:
        out.all = true
      default:
        forEachPassingInPlace(checks[i], object: object, value) { collectProperties($0, object, value, &out) }
      }
      i += 1
    }
  }

  func collectItems(_ node: Int, _ items: [JSONValue], _ value: JSONValue, _ out: inout EvaluatedItems, end: Int? = nil) {
    let range = nodes[node]
    var i = range.lowerBound
    while i < (end ?? range.upperBound), !out.all {
      switch checks[i] {
      case .array(let index):
        let shape = arrays[index]
        if shape.hasRest { out.all = true } else { out.prefix = max(out.prefix, shape.prefix.count) }
      case .contains(let index):
        for (j, item) in items.enumerated() where trial(containers[index].node, item) { out.indices.insert(j) }
      case .unevaluatedItems:
        out.all = true
      default:
        forEachPassingInPlace(checks[i], object: nil, value) { collectItems($0, items, value, &out) }
      }
      i += 1
    }
  }

  /// Calls `body` with each in-place subschema of `check` whose annotations count: the
  /// `$ref` target, the `allOf`/`anyOf`/`oneOf` branches the value passes (a failing
  /// branch's annotations are dropped, core §7.7.1.2, as jsonschema does), `if` (when it
  /// passes) and the branch it chose, the `dependentSchemas` of present members.
  private func forEachPassingInPlace(_ check: Check, object: JSONObject?, _ value: JSONValue, _ body: (Int) -> Void) {
    switch check {
    case .ref(let target, _): body(target)
    case .allOf(let list, _), .anyOf(let list, _), .oneOf(let list, _):
      for branch in nodeLists[list] where trial(branch, value) { body(branch) }
    case .conditional(let index):
      let conditional = conditionals[index]
      if trial(conditional.if, value) {
        body(conditional.if)
        if let then = conditional.then { body(then) }
      } else if let otherwise = conditional.else {
        body(otherwise)
      }
    case .dependentSchemas(let index, _):
      guard case .object(let members) = value else { return }
      for (property, target) in program.dependentSchemas[index] where Validator.member(property, of: members) != nil {
        body(target)
      }
    default: break
    }
  }
}
