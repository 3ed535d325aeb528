/// Which nodes the validator may evaluate directly (``Validator/evaluateDirect(_:_:)``),
/// decided once per program.
extension SchemaProgram {
  /// The deepest native recursion a direct evaluation may take: a node whose schema is
  /// taller is left to the frame walk.
  static let directLimit: Int32 = 24

  /// Per node, its direct height, or 0 when it is not direct. A node is direct when
  /// every check is an assertion (no trial, no annotation, no branch) or one of `$ref`,
  /// `allOf`, `properties`/`patternProperties`/`additionalProperties` and
  /// `prefixItems`/`items` whose subschemas are all direct. Its height is 1 plus the
  /// greatest height of those subschemas: the nested evaluations (``Validator/depth``) its
  /// evaluation can take, at most ``directLimit``. A node on a reference cycle is never
  /// direct (its height would be unbounded). Computed by passes over the nodes, each
  /// fixing the nodes whose subschemas were all fixed before it: O(checks × limit).
  func directHeights() -> [Int32] {
    // -1: undecided; 0: not direct; > 0: the height.
    var height = [Int32](repeating: -1, count: nodes.count)
    var changed = true
    var pass: Int32 = 0
    while changed, pass <= SchemaProgram.directLimit {
      changed = false
      pass += 1
      for node in nodes.indices where height[node] < 0 {
        // The greatest height of the subschemas, nil while one is undecided, 0 when one is not direct.
        var tallest: Int32 = 0
        var decided = true
        var eligible = true
        func take(_ child: Int) {
          switch height[child] {
          case ..<0: decided = false
          case 0: eligible = false
          case let h: tallest = Swift.max(tallest, h)
          }
        }
        for i in nodes[node] {
          switch checks[i] {
          case .falseSchema, .type, .enumeration, .required, .minProperties, .maxProperties, .minItems, .maxItems,
            .uniqueItems, .minLength, .maxLength, .pattern, .bound, .multipleOf, .dependentRequired, .format:
            break
          case .ref(let target, _):
            take(target)
          case .allOf(let list, _):
            for branch in nodeLists[list] { take(branch) }
          case .object(let index):
            let shape = objects[index]
            for child in shape.nodes { take(child) }
            for entry in shape.patterns { take(entry.node) }
            if case .schema(let child) = shape.additional { take(child) }
          case .array(let index):
            let shape = arrays[index]
            for child in shape.prefix { take(child) }
            if case .schema(let child) = shape.rest { take(child) }
          case .anyOf, .oneOf, .not, .conditional, .propertyNames, .dependentSchemas, .contains,
            .unevaluatedProperties, .unevaluatedItems:
            eligible = false
          }
          if !eligible { break }
        }
        if !eligible || (decided && tallest + 1 > SchemaProgram.directLimit) {
          height[node] = 0
          changed = true
        } else if decided {
          height[node] = tallest + 1
          changed = true
        }
      }
    }
    // What is still undecided is on a cycle or too tall.
    return height.map { Swift.max($0, 0) }
  }
}
