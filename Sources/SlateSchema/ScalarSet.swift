/// A set of Unicode scalars for the regular-expression engine (``Pattern``): sorted,
/// disjoint ranges plus Unicode property predicates, optionally complemented.
///
/// `contains` is O(log ranges + properties) and never allocates.
struct ScalarSet: Sendable, Equatable {
  /// Sorted, merged, non-adjacent ranges.
  private(set) var ranges: [ClosedRange<UInt32>] = []
  /// Property predicates (`\p{…}` and `\P{…}` inside and outside classes).
  private(set) var properties: [UnicodeProperty] = []
  /// `[^…]`: the complement of everything above.
  var negated = false

  init() {}

  init(ranges: [ClosedRange<UInt32>]) { add(ranges) }

  func contains(_ scalar: UInt32) -> Bool {
    var low = 0
    var high = ranges.count
    while low < high {
      let mid = (low + high) / 2
      if ranges[mid].upperBound < scalar {
        low = mid + 1
      } else {
        high = mid
      }
    }
    var found = low < ranges.count && ranges[low].contains(scalar)
    if !found, !properties.isEmpty, let value = Unicode.Scalar(scalar) {
      found = properties.contains { $0.matches(value) }
    }
    return found != negated
  }

  mutating func add(_ scalar: UInt32) { add([scalar...scalar]) }

  mutating func add(_ more: [ClosedRange<UInt32>]) {
    let all = (ranges + more).sorted { $0.lowerBound < $1.lowerBound }
    var merged: [ClosedRange<UInt32>] = []
    for range in all {
      if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
        merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
      } else {
        merged.append(range)
      }
    }
    ranges = merged
  }

  /// Adds every member of `other` (a set that is not itself complemented).
  mutating func formUnion(_ other: ScalarSet) {
    add(other.ranges)
    properties.append(contentsOf: other.properties)
  }

  /// The same members, as ranges only (for `\D`, `\S`, `\W`).
  var complemented: ScalarSet { ScalarSet(ranges: ScalarSet.complement(ranges)) }

  static func property(_ property: UnicodeProperty) -> ScalarSet {
    var set = ScalarSet()
    set.properties = [property]
    return set
  }

  /// The complement of sorted merged ranges within U+0000…U+10FFFF.
  static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
    var out: [ClosedRange<UInt32>] = []
    var next: UInt32 = 0
    for range in ranges {
      if range.lowerBound > next { out.append(next...(range.lowerBound - 1)) }
      next = range.upperBound &+ 1
    }
    if next <= 0x10FFFF { out.append(next...0x10FFFF) }
    return out
  }

  // MARK: ECMA-262 character class escapes (§22.2.2.9, CharacterClassEscape)

  /// `\d`: "the set of characters containing the characters 0 through 9 inclusive".
  static let digits = ScalarSet(ranges: [0x30...0x39])
  /// `\w` without the `i` flag: the 63 "WordCharacters" `[a-zA-Z0-9_]`.
  static let wordCharacters = ScalarSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
  /// `\s`: WhiteSpace (TAB, VT, FF, ZWNBSP, and category Zs) plus LineTerminator (LF, CR,
  /// LS, PS), Unicode 15 assignments.
  static let whiteSpace = ScalarSet(ranges: [
    0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029, 0x202F...0x202F,
    0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
  ])
  /// `.` without the `s` flag: everything but LineTerminator (LF, CR, U+2028, U+2029).
  static let dot: ScalarSet = {
    var set = ScalarSet(ranges: [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029])
    set.negated = true
    return set
  }()

  static func isWordCharacter(_ scalar: UInt32?) -> Bool {
    guard let scalar else { return false }
    return (scalar >= 0x30 && scalar <= 0x39) || (scalar >= 0x41 && scalar <= 0x5A) || scalar == 0x5F
      || (scalar >= 0x61 && scalar <= 0x7A)
  }
}

/// A Unicode property usable in `\p{…}`: General_Category values and groups, and the
/// binary properties the standard library exposes.
struct UnicodeProperty: Sendable, Equatable {
  enum Kind: Sendable, Equatable {
    /// A mask over ``UnicodeProperty/categoryBit(_:)``.
    case generalCategory(UInt32)
    case any, ascii, assigned
    case alphabetic, whiteSpace, uppercase, lowercase, cased, caseIgnorable, math, dash, diacritic, extender
    case hexDigit, asciiHexDigit, ideographic, unifiedIdeograph, idStart, idContinue, xidStart, xidContinue
    case noncharacter, defaultIgnorable, emoji, emojiPresentation, emojiModifier, emojiModifierBase
    case quotationMark, terminalPunctuation, sentenceTerminal, variationSelector, joinControl, patternWhiteSpace
    case patternSyntax, softDotted, radical, bidiControl, bidiMirrored, deprecated, logicalOrderException
  }

  var kind: Kind
  var negated: Bool

  func matches(_ scalar: Unicode.Scalar) -> Bool {
    let p = scalar.properties
    let result: Bool =
      switch kind {
      case .generalCategory(let mask): mask & (1 << UnicodeProperty.categoryBit(p.generalCategory)) != 0
      case .any: true
      case .ascii: scalar.value < 0x80
      case .assigned: p.generalCategory != .unassigned
      case .alphabetic: p.isAlphabetic
      case .whiteSpace: p.isWhitespace
      case .uppercase: p.isUppercase
      case .lowercase: p.isLowercase
      case .cased: p.isCased
      case .caseIgnorable: p.isCaseIgnorable
      case .math: p.isMath
      case .dash: p.isDash
      case .diacritic: p.isDiacritic
      case .extender: p.isExtender
      case .hexDigit: p.isHexDigit
      case .asciiHexDigit: p.isASCIIHexDigit
      case .ideographic: p.isIdeographic
      case .unifiedIdeograph: p.isUnifiedIdeograph
      case .idStart: p.isIDStart
      case .idContinue: p.isIDContinue
      case .xidStart: p.isXIDStart
      case .xidContinue: p.isXIDContinue
      case .noncharacter: p.isNoncharacterCodePoint
      case .defaultIgnorable: p.isDefaultIgnorableCodePoint
      case .emoji: p.isEmoji
      case .emojiPresentation: p.isEmojiPresentation
      case .emojiModifier: p.isEmojiModifier
      case .emojiModifierBase: p.isEmojiModifierBase
      case .quotationMark: p.isQuotationMark
      case .terminalPunctuation: p.isTerminalPunctuation
      case .sentenceTerminal: p.isSentenceTerminal
      case .variationSelector: p.isVariationSelector
      case .joinControl: p.isJoinControl
      case .patternWhiteSpace: p.isPatternWhitespace
      case .patternSyntax: p.isPatternSyntax
      case .softDotted: p.isSoftDotted
      case .radical: p.isRadical
      case .bidiControl: p.isBidiControl
      case .bidiMirrored: p.isBidiMirrored
      case .deprecated: p.isDeprecated
      case .logicalOrderException: p.isLogicalOrderException
      }
    return result != negated
  }

  /// The property named in `\p{name}` / `\p{General_Category=value}` (ECMA-262 table
  /// "Non-binary Unicode property aliases" and "Binary Unicode property aliases"), or nil.
  static func named(_ text: String) -> Kind? {
    var name = text
    if let equals = text.firstIndex(of: "=") {
      let property = text[..<equals]
      guard property == "General_Category" || property == "gc" else { return nil }
      name = String(text[text.index(after: equals)...])
      return categoryGroups[name].map(Kind.generalCategory)
    }
    if let mask = categoryGroups[name] { return .generalCategory(mask) }
    return binaryProperties[name]
  }

  /// Script and Script_Extensions are ECMA-262 properties the standard library does not
  /// expose publicly: reported as unsupported rather than invalid.
  static func isKnownUnsupported(_ text: String) -> Bool {
    ["Script", "sc", "Script_Extensions", "scx"].contains { text.hasPrefix($0 + "=") }
  }

  private static let categoryOrder: [Unicode.GeneralCategory] = [
    .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
    .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
    .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
    .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
    .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .privateUse, .unassigned,
  ]

  static func categoryBit(_ category: Unicode.GeneralCategory) -> UInt32 {
    UInt32(categoryOrder.firstIndex(of: category) ?? 29)
  }

  /// Short and long General_Category names (UCD PropertyValueAliases.txt), single values
  /// and the groups L, LC, M, N, P, S, Z, C.
  private static let categoryGroups: [String: UInt32] = {
    func mask(_ bits: ClosedRange<Int>) -> UInt32 { bits.reduce(0) { $0 | 1 << UInt32($1) } }
    let singles: [(String, String)] = [
      ("Lu", "Uppercase_Letter"), ("Ll", "Lowercase_Letter"), ("Lt", "Titlecase_Letter"), ("Lm", "Modifier_Letter"),
      ("Lo", "Other_Letter"), ("Mn", "Nonspacing_Mark"), ("Mc", "Spacing_Mark"), ("Me", "Enclosing_Mark"),
      ("Nd", "Decimal_Number"), ("Nl", "Letter_Number"), ("No", "Other_Number"), ("Pc", "Connector_Punctuation"),
      ("Pd", "Dash_Punctuation"), ("Ps", "Open_Punctuation"), ("Pe", "Close_Punctuation"),
      ("Pi", "Initial_Punctuation"), ("Pf", "Final_Punctuation"), ("Po", "Other_Punctuation"),
      ("Sm", "Math_Symbol"), ("Sc", "Currency_Symbol"), ("Sk", "Modifier_Symbol"), ("So", "Other_Symbol"),
      ("Zs", "Space_Separator"), ("Zl", "Line_Separator"), ("Zp", "Paragraph_Separator"), ("Cc", "Control"),
      ("Cf", "Format"), ("Cs", "Surrogate"), ("Co", "Private_Use"), ("Cn", "Unassigned"),
    ]
    var table: [String: UInt32] = [:]
    for (bit, names) in singles.enumerated() {
      table[names.0] = 1 << UInt32(bit)
      table[names.1] = 1 << UInt32(bit)
    }
    let groups: [([String], UInt32)] = [
      (["L", "Letter"], mask(0...4)), (["LC", "Cased_Letter"], mask(0...2)), (["M", "Mark", "Combining_Mark"], mask(5...7)),
      (["N", "Number"], mask(8...10)), (["P", "Punctuation", "punct"], mask(11...17)), (["S", "Symbol"], mask(18...21)),
      (["Z", "Separator"], mask(22...24)), (["C", "Other"], mask(25...29)),
    ]
    for (names, bits) in groups { for name in names { table[name] = bits } }
    table["Control"] = 1 << 25
    table["cntrl"] = 1 << 25
    table["digit"] = 1 << 8
    return table
  }()

  private static let binaryProperties: [String: Kind] = [
    "Any": .any, "ASCII": .ascii, "Assigned": .assigned,
    "Alphabetic": .alphabetic, "Alpha": .alphabetic, "White_Space": .whiteSpace, "space": .whiteSpace,
    "Uppercase": .uppercase, "Upper": .uppercase, "Lowercase": .lowercase, "Lower": .lowercase,
    "Cased": .cased, "Case_Ignorable": .caseIgnorable, "CI": .caseIgnorable, "Math": .math, "Dash": .dash,
    "Diacritic": .diacritic, "Dia": .diacritic, "Extender": .extender, "Ext": .extender,
    "Hex_Digit": .hexDigit, "Hex": .hexDigit, "ASCII_Hex_Digit": .asciiHexDigit, "AHex": .asciiHexDigit,
    "Ideographic": .ideographic, "Ideo": .ideographic, "Unified_Ideograph": .unifiedIdeograph, "UIdeo": .unifiedIdeograph,
    "ID_Start": .idStart, "IDS": .idStart, "ID_Continue": .idContinue, "IDC": .idContinue,
    "XID_Start": .xidStart, "XIDS": .xidStart, "XID_Continue": .xidContinue, "XIDC": .xidContinue,
    "Noncharacter_Code_Point": .noncharacter, "NChar": .noncharacter,
    "Default_Ignorable_Code_Point": .defaultIgnorable, "DI": .defaultIgnorable,
    "Emoji": .emoji, "Emoji_Presentation": .emojiPresentation, "EPres": .emojiPresentation,
    "Emoji_Modifier": .emojiModifier, "EMod": .emojiModifier, "Emoji_Modifier_Base": .emojiModifierBase,
    "EBase": .emojiModifierBase, "Quotation_Mark": .quotationMark, "QMark": .quotationMark,
    "Terminal_Punctuation": .terminalPunctuation, "Term": .terminalPunctuation,
    "Sentence_Terminal": .sentenceTerminal, "STerm": .sentenceTerminal,
    "Variation_Selector": .variationSelector, "VS": .variationSelector, "Join_Control": .joinControl,
    "Join_C": .joinControl, "Pattern_White_Space": .patternWhiteSpace, "Pat_WS": .patternWhiteSpace,
    "Pattern_Syntax": .patternSyntax, "Pat_Syn": .patternSyntax, "Soft_Dotted": .softDotted, "SD": .softDotted,
    "Radical": .radical, "Bidi_Control": .bidiControl, "Bidi_C": .bidiControl, "Bidi_Mirrored": .bidiMirrored,
    "Bidi_M": .bidiMirrored, "Deprecated": .deprecated, "Dep": .deprecated,
    "Logical_Order_Exception": .logicalOrderException, "LOE": .logicalOrderException,
  ]
}
