import SlateJSON

/// Direct evaluation: a node whose checks need no trial, no annotation and no branch
/// (``SchemaProgram/directHeights()``) is evaluated by native recursion over its checks,
/// its object's members and its array's items, without the walk's frames and working
/// state. The recursion follows the schema, not the value: its native depth is the node's
/// direct height, at most ``SchemaProgram/directLimit``, and a node is evaluated directly
/// only when that height stays within ``ValidationOptions/maxDepth`` from where the walk
/// is (``isDirect(_:)``), so the depth limit is never met inside. Everything else
/// (coercions, `null-to-absent`, first-error mode, trials of enclosing keywords,
/// duplicate keys) is done as the walk's steps do it, in the same order: the errors,
/// their paths and order, the warnings and the coerced value are the walk's. The instance
/// path below the top frame is ``directTokens``.
extension Validator {
  /// Whether `node` is evaluated directly at the current depth.
  @inline(__always)
  func isDirect(_ node: Int) -> Bool {
    direct && heights[node] > 0 && depth + Int(heights[node]) <= options.maxDepth
  }

  /// A node's checks in order on `value` (coerced in place); as the walk's
  /// `stepEvaluate` and `begin`.
  mutating func evaluateDirect(_ node: Int, _ value: inout JSONValue) -> Bool {
    var valid = true
    for i in nodes[node] {
      let ok: Bool
      switch checks[i] {
      case .type(let mask, _) where Validator.matches(mask, value):
        ok = true
      case .ref(let target, _):
        ok = evaluateDirect(target, &value)
      case .allOf(let list, _):
        ok = allOfDirect(list, &value)
      case .object(let index):
        ok = objectDirect(index, &value)
      case .array(let index):
        ok = arrayDirect(index, &value)
      default:
        ok = assert(checks[i], node: node, &value)
      }
      if !ok {
        valid = false
        if stopAtFirst { return false }
      }
    }
    return valid
  }

  /// `allOf`: each branch in turn, the value threading through (``stepAllOf``).
  private mutating func allOfDirect(_ list: Int, _ value: inout JSONValue) -> Bool {
    var valid = true
    for branch in nodeLists[list] where !evaluateDirect(branch, &value) {
      valid = false
      if stopAtFirst { return false }
    }
    return valid
  }

  /// `properties`, `patternProperties` and `additionalProperties`, member by member, as
  /// the walk's `stepObject`: a member's coerced value is kept when it warned, members
  /// that `null-to-absent` removes go at the end, and an early stop (first-error mode)
  /// leaves the object as it was. Up to 32 members, each member's property is looked up
  /// once, into stack scratch, and two members share a key exactly when they find the
  /// same property or neither finds one and their keys are equal (which replaces the
  /// walk's pairwise check for duplicate keys); an object with duplicate keys is
  /// evaluated as its last occurrences, as the walk does.
  private mutating func objectDirect(_ shape: Int, _ value: inout JSONValue) -> Bool {
    guard case .object(let object) = value else { return true }
    let table = objects[shape]
    let count = object.members.count
    guard count <= 32, table.lookup == nil, table.names.count <= 64 else {
      let members = Validator.hasDuplicateKeys(object) ? Validator.lastOccurrences(object) : object.members
      return membersDirect(table, members, nil, &value)
    }
    return withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { found in
      var seen: UInt64 = 0
      var duplicate = false
      for i in 0..<count {
        let key = object.members[i].key
        if let p = table.index(of: key) {
          found[i] = Int32(p)
          if seen & (1 << UInt64(p)) != 0 { duplicate = true }
          seen |= 1 << UInt64(p)
        } else {
          found[i] = -1
          var j = i + 1
          while j < count, !duplicate {
            if codePointsEqual(key, object.members[j].key) { duplicate = true }
            j += 1
          }
        }
        if duplicate { break }
      }
      if duplicate { return membersDirect(table, Validator.lastOccurrences(object), nil, &value) }
      return membersDirect(table, object.members, UnsafeBufferPointer(found), &value)
    }
  }

  /// The members' loop of ``objectDirect(_:_:)``; `found`, when given, holds each
  /// member's property index (-1 for none).
  private mutating func membersDirect(_ table: ObjectShape, _ members: [JSONMember],
                                      _ found: UnsafeBufferPointer<Int32>?, _ value: inout JSONValue) -> Bool
  {
    var members = members
    var valid = true
    var changed = false
    var removed: [Int] = []
    for i in members.indices {
      let key = members[i].key
      var child = members[i].value
      let warningsBefore = warnings.count
      var ok = true
      var matched = false
      directTokens.append(.key(key))
      let property: Int? = if let found { found[i] >= 0 ? Int(found[i]) : nil } else { table.index(of: key) }
      if let p = property {
        matched = true
        let target = table.nodes[p]
        if case .null = child, coercing, coercions.contains(.nullToAbsent), !table.isRequired[p] {
          // The trial: would the member fail as null? Then it is removed instead.
          var trial = child
          trialDepth += 1
          let passes = evaluateDirect(target, &trial)
          trialDepth -= 1
          if passes {
            ok = evaluateDirect(target, &child)
          } else {
            warnNullRemoved(target)
            removed.append(i)
          }
        } else {
          ok = evaluateDirect(target, &child)
        }
      }
      for entry in table.patterns {
        guard ok || !stopAtFirst, program.patterns[entry.pattern].matches(key) else { continue }
        matched = true
        if removed.last != i, !evaluateDirect(entry.node, &child) { ok = false }
      }
      if !matched {
        switch table.additional {
        case .any: break
        case .forbidden(let schemaPath):
          // The object's path, with the member in params (as the walk reports it).
          directTokens.removeLast()
          ok = failAdditional(schemaPath, key)
          directTokens.append(.key(key))
        case .schema(let node):
          ok = evaluateDirect(node, &child)
        }
      }
      directTokens.removeLast()
      if warnings.count != warningsBefore {
        members[i].value = child
        changed = true
      }
      if !ok {
        valid = false
        if stopAtFirst { return false }
      }
    }
    if changed {
      for i in removed.reversed() { members.remove(at: i) }
      value = .object(JSONObject(members))
    }
    return valid
  }

  /// `prefixItems` and `items`, item by item, as the walk's `begin` and `stepArray`.
  private mutating func arrayDirect(_ shape: Int, _ value: inout JSONValue) -> Bool {
    guard case .array(var items) = value, !items.isEmpty else { return true }
    let prefix = arrays[shape].prefix.count
    if prefix == 0, case .any = arrays[shape].rest { return true }
    var valid = true
    var changed = false
    for i in items.indices {
      let node: Int
      if i < prefix {
        node = arrays[shape].prefix[i]
      } else {
        switch arrays[shape].rest {
        case .any:
          if changed { value = .array(items) }
          return valid
        case .forbidden(let path):
          let ok = failItems(path, items.count, prefix)
          if changed { value = .array(items) }
          return valid && ok
        case .schema(let rest):
          node = rest
        }
      }
      let warningsBefore = warnings.count
      directTokens.append(.index(i))
      var child = items[i]
      let ok = evaluateDirect(node, &child)
      directTokens.removeLast()
      if warnings.count != warningsBefore {
        items[i] = child
        changed = true
      }
      if !ok {
        valid = false
        if stopAtFirst { return false }
      }
    }
    if changed { value = .array(items) }
    return valid
  }
}
