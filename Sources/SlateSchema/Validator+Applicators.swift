import SlateJSON

/// `dependentRequired`, and what the `unevaluated*` keywords collect.
///
/// `unevaluatedProperties`/`unevaluatedItems` (core §11) apply to the members or items
/// that no adjacent keyword of their schema evaluated, counting what successful in-place
/// subschemas (`$ref`, the passing `allOf`/`anyOf`/`oneOf` branches, the `if` that
/// passed with its `then`, or the `else`, `dependentSchemas`) evaluated. Slate does not
/// collect annotations during the walk (which would cost every validation); a schema with
/// an `unevaluated*` keyword recomputes them over its in-place subschemas when it meets an
/// object or array, trying the branches whose outcome decides (``Validator/walk()``). Cost: one more pass over
/// the in-place subschemas of that schema, per object or array it applies to.
extension Validator {
  /// "Validation succeeds if, for each name that appears in both the instance and as a
  /// name within this keyword's value, every item in the corresponding array is also the
  /// name of a property in the instance."
  mutating func checkDependentRequired(_ entries: [(String, [String])], _ path: Int, _ value: JSONValue) -> Bool {
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
}
