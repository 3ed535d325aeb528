import Testing

@testable import SlateSchema

/// The ECMA-262 (Unicode mode) pattern engine: semantics, refusals, linear time.
@Suite struct PatternTests {
  @Test(arguments: [
    ("a+", "xxaax", true),
    ("^a*$", "", true),
    ("^a*$", "aab", false),
    ("^s[0-9]{1,4}$", "s12", true),
    ("^s[0-9]{1,4}$", "s12345", false),
    ("^(ab|cd){2}$", "abcd", true),
    ("^(ab|cd){2}$", "abc", false),
    ("^a{2,}$", "a", false),
    ("^a{2,}$", "aaaa", true),
    ("^a??b$", "b", true),
    ("^[^a-c]+$", "xyz", true),
    ("^[^a-c]+$", "xbz", false),
    ("\\bcat\\b", "a cat sat", true),
    ("\\bcat\\b", "concatenate", false),
    ("\\Bcat", "concatenate", true),
    ("^.$", "\n", false),
    ("^.$", "\u{2028}", false),
    ("^.$", "💩", true),
    ("^\\d+$", "0123", true),
    ("^\\d$", "٣", false),  // ECMA \d is ASCII only (Swift Regex's \d matches it)
    ("^\\w+$", "é", false),  // ECMA \w is [A-Za-z0-9_]
    ("^\\s$", "\u{3000}", true),
    ("^\\S+$", "a\u{A0}", false),
    ("^\\p{Letter}+$", "Zoëé", true),
    ("^\\p{Letter}+$", "Zoë1", false),
    ("^\\p{Lu}\\p{Ll}+$", "Anna", true),
    ("^\\P{L}+$", "12-3", true),
    ("^\\p{gc=Nd}$", "٣", true),
    ("^[\\p{L}\\d_-]+$", "scene_12-b", true),
    ("^\\u{1F4A9}$", "💩", true),
    ("^\\uD83D\\uDCA9$", "💩", true),
    ("^\\x41\\u0042$", "AB", true),
    ("^[\\w-]+$", "a-b_c", true),
    ("^\\$\\^\\.\\*\\/$", "$^.*/", true),
    ("^(?:x|y)(?<n>z)$", "xz", true),
    ("^[\\b]$", "\u{8}", true),
    ("^\\cJ$", "\n", true),
    ("a|^b", "cb", false),
    ("a|^b", "bc", true),
    ("", "anything", true),
    ("^$", "", true),
    ("x$", "ax\n", false),
  ])
  func matches(pattern: String, input: String, expected: Bool) throws {
    let compiled = try Pattern(pattern)
    #expect(compiled.matches(input) == expected, "\(pattern) on \(input.debugDescription)")
  }

  @Test(arguments: [
    ("(?=a)", true), ("(?!a)b", true), ("(?<=a)b", true), ("(?<!a)b", true), ("(a)\\1", true),
    ("(?<x>a)\\k<x>", true), ("(?i:a)", true), ("\\p{Script=Greek}", true), ("(a{1000}){1000}", true),
    ("a{2000}", true),
    ("a{", false), ("a{1", false), ("a{2,1}", false), ("[b-a]", false), ("\\a", false), ("(", false), (")", false),
    ("*a", false), ("a**", false), ("\\p{Foo}", false), ("[", false), ("\\", false), ("]", false), ("}", false),
    ("^*", false), ("[\\d-z]", false), ("\\u{110000}", false), ("\\xZ1", false), ("\\c1", false), ("\\00", false),
  ] as [(String, Bool)])
  func refusals(pattern: String, unsupported: Bool) {
    do {
      _ = try Pattern(pattern)
      Issue.record("\(pattern) compiled")
    } catch {
      #expect(error.unsupported == unsupported, "\(pattern): \(error)")
      #expect(!error.reason.isEmpty)
    }
  }

  /// `(a*)*b` takes seconds with a backtracking engine on 24 a's; here it is linear.
  @Test func pathologicalPatternsRunInLinearTime() throws {
    let input = String(repeating: "a", count: 20_000)
    let nested = try Pattern("(a*)*b")
    let alternatives = try Pattern("^(a|aa)+$")
    let overlapping = try Pattern("(x+x+)+y")
    let clock = ContinuousClock()
    let elapsed = clock.measure {
      #expect(nested.matches(input) == false)
      #expect(alternatives.matches(input + "b") == false)
      #expect(overlapping.matches(String(repeating: "x", count: 5_000)) == false)
    }
    // A backtracking engine would not end on these inputs (seconds on 24 a's, doubling
    // with each more): a bound far above any loaded machine's linear run still tells.
    #expect(elapsed < .seconds(300), "took \(elapsed)")
  }

  @Test func errorOffsetsCountCodePoints() {
    do {
      _ = try Pattern("é💩(?=x)")
      Issue.record("compiled")
    } catch {
      #expect(error.offset == 2)
    }
  }
}
