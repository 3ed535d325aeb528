/// The parsed form of a ``Pattern``.
indirect enum PatternNode: Sendable, Equatable {
  case empty
  case scalar(UInt32)
  /// An index into ``PatternParser/sets``.
  case set(Int)
  case start
  case end
  case wordBoundary(Bool)
  case concatenation([PatternNode])
  case alternation([PatternNode])
  /// `max == nil` is unbounded.
  case repetition(PatternNode, min: Int, max: Int?)
}

/// A recursive-descent parser for ECMA-262 patterns in Unicode mode (§22.2.1,
/// [+UnicodeMode], [~UnicodeSetsMode], [+NamedCaptureGroups]).
///
/// Group nesting is bounded (``maxNesting``) so that a hostile pattern cannot exhaust the
/// stack. Complexity O(pattern length).
struct PatternParser {
  static let maxNesting = 64
  /// The largest `{n,m}` bound accepted before expansion is attempted.
  static let maxRepetition = 1000

  private let scalars: [UInt32]
  private var position = 0
  private var nesting = 0
  private(set) var sets: [ScalarSet] = []

  init(_ source: String) { scalars = source.unicodeScalars.map(\.value) }

  mutating func parse() throws(Pattern.Failure) -> PatternNode {
    let node = try parseDisjunction()
    if position < scalars.count {
      // Only an unmatched ")" stops the top-level disjunction early.
      throw invalid("unmatched \")\"")
    }
    return node
  }

  // MARK: Grammar

  private mutating func parseDisjunction() throws(Pattern.Failure) -> PatternNode {
    var branches = [try parseAlternative()]
    while peek == ascii("|") {
      position += 1
      branches.append(try parseAlternative())
    }
    return branches.count == 1 ? branches[0] : .alternation(branches)
  }

  private mutating func parseAlternative() throws(Pattern.Failure) -> PatternNode {
    var terms: [PatternNode] = []
    while let c = peek, c != ascii("|"), c != ascii(")") {
      terms.append(try parseTerm())
    }
    switch terms.count {
    case 0: return .empty
    case 1: return terms[0]
    default: return .concatenation(terms)
    }
  }

  private mutating func parseTerm() throws(Pattern.Failure) -> PatternNode {
    let start = position
    let c = scalars[position]
    // Assertions take no quantifier in Unicode mode.
    switch c {
    case ascii("^"):
      position += 1
      try refuseQuantifier()
      return .start
    case ascii("$"):
      position += 1
      try refuseQuantifier()
      return .end
    case ascii("\\") where position + 1 < scalars.count && (scalars[position + 1] == ascii("b") || scalars[position + 1] == ascii("B")):
      position += 2
      try refuseQuantifier()
      return .wordBoundary(scalars[start + 1] == ascii("b"))
    default: break
    }
    let atom = try parseAtom()
    return try parseQuantifier(atom)
  }

  private mutating func refuseQuantifier() throws(Pattern.Failure) {
    if let c = peek, [ascii("*"), ascii("+"), ascii("?"), ascii("{")].contains(c) {
      throw invalid("nothing to repeat")
    }
  }

  private mutating func parseAtom() throws(Pattern.Failure) -> PatternNode {
    let c = scalars[position]
    switch c {
    case ascii("."):
      position += 1
      return addSet(ScalarSet.dot)
    case ascii("("):
      return try parseGroup()
    case ascii("["):
      return try parseClass()
    case ascii("\\"):
      position += 1
      return try parseAtomEscape()
    case ascii("*"), ascii("+"), ascii("?"):
      throw invalid("nothing to repeat")
    case ascii("{"):
      throw invalid("lone \"{\" (escape it as \\{)")
    case ascii("}"):
      throw invalid("lone \"}\" (escape it as \\})")
    case ascii("]"):
      throw invalid("lone \"]\" (escape it as \\])")
    default:
      position += 1
      return .scalar(c)
    }
  }

  private mutating func parseGroup() throws(Pattern.Failure) -> PatternNode {
    let open = position
    position += 1
    if peek == ascii("?") {
      position += 1
      switch peek {
      case ascii(":"):
        position += 1
      case ascii("="), ascii("!"):
        throw unsupported("lookahead assertions", at: open)
      case ascii("<"):
        position += 1
        if peek == ascii("=") || peek == ascii("!") { throw unsupported("lookbehind assertions", at: open) }
        try parseGroupName()
      default:
        if let c = peek, isASCIILetter(c) || c == ascii("-") {
          throw unsupported("modifier groups such as (?i:…)", at: open)
        }
        throw invalid("invalid group")
      }
    }
    nesting += 1
    guard nesting <= PatternParser.maxNesting else {
      throw unsupported("groups nested deeper than \(PatternParser.maxNesting)", at: open)
    }
    let body = try parseDisjunction()
    nesting -= 1
    guard peek == ascii(")") else { throw invalid("unterminated group", at: open) }
    position += 1
    return body
  }

  /// `GroupName :: < RegExpIdentifierName >` (the `<` already consumed).
  private mutating func parseGroupName() throws(Pattern.Failure) {
    let start = position
    while let c = peek, c != ascii(">") {
      guard let scalar = Unicode.Scalar(c) else { throw invalid("invalid group name") }
      let ok =
        position == start
        ? (scalar.properties.isIDStart || c == ascii("$") || c == ascii("_"))
        : (scalar.properties.isIDContinue || c == ascii("$") || c == 0x200C || c == 0x200D)
      guard ok else { throw invalid("invalid group name") }
      position += 1
    }
    guard peek == ascii(">"), position > start else { throw invalid("invalid group name", at: start) }
    position += 1
  }

  private mutating func parseQuantifier(_ atom: PatternNode) throws(Pattern.Failure) -> PatternNode {
    guard let c = peek else { return atom }
    let start = position
    var min = 0
    var max: Int?
    switch c {
    case ascii("*"):
      position += 1
    case ascii("+"):
      position += 1
      min = 1
    case ascii("?"):
      position += 1
      max = 1
    case ascii("{"):
      position += 1
      guard let low = parseDecimal() else { throw invalid("incomplete quantifier", at: start) }
      min = low
      max = low
      if peek == ascii(",") {
        position += 1
        max = parseDecimal()
      }
      guard peek == ascii("}") else { throw invalid("incomplete quantifier", at: start) }
      position += 1
      if let max, max < min { throw invalid("numbers out of order in {} quantifier", at: start) }
      if min > PatternParser.maxRepetition || (max ?? 0) > PatternParser.maxRepetition {
        throw unsupported("repetition counts above \(PatternParser.maxRepetition)", at: start)
      }
    default:
      return atom
    }
    if peek == ascii("?") { position += 1 }  // lazy: the same language
    return .repetition(atom, min: min, max: max)
  }

  /// DecimalDigits, saturating far above any accepted bound.
  private mutating func parseDecimal() -> Int? {
    var value: Int?
    while let c = peek, c >= ascii("0"), c <= ascii("9") {
      value = min((value ?? 0) * 10 + Int(c - ascii("0")), 1_000_000_000)
      position += 1
    }
    return value
  }

  // MARK: Escapes

  private mutating func parseAtomEscape() throws(Pattern.Failure) -> PatternNode {
    let start = position - 1
    guard let c = peek else { throw invalid("\\ at end of pattern", at: start) }
    if let set = try parseClassEscapeSet() { return addSet(set) }
    switch c {
    case ascii("1")...ascii("9"):
      throw unsupported("backreferences", at: start)
    case ascii("k"):
      throw unsupported("named backreferences", at: start)
    default:
      return .scalar(try parseCharacterEscape(inClass: false))
    }
  }

  /// `\d \D \s \S \w \W \p{…} \P{…}` at the current position (after the backslash), or nil.
  private mutating func parseClassEscapeSet() throws(Pattern.Failure) -> ScalarSet? {
    guard let c = peek else { return nil }
    switch c {
    case ascii("d"), ascii("D"), ascii("s"), ascii("S"), ascii("w"), ascii("W"):
      position += 1
      let base: ScalarSet =
        switch c {
        case ascii("d"), ascii("D"): ScalarSet.digits
        case ascii("s"), ascii("S"): ScalarSet.whiteSpace
        default: ScalarSet.wordCharacters
        }
      return isASCIIUppercase(c) ? base.complemented : base
    case ascii("p"), ascii("P"):
      let start = position - 1
      position += 1
      guard peek == ascii("{") else { throw invalid("\\p must be followed by {name}", at: start) }
      position += 1
      var name = ""
      while let n = peek, n != ascii("}") {
        guard let scalar = Unicode.Scalar(n) else { throw invalid("invalid property name", at: start) }
        name.unicodeScalars.append(scalar)
        position += 1
      }
      guard peek == ascii("}") else { throw invalid("unterminated \\p{", at: start) }
      position += 1
      guard let kind = UnicodeProperty.named(name) else {
        if UnicodeProperty.isKnownUnsupported(name) { throw unsupported("Script and Script_Extensions properties", at: start) }
        throw invalid("unknown Unicode property \"\(name)\"", at: start)
      }
      return ScalarSet.property(UnicodeProperty(kind: kind, negated: c == ascii("P")))
    default:
      return nil
    }
  }

  /// CharacterEscape (§22.2.1) in Unicode mode, after the backslash; `\b` and `\-` only in
  /// classes.
  private mutating func parseCharacterEscape(inClass: Bool) throws(Pattern.Failure) -> UInt32 {
    let start = position - 1
    let c = scalars[position]
    position += 1
    switch c {
    case ascii("t"): return 0x09
    case ascii("n"): return 0x0A
    case ascii("v"): return 0x0B
    case ascii("f"): return 0x0C
    case ascii("r"): return 0x0D
    case ascii("b") where inClass: return 0x08
    case ascii("-") where inClass: return c
    case ascii("0"):
      if let d = peek, d >= ascii("0"), d <= ascii("9") { throw invalid("\\0 followed by a digit", at: start) }
      return 0
    case ascii("c"):
      guard let letter = peek, isASCIILetter(letter) else { throw invalid("\\c must be followed by a letter", at: start) }
      position += 1
      return letter % 32
    case ascii("x"):
      guard let value = parseHex(digits: 2) else { throw invalid("\\x must be followed by two hex digits", at: start) }
      return value
    case ascii("u"):
      return try parseUnicodeEscape(start: start)
    default:
      // IdentityEscape[+UnicodeMode] :: SyntaxCharacter or "/".
      if Array("^$\\.*+?()[]{}|/".unicodeScalars).contains(where: { $0.value == c }) { return c }
      throw invalid("invalid escape (Unicode mode allows identity escapes of syntax characters only)", at: start)
    }
  }

  /// `\uHHHH`, a surrogate pair `\uD83D\uDE00`, or `\u{H…}` (after `\u`).
  private mutating func parseUnicodeEscape(start: Int) throws(Pattern.Failure) -> UInt32 {
    if peek == ascii("{") {
      position += 1
      var value: UInt32 = 0
      var digits = 0
      while let c = peek, let d = hexValue(c) {
        value = value * 16 + d
        digits += 1
        position += 1
        if value > 0x10FFFF { throw invalid("\\u{…} beyond U+10FFFF", at: start) }
      }
      guard digits > 0, peek == ascii("}") else { throw invalid("invalid \\u{…} escape", at: start) }
      position += 1
      return value
    }
    guard let lead = parseHex(digits: 4) else { throw invalid("\\u must be followed by four hex digits", at: start) }
    if (0xD800...0xDBFF).contains(lead), position + 1 < scalars.count, scalars[position] == ascii("\\"),
      scalars[position + 1] == ascii("u")
    {
      let save = position
      position += 2
      if let trail = parseHex(digits: 4), (0xDC00...0xDFFF).contains(trail) {
        return 0x10000 + ((lead - 0xD800) << 10) + (trail - 0xDC00)
      }
      position = save
    }
    return lead
  }

  private mutating func parseHex(digits: Int) -> UInt32? {
    guard position + digits <= scalars.count else { return nil }
    var value: UInt32 = 0
    for i in 0..<digits {
      guard let d = hexValue(scalars[position + i]) else { return nil }
      value = value * 16 + d
    }
    position += digits
    return value
  }

  // MARK: Classes

  private mutating func parseClass() throws(Pattern.Failure) -> PatternNode {
    let open = position
    position += 1
    var set = ScalarSet()
    if peek == ascii("^") {
      position += 1
      set.negated = true
    }
    while true {
      guard let c = peek else { throw invalid("unterminated character class", at: open) }
      if c == ascii("]") {
        position += 1
        break
      }
      let atomStart = position
      let first = try parseClassAtom()
      if peek == ascii("-"), position + 1 < scalars.count, scalars[position + 1] != ascii("]") {
        position += 1
        let second = try parseClassAtom()
        guard case .scalar(let low) = first, case .scalar(let high) = second else {
          throw invalid("a class escape cannot bound a range", at: atomStart)
        }
        guard low <= high else { throw invalid("range out of order in character class", at: atomStart) }
        set.add([low...high])
      } else {
        switch first {
        case .scalar(let value): set.add(value)
        case .set(let members): set.formUnion(members)
        }
      }
    }
    return addSet(set)
  }

  private enum ClassAtom {
    case scalar(UInt32)
    case set(ScalarSet)
  }

  private mutating func parseClassAtom() throws(Pattern.Failure) -> ClassAtom {
    let c = scalars[position]
    guard c == ascii("\\") else {
      position += 1
      return .scalar(c)
    }
    position += 1
    guard peek != nil else { throw invalid("\\ at end of pattern", at: position - 1) }
    if let set = try parseClassEscapeSet() { return .set(set) }
    if let d = peek, d >= ascii("1"), d <= ascii("9") { throw invalid("invalid class escape", at: position - 1) }
    return .scalar(try parseCharacterEscape(inClass: true))
  }

  // MARK: Helpers

  private mutating func addSet(_ set: ScalarSet) -> PatternNode {
    sets.append(set)
    return .set(sets.count - 1)
  }

  private var peek: UInt32? { position < scalars.count ? scalars[position] : nil }

  private func invalid(_ reason: String, at offset: Int? = nil) -> Pattern.Failure {
    Pattern.Failure(unsupported: false, offset: offset ?? position, reason: reason)
  }

  private func unsupported(_ what: String, at offset: Int) -> Pattern.Failure {
    Pattern.Failure(unsupported: true, offset: offset, reason: "\(what) are not supported")
  }
}

@inline(__always) private func ascii(_ c: Unicode.Scalar) -> UInt32 { c.value }

private func isASCIILetter(_ c: UInt32) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

private func isASCIIUppercase(_ c: UInt32) -> Bool { c >= 0x41 && c <= 0x5A }

private func hexValue(_ c: UInt32) -> UInt32? {
  switch c {
  case 0x30...0x39: c - 0x30
  case 0x41...0x46: c - 0x37
  case 0x61...0x66: c - 0x57
  default: nil
  }
}
