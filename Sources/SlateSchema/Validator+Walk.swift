import SlateJSON

/// The walk: every evaluation that would recurse (a node's checks, the applicators, the
/// children of objects and arrays, trials, the annotation passes of `unevaluated*`) is a
/// ``Frame`` on an explicit heap stack, so a value and a schema of any depth the limits
/// allow are validated without recursion on the native stack.
///
/// A frame starts (`phase` 0), may push one child frame and wait for it, and finishes by
/// popping itself and handing its parent a result and its value (``result``,
/// ``returned``): the value as the child left it, coerced or not, which the parent takes
/// when the value threads through (a node's checks, `allOf`, `then`/`else`, a member or an
/// item) and ignores after a trial. The instance path is the path tokens of the frames on
/// the stack, bottom to top: a container frame carries the member or item it is
/// evaluating while that child runs. Containers' working state (their member or item
/// lists, the member in progress, the annotations an `unevaluated*` keyword collects)
/// lives in ``Work`` entries on a second stack, one per container frame, in the same
/// order. Each step does what the recursive form did at the same point, in the same
/// order, so results, errors and their order are unchanged. O(depth) heap.
extension Validator {
  /// One pending evaluation.
  struct Frame {
    var kind: Kind
    /// The instance this frame evaluates: its own reference, replaced by its checks' coercions.
    var value: JSONValue
    /// The frame's loop position: a check, a branch, a member, an item or an entry.
    var index = 0
    /// Where the frame is within its step; 0 before it starts.
    var phase = 0
    var valid = true
    /// `oneOf`'s first passing branch; `contains`'s matches.
    var count = 0
    /// The member or item being evaluated, while its child frame runs (the instance path).
    var token: PathToken?
  }

  enum Kind {
    /// A node's checks; a trial records no errors and applies no coercion.
    case evaluate(node: Int, trial: Bool)
    case allOf(list: Int)
    case anyOf(list: Int, path: Int)
    case oneOf(list: Int, path: Int)
    case not(node: Int, path: Int)
    case conditional(Int)
    case propertyNames(node: Int, path: Int)
    case dependentSchemas(Int)
    case contains(Int)
    case object(Int)
    case array(Int)
    case unevaluatedProperties(ObjectShape.Additional, node: Int)
    case unevaluatedItems(ObjectShape.Additional, node: Int)
    /// The annotations of `node`'s checks before `end` (an `unevaluated*` pass).
    case collect(node: Int, end: Int, items: Bool)
    /// The in-place subschemas of check `check` whose annotations count.
    case passing(check: Int, items: Bool)
  }

  /// A container frame's working state.
  struct Work {
    var members: [JSONMember] = []
    var items: [JSONValue] = []
    var removed: [Int] = []
    var child: JSONValue = .null
    var warningsBefore = 0
    var changed = false
    var ok = true
    var matched = false
    /// The property schema of the member in progress (an index into its shape), or -1.
    var property = -1
    var properties = EvaluatedProperties()
    var evaluatedItems = EvaluatedItems()
  }

  // MARK: - The loop

  /// Runs the frames until the stack is empty; the bottom frame's outcome is left in
  /// ``result`` and ``returned``.
  mutating func walk() {
    while let top = stack.indices.last {
      switch stack[top].kind {
      case .evaluate(let node, let trial): stepEvaluate(top, node, trial)
      case .allOf(let list): stepAllOf(top, list)
      case .anyOf(let list, let path): stepAnyOf(top, list, path)
      case .oneOf(let list, let path): stepOneOf(top, list, path)
      case .not(let node, let path):
        if stack[top].phase == 0 {
          stack[top].phase = 1
          pushTrial(node, stack[top].value)
        } else {
          // "An instance is valid against this keyword if it fails to validate
          // successfully against the schema defined by this keyword."
          finish(!result || failNot(path))
        }
      case .conditional(let index): stepConditional(top, conditionals[index])
      case .propertyNames(let node, let path): stepPropertyNames(top, node, path)
      case .dependentSchemas(let index): stepDependentSchemas(top, program.dependentSchemas[index])
      case .contains(let index): stepContains(top, containers[index])
      case .object(let index): stepObject(top, index)
      case .array(let index): stepArray(top, arrays[index])
      case .unevaluatedProperties(let rest, let node): stepUnevaluatedProperties(top, rest, node)
      case .unevaluatedItems(let rest, let node): stepUnevaluatedItems(top, rest, node)
      case .collect(let node, let end, let items): stepCollect(top, node, end, items)
      case .passing(let check, let items): stepPassing(top, check, items)
      }
    }
  }

  /// Pops the top frame, handing `ok` and its value to the frame below.
  private mutating func finish(_ ok: Bool) {
    returned = stack.removeLast().value
    result = ok
  }

  /// The value the last finished frame left, taken (so that the taker holds the only reference).
  private mutating func takeReturned() -> JSONValue {
    let value = returned
    returned = .null
    return value
  }

  private mutating func push(_ kind: Kind, _ value: JSONValue) {
    stack.append(Frame(kind: kind, value: value))
  }

  private mutating func pushEvaluate(_ node: Int, _ value: JSONValue) {
    stack.append(Frame(kind: .evaluate(node: node, trial: false), value: value))
  }

  /// Evaluates without recording errors or applying coercions.
  private mutating func pushTrial(_ node: Int, _ value: JSONValue) {
    stack.append(Frame(kind: .evaluate(node: node, trial: true), value: value))
  }

  private mutating func pushWork(_ work: Work) {
    works.append(work)
  }

  /// Finishes a container frame and drops its working state.
  private mutating func finishContainer(_ ok: Bool) {
    works.removeLast()
    finish(ok)
  }

  // MARK: - Nodes

  /// A node's checks in order: the assertions inline, each applicator as a child frame
  /// (or inline when the value's type makes it pass at once).
  private mutating func stepEvaluate(_ top: Int, _ node: Int, _ trial: Bool) {
    switch stack[top].phase {
    case 0:
      if trial { trialDepth += 1 }
      guard depth < options.maxDepth else {
        let ok = noteDepthExceeded()
        if trial { trialDepth -= 1 }
        return finish(ok)
      }
      if isDirect(node) {
        var value = stack[top].value
        stack[top].value = .null
        let ok = evaluateDirect(node, &value)
        stack[top].value = value
        if trial { trialDepth -= 1 }
        return finish(ok)
      }
      depth += 1
      stack[top].index = nodes[node].lowerBound
      stack[top].phase = 1
    default:
      // A check's frame finished: its outcome and the value it leaves.
      stack[top].phase = 1
      stack[top].value = takeReturned()
      if !result {
        stack[top].valid = false
        if stopAtFirst { return endEvaluate(false, trial) }
      }
      stack[top].index += 1
    }
    let end = nodes[node].upperBound
    while stack[top].index < end {
      let check = checks[stack[top].index]
      if let ok = begin(check, node: node, top) {
        if !ok {
          stack[top].valid = false
          if stopAtFirst { return endEvaluate(false, trial) }
        }
        stack[top].index += 1
      } else {
        stack[top].phase = 2
        return
      }
    }
    endEvaluate(stack[top].valid, trial)
  }

  private mutating func endEvaluate(_ ok: Bool, _ trial: Bool) {
    depth -= 1
    if trial { trialDepth -= 1 }
    finish(ok)
  }

  /// Runs `check` of `node` on the value of frame `top`: its outcome when it completes
  /// inline, or nil when it pushed a frame whose outcome the node's frame will receive.
  private mutating func begin(_ check: Check, node: Int, _ top: Int) -> Bool? {
    switch check {
    case .ref(let target, _):
      // Core §8.2.3.1: ""$ref" … is an applicator that is used to reference a statically
      // identified schema. Its results are the results of the referenced schema."
      pushEvaluate(target, stack[top].value)
    case .object(let index):
      guard case .object = stack[top].value else { return true }
      push(.object(index), stack[top].value)
    case .array(let index):
      guard case .array(let items) = stack[top].value, !items.isEmpty else { return true }
      if arrays[index].prefix.isEmpty, case .any = arrays[index].rest { return true }
      push(.array(index), stack[top].value)
    case .allOf(let list, _):
      push(.allOf(list: list), stack[top].value)
    case .anyOf(let list, let path):
      push(.anyOf(list: list, path: path), stack[top].value)
    case .oneOf(let list, let path):
      stack.append(Frame(kind: .oneOf(list: list, path: path), value: stack[top].value, count: -1))
    case .not(let target, let path):
      push(.not(node: target, path: path), stack[top].value)
    case .conditional(let index):
      push(.conditional(index), stack[top].value)
    case .propertyNames(let target, let path):
      guard case .object = stack[top].value else { return true }
      push(.propertyNames(node: target, path: path), stack[top].value)
    case .dependentSchemas(let index, _):
      guard case .object = stack[top].value else { return true }
      push(.dependentSchemas(index), stack[top].value)
    case .contains(let index):
      guard case .array = stack[top].value else { return true }
      push(.contains(index), stack[top].value)
    case .unevaluatedProperties(let rest, _):
      guard case .object = stack[top].value else { return true }
      if case .any = rest { return true }
      push(.unevaluatedProperties(rest, node: node), stack[top].value)
    case .unevaluatedItems(let rest, _):
      guard case .array = stack[top].value else { return true }
      if case .any = rest { return true }
      push(.unevaluatedItems(rest, node: node), stack[top].value)
    default:
      var value = stack[top].value
      let ok = assert(check, node: node, &value)
      stack[top].value = value
      return ok
    }
    return nil
  }

  // MARK: - Applicators

  /// "An instance validates successfully against this keyword if it validates
  /// successfully against all schemas defined by this keyword's value." Each branch
  /// reports its own errors; the value (with any coercion) threads through them.
  private mutating func stepAllOf(_ top: Int, _ list: Int) {
    if stack[top].phase != 0 {
      stack[top].value = takeReturned()
      if !result {
        stack[top].valid = false
        if stopAtFirst { return finish(false) }
      }
      stack[top].index += 1
    }
    let branches = nodeLists[list]
    guard stack[top].index < branches.count else { return finish(stack[top].valid) }
    stack[top].phase = 1
    pushEvaluate(branches[stack[top].index], stack[top].value)
  }

  /// "… if it validates successfully against at least one schema defined by this
  /// keyword's value."
  private mutating func stepAnyOf(_ top: Int, _ list: Int, _ path: Int) {
    if stack[top].phase != 0 {
      if result { return finish(true) }
      stack[top].index += 1
    }
    let branches = nodeLists[list]
    guard stack[top].index < branches.count else {
      return finish(fail(.anyOf, "anyOf", path, "matches none of the \(branches.count) schemas in anyOf", [:]))
    }
    stack[top].phase = 1
    pushTrial(branches[stack[top].index], stack[top].value)
  }

  /// "… if it validates successfully against exactly one schema defined by this
  /// keyword's value."
  private mutating func stepOneOf(_ top: Int, _ list: Int, _ path: Int) {
    if stack[top].phase != 0, result {
      let (first, i) = (stack[top].count, stack[top].index)
      if first >= 0 {
        return finish(fail(.oneOf, "oneOf", path, "matches more than one schema in oneOf (\(first) and \(i))",
                           ["passingSchemas": [.number(JSONNumber(Int64(first))), .number(JSONNumber(Int64(i)))]]))
      }
      stack[top].count = i
    }
    if stack[top].phase != 0 { stack[top].index += 1 }
    let branches = nodeLists[list]
    guard stack[top].index < branches.count else {
      return finish(stack[top].count >= 0
        || fail(.oneOf, "oneOf", path, "matches none of the \(branches.count) schemas in oneOf", ["passingSchemas": .null]))
    }
    stack[top].phase = 1
    pushTrial(branches[stack[top].index], stack[top].value)
  }

  /// 2020-12 core §10.2.2: "if" only decides which of "then" and "else" applies.
  private mutating func stepConditional(_ top: Int, _ conditional: Conditional) {
    switch stack[top].phase {
    case 0:
      stack[top].phase = 1
      pushTrial(conditional.if, stack[top].value)
    case 1:
      guard let branch = result ? conditional.then : conditional.else else { return finish(true) }
      stack[top].phase = 2
      pushEvaluate(branch, stack[top].value)
    default:
      stack[top].value = takeReturned()
      finish(result)
    }
  }

  /// "… if every property name in the instance validates against the provided schema."
  private mutating func stepPropertyNames(_ top: Int, _ target: Int, _ path: Int) {
    guard case .object(let object) = stack[top].value else { return finish(true) }
    if stack[top].phase != 0, !result {
      let key = object.members[stack[top].index].key
      // As ajv and jsonschema: the object, with the name in params (the range is the member's).
      stack[top].valid = fail(.propertyNames, "propertyNames", path, "property name \"\(key)\" is not allowed",
                              ["propertyName": .string(key)], member: key)
      if stopAtFirst { return finish(false) }
    }
    if stack[top].phase != 0 { stack[top].index += 1 }
    guard stack[top].index < object.members.count else { return finish(stack[top].valid) }
    stack[top].phase = 1
    pushTrial(target, .string(object.members[stack[top].index].key))
  }

  /// "If the object key is a property in the instance, the entire instance must validate
  /// against the subschema." Presence is read from the object as the keyword met it.
  private mutating func stepDependentSchemas(_ top: Int, _ entries: [(String, Int)]) {
    if stack[top].phase == 0 {
      pushWork(Work(child: stack[top].value))
    } else {
      stack[top].value = takeReturned()
      if !result {
        stack[top].valid = false
        if stopAtFirst { return finishContainer(false) }
      }
      stack[top].index += 1
    }
    guard case .object(let object) = works[works.count - 1].child else { return finishContainer(true) }
    while stack[top].index < entries.count {
      let (property, node) = entries[stack[top].index]
      if Validator.member(property, of: object) != nil {
        stack[top].phase = 1
        return pushEvaluate(node, stack[top].value)
      }
      stack[top].index += 1
    }
    finishContainer(stack[top].valid)
  }

  /// `contains` with `minContains` (default 1) and `maxContains`: the number of items
  /// valid against the subschema. As jsonschema (Python) names them: no match at all is
  /// `contains`, too few `minContains`, too many `maxContains`.
  private mutating func stepContains(_ top: Int, _ c: Contains) {
    guard case .array(let items) = stack[top].value else { return finish(true) }
    if stack[top].phase != 0 {
      if result { stack[top].count += 1 }
      stack[top].token = nil
      stack[top].index += 1
    }
    let i = stack[top].index
    if i < items.count {
      stack[top].phase = 1
      stack[top].token = .index(i)
      return pushTrial(c.node, items[i])
    }
    let matches = stack[top].count
    var params: JSONValue = ["minContains": .number(JSONNumber(Int64(c.min)))]
    if let max = c.max { params = ["minContains": .number(JSONNumber(Int64(c.min))), "maxContains": .number(JSONNumber(Int64(max)))] }
    if let max = c.max, matches > max {
      return finish(fail(.maxContains, "maxContains", c.maxPath, "\(matches) items match contains; at most \(max) allowed", params))
    }
    guard matches < c.min else { return finish(true) }
    if matches == 0 { return finish(fail(.contains, "contains", c.path, "no item matches the schema in contains", params)) }
    finish(fail(.minContains, "minContains", c.minPath, "\(matches) items match contains; at least \(c.min) required", params))
  }

  // MARK: - Objects and arrays

  /// `properties` — "validation succeeds if, for each name that appears in both the
  /// instance and as a name within this keyword's value, the child instance for that name
  /// successfully validates against the corresponding schema." `additionalProperties` —
  /// applies "to the child values of instance names that do not appear in the annotation
  /// results of either properties or patternProperties". `patternProperties`: every
  /// pattern that matches the name applies (as well).
  ///
  /// Phases per member: 1 starts it; 2 after the `null-to-absent` trial; 3 after its
  /// property schema; 4 tries the patterns from `count`; 5 after a pattern's schema;
  /// 6 `additionalProperties`; 7 after its schema; 8 ends the member.
  private mutating func stepObject(_ top: Int, _ shapeIndex: Int) {
    if stack[top].phase == 0 {
      guard case .object(let object) = stack[top].value else { return finish(true) }
      // Duplicate keys: the last occurrence is the member (as lookup and equality have it).
      pushWork(Work(members: Validator.hasDuplicateKeys(object) ? Validator.lastOccurrences(object) : object.members))
      stack[top].phase = 1
    }
    let work = works.count - 1
    while true {
      let i = stack[top].index
      switch stack[top].phase {
      case 1:
        guard i < works[work].members.count else {
          if works[work].changed {
            var members = works[work].members
            for i in works[work].removed.reversed() { members.remove(at: i) }
            stack[top].value = .object(JSONObject(members))
          }
          return finishContainer(stack[top].valid)
        }
        let key = works[work].members[i].key
        works[work].child = works[work].members[i].value
        works[work].warningsBefore = warnings.count
        works[work].ok = true
        works[work].matched = false
        stack[top].token = .key(key)
        stack[top].count = 0
        guard let p = objects[shapeIndex].index(of: key) else {
          stack[top].phase = 4
          continue
        }
        works[work].matched = true
        works[work].property = p
        if case .null = works[work].child, coercing, coercions.contains(.nullToAbsent), !objects[shapeIndex].isRequired[p] {
          stack[top].phase = 2
          return pushTrial(objects[shapeIndex].nodes[p], works[work].child)
        }
        stack[top].phase = 3
        return pushEvaluate(objects[shapeIndex].nodes[p], works[work].child)
      case 2:
        let p = works[work].property
        if !result {
          warnNullRemoved(objects[shapeIndex].nodes[p])
          works[work].removed.append(i)
          stack[top].phase = 4
        } else {
          stack[top].phase = 3
          return pushEvaluate(objects[shapeIndex].nodes[p], works[work].child)
        }
      case 3:
        works[work].child = takeReturned()
        works[work].ok = result
        stack[top].phase = 4
      case 4:
        let key = works[work].members[i].key
        var j = stack[top].count
        while j < objects[shapeIndex].patterns.count {
          let entry = objects[shapeIndex].patterns[j]
          j += 1
          guard works[work].ok || !stopAtFirst, program.patterns[entry.pattern].matches(key) else { continue }
          works[work].matched = true
          if works[work].removed.last != i {
            stack[top].count = j
            stack[top].phase = 5
            return pushEvaluate(entry.node, works[work].child)
          }
        }
        stack[top].phase = 6
      case 5:
        works[work].child = takeReturned()
        if !result { works[work].ok = false }
        stack[top].phase = 4
      case 6:
        stack[top].phase = 8
        if !works[work].matched {
          switch objects[shapeIndex].additional {
          case .any: break
          case .forbidden(let schemaPath):
            // As ajv and jsonschema: the object, with the member in params (its range is the member's).
            let key = works[work].members[i].key
            stack[top].token = nil
            works[work].ok = failAdditional(schemaPath, key)
            stack[top].token = .key(key)
          case .schema(let node):
            stack[top].phase = 7
            return pushEvaluate(node, works[work].child)
          }
        }
      case 7:
        works[work].child = takeReturned()
        works[work].ok = result
        stack[top].phase = 8
      default:
        stack[top].token = nil
        if warnings.count != works[work].warningsBefore {
          works[work].members[i].value = works[work].child
          works[work].changed = true
        }
        works[work].child = .null
        if !works[work].ok {
          stack[top].valid = false
          if stopAtFirst { return finishContainer(false) }
        }
        stack[top].index += 1
        stack[top].phase = 1
      }
    }
  }

  /// `prefixItems` — "validates successfully if each element of the instance validates
  /// against the schema at the same position, if any." `items` — applies "to all instance
  /// elements at indexes greater than the length of the prefixItems array".
  private mutating func stepArray(_ top: Int, _ shape: ArrayShape) {
    if stack[top].phase == 0 {
      guard case .array(let items) = stack[top].value else { return finish(true) }
      pushWork(Work(items: items))
    } else {
      let i = stack[top].index
      let child = takeReturned()
      stack[top].token = nil
      let work = works.count - 1
      if warnings.count != works[work].warningsBefore {
        works[work].items[i] = child
        works[work].changed = true
      }
      if !result {
        stack[top].valid = false
        if stopAtFirst { return finishContainer(false) }
      }
      stack[top].index += 1
    }
    let work = works.count - 1
    let i = stack[top].index
    guard i < works[work].items.count else { return finishArray(top, stack[top].valid) }
    let node: Int
    if i < shape.prefix.count {
      node = shape.prefix[i]
    } else {
      switch shape.rest {
      case .any: return finishArray(top, stack[top].valid)
      case .forbidden(let path):
        let ok = failItems(path, works[work].items.count, shape.prefix.count)
        return finishArray(top, stack[top].valid && ok)
      case .schema(let rest): node = rest
      }
    }
    works[work].warningsBefore = warnings.count
    stack[top].phase = 1
    stack[top].token = .index(i)
    pushEvaluate(node, works[work].items[i])
  }

  private mutating func finishArray(_ top: Int, _ valid: Bool) {
    let work = works.count - 1
    if works[work].changed { stack[top].value = .array(works[work].items) }
    finishContainer(valid)
  }

  // MARK: - unevaluated*

  /// `unevaluatedProperties`: the members no adjacent keyword evaluated (see the
  /// annotations collected by ``stepCollect(_:_:_:_:)``) against the keyword's schema.
  /// Phases: 1 after the annotations; 2 loops over the members; 3 after a member's schema.
  private mutating func stepUnevaluatedProperties(_ top: Int, _ rest: ObjectShape.Additional, _ node: Int) {
    guard case .object(let object) = stack[top].value else { return finish(true) }
    switch stack[top].phase {
    case 0:
      pushWork(Work())
      stack[top].phase = 1
      return push(.collect(node: node, end: nodes[node].upperBound - 1, items: false), stack[top].value)
    case 1:
      let work = works.count - 1
      if works[work].properties.all { return finishContainer(true) }
      works[work].members = Validator.hasDuplicateKeys(object) ? Validator.lastOccurrences(object) : object.members
    default:
      let work = works.count - 1
      let i = stack[top].index
      stack[top].token = nil
      if !result { stack[top].valid = false }
      if warnings.count != works[work].warningsBefore {
        works[work].members[i].value = takeReturned()
        works[work].changed = true
      }
      if !stack[top].valid && stopAtFirst { return finishContainer(false) }
      stack[top].index += 1
    }
    let work = works.count - 1
    while stack[top].index < works[work].members.count {
      let i = stack[top].index
      let key = works[work].members[i].key
      if !works[work].properties.names.contains(Utf8Key(key)) {
        switch rest {
        case .any: break
        case .forbidden(let p):
          stack[top].valid = fail(.unevaluatedProperties, "unevaluatedProperties", p,
                                  "property \"\(key)\" is not allowed (unevaluated)",
                                  ["unevaluatedProperty": .string(key)], member: key) && stack[top].valid
        case .schema(let target):
          works[work].warningsBefore = warnings.count
          stack[top].token = .key(key)
          stack[top].phase = 2
          return pushEvaluate(target, works[work].members[i].value)
        }
        if !stack[top].valid && stopAtFirst { return finishContainer(false) }
      }
      stack[top].index += 1
    }
    if works[work].changed { stack[top].value = .object(JSONObject(works[work].members)) }
    finishContainer(stack[top].valid)
  }

  /// `unevaluatedItems`: the items no adjacent keyword evaluated against the keyword's
  /// schema; `false` reports the first of them once, for the array (as ajv and jsonschema).
  private mutating func stepUnevaluatedItems(_ top: Int, _ rest: ObjectShape.Additional, _ node: Int) {
    guard case .array(let items) = stack[top].value else { return finish(true) }
    switch stack[top].phase {
    case 0:
      pushWork(Work(items: items))
      stack[top].phase = 1
      let range = nodes[node]
      let own = range.first { if case .unevaluatedItems = checks[$0] { true } else { false } } ?? range.upperBound
      return push(.collect(node: node, end: own, items: true), stack[top].value)
    case 1:
      if works[works.count - 1].evaluatedItems.all { return finishContainer(true) }
    default:
      let work = works.count - 1
      let i = stack[top].index
      stack[top].token = nil
      if !result { stack[top].valid = false }
      if warnings.count != works[work].warningsBefore {
        works[work].items[i] = takeReturned()
        works[work].changed = true
      }
      if !stack[top].valid && stopAtFirst { return finishContainer(false) }
      stack[top].index += 1
    }
    let work = works.count - 1
    let evaluated = works[work].evaluatedItems
    while stack[top].index < works[work].items.count {
      let i = stack[top].index
      if i >= evaluated.prefix && !evaluated.indices.contains(i) {
        switch rest {
        case .any: break
        case .forbidden(let p):
          // One error for the array, as ajv and jsonschema report it.
          return finishContainer(fail(.unevaluatedItems, "unevaluatedItems", p, "item \(i) is not allowed (unevaluated)",
                                      ["limit": .number(JSONNumber(Int64(i)))]))
        case .schema(let target):
          works[work].warningsBefore = warnings.count
          stack[top].token = .index(i)
          stack[top].phase = 2
          return pushEvaluate(target, works[work].items[i])
        }
        if !stack[top].valid && stopAtFirst { return finishContainer(false) }
      }
      stack[top].index += 1
    }
    if works[work].changed { stack[top].value = .array(works[work].items) }
    finishContainer(stack[top].valid)
  }

  /// The members (or items) that the checks of `node` before `end` evaluate, through its
  /// successful in-place subschemas, added to the innermost `unevaluated*` frame's work.
  private mutating func stepCollect(_ top: Int, _ node: Int, _ end: Int, _ items: Bool) {
    let work = works.count - 1
    if stack[top].phase == 0 {
      stack[top].phase = 1
      stack[top].index = nodes[node].lowerBound
    } else {
      stack[top].index += 1  // a `passing` frame finished
    }
    while stack[top].index < end, !(items ? works[work].evaluatedItems.all : works[work].properties.all) {
      let i = stack[top].index
      switch (checks[i], items) {
      case (.object(let index), false):
        let shape = objects[index]
        if shape.hasAdditional {
          works[work].properties.all = true
        } else if case .object(let object) = stack[top].value {
          for member in object.members
          where shape.index(of: member.key) != nil
            || shape.patterns.contains(where: { program.patterns[$0.pattern].matches(member.key) })
          {
            works[work].properties.names.insert(Utf8Key(member.key))
          }
        }
      case (.unevaluatedProperties, false):
        works[work].properties.all = true
      case (.array(let index), true):
        let shape = arrays[index]
        if shape.hasRest {
          works[work].evaluatedItems.all = true
        } else {
          works[work].evaluatedItems.prefix = max(works[work].evaluatedItems.prefix, shape.prefix.count)
        }
      case (.unevaluatedItems, true):
        works[work].evaluatedItems.all = true
      case (.contains, true), (.ref, _), (.allOf, _), (.anyOf, _), (.oneOf, _), (.conditional, _),
        (.dependentSchemas, _):
        return push(.passing(check: i, items: items), stack[top].value)
      default:
        break
      }
      stack[top].index += 1
    }
    finish(true)
  }

  /// The in-place subschemas of a check whose annotations count, each collected in turn:
  /// the `$ref` target, the `allOf`/`anyOf`/`oneOf` branches the value passes (a failing
  /// branch's annotations are dropped, core §7.7.1.2, as jsonschema does), `if` (when it
  /// passes) and the branch it chose, the `dependentSchemas` of present members; for
  /// items, the items `contains` matches.
  private mutating func stepPassing(_ top: Int, _ index: Int, _ items: Bool) {
    let phase = stack[top].phase
    let value = stack[top].value
    switch checks[index] {
    case .ref(let target, _):
      guard phase == 0 else { return finish(true) }
      stack[top].phase = 1
      push(.collect(node: target, end: nodes[target].upperBound, items: items), value)
    case .allOf(let list, _), .anyOf(let list, _), .oneOf(let list, _):
      // Phase 1: after a branch's trial; 2: after its annotations.
      let branches = nodeLists[list]
      if phase == 1, result {
        stack[top].phase = 2
        return pushCollect(branches[stack[top].index], items, value)
      }
      if phase != 0 { stack[top].index += 1 }
      guard stack[top].index < branches.count else { return finish(true) }
      stack[top].phase = 1
      pushTrial(branches[stack[top].index], value)
    case .conditional(let c):
      // Phase 1: after the trial of `if`; 2: after its annotations; 3: done.
      let conditional = conditionals[c]
      switch phase {
      case 0:
        stack[top].phase = 1
        pushTrial(conditional.if, value)
      case 1:
        if result {
          stack[top].phase = 2
          pushCollect(conditional.if, items, value)
        } else if let otherwise = conditional.else {
          stack[top].phase = 3
          pushCollect(otherwise, items, value)
        } else {
          finish(true)
        }
      case 2:
        guard let then = conditional.then else { return finish(true) }
        stack[top].phase = 3
        pushCollect(then, items, value)
      default:
        finish(true)
      }
    case .dependentSchemas(let d, _):
      guard case .object(let members) = value else { return finish(true) }
      let entries = program.dependentSchemas[d]
      while stack[top].index < entries.count {
        let (property, target) = entries[stack[top].index]
        stack[top].index += 1
        if Validator.member(property, of: members) != nil {
          stack[top].phase = 1
          return pushCollect(target, items, value)
        }
      }
      finish(true)
    case .contains(let c):
      guard case .array(let elements) = value else { return finish(true) }
      if phase != 0 {
        if result { works[works.count - 1].evaluatedItems.indices.insert(stack[top].index) }
        stack[top].index += 1
      }
      guard stack[top].index < elements.count else { return finish(true) }
      stack[top].phase = 1
      pushTrial(containers[c].node, elements[stack[top].index])
    default:
      finish(true)
    }
  }

  private mutating func pushCollect(_ node: Int, _ items: Bool, _ value: JSONValue) {
    push(.collect(node: node, end: nodes[node].upperBound, items: items), value)
  }
}
