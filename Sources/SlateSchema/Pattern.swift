/// A compiled `pattern`: an ECMA-262 regular expression (Unicode mode, no flags) matched
/// without backtracking.
///
/// JSON Schema 2020-12 §6.3.3: "A string instance is considered valid if the regular
/// expression matches the instance successfully. Recall: regular expressions are not
/// implicitly anchored." Patterns are parsed with the `u` flag's grammar (ECMA-262
/// §22.2.1 with [+UnicodeMode]) and matched over Unicode scalars.
///
/// ## Supported subset
/// - alternation `|`, groups `( )`, non-capturing `(?: )`, named `(?<name> )`;
/// - quantifiers `*` `+` `?` `{n}` `{n,}` `{n,m}` and their lazy forms (laziness does not
///   change whether a match exists); a counted repetition is expanded, and a pattern
///   that expands beyond ``maxInstructions`` is refused;
/// - assertions `^` `$` (no multiline flag: start and end of input), `\b` `\B`;
/// - `.` (any scalar but LF, CR, U+2028, U+2029), classes `[…]` `[^…]` with ranges;
/// - escapes `\d \D \w \W \s \S` (ASCII digits and word characters, ECMA white space),
///   `\t \n \v \f \r \0`, `\cX`, `\xHH`, `\uHHHH` (surrogate pairs combine), `\u{…}`,
///   identity escapes of syntax characters and `/` (and `-` inside classes);
/// - `\p{…}` / `\P{…}`: General_Category values and groups (`L`, `Letter`, `Lu`,
///   `gc=Nd`, …) and the binary properties the standard library exposes (`Alphabetic`,
///   `White_Space`, `Emoji`, `ASCII`, `Any`, …).
///
/// Not supported, refused with `schema.unsupported_pattern`: backreferences (`\1`,
/// `\k<name>`), lookahead and lookbehind, modifier groups (`(?i:…)`), `Script=` properties.
/// Invalid Unicode-mode syntax (a lone `{`, `]`, an unknown escape such as `\a`) is
/// `schema.invalid_pattern`. No construct is ever matched with other semantics.
///
/// ## Complexity
/// Matching is a Pike VM (Thompson NFA simulation): O(scalars × instructions) time, never
/// exponential, and O(instructions) scratch memory taken from the stack for programs up to a
/// few thousand instructions. Compiling is O(pattern length + expanded size).
public struct Pattern: Sendable, Equatable {
  /// The largest program a pattern may compile to (after expanding counted repetitions).
  public static let maxInstructions = 10_000

  /// The source text, as written in the schema.
  public let source: String

  enum Instruction: Sendable, Equatable {
    case scalar(UInt32)
    case set(Int)
    case split(Int, Int)
    case jump(Int)
    case assertStart
    case assertEnd
    case wordBoundary(Bool)
    case match
  }

  let program: [Instruction]
  let sets: [ScalarSet]
  /// Every alternative begins with `^`: only position 0 can start a match.
  let anchoredAtStart: Bool

  /// Why a pattern did not compile; `offset` counts code points from the start.
  public struct Failure: Error, Sendable, Equatable {
    public var unsupported: Bool
    public var offset: Int
    public var reason: String
  }

  public init(_ source: String) throws(Failure) {
    self.source = source
    var parser = PatternParser(source)
    let tree = try parser.parse()
    var emitter = PatternEmitter()
    try emitter.emit(tree)
    emitter.program.append(.match)
    program = emitter.program
    sets = parser.sets
    anchoredAtStart = PatternEmitter.isAnchoredAtStart(tree)
  }

  /// Whether the pattern matches anywhere in `string`.
  public func matches(_ string: String) -> Bool {
    var iterator = string.unicodeScalars.makeIterator()
    return matches { iterator.next()?.value }
  }

  /// Whether the pattern matches anywhere in the valid UTF-8 `bytes` (a document's
  /// string: simdjson validated it), read scalar by scalar without a `String`.
  public func matches(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    return matches {
      if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar.value }
      return nil  // the end (valid input has no decoding error)
    }
  }

  /// The matcher over scalars that `nextScalar` gives in order (nil at the end).
  @inline(__always)
  private func matches(_ nextScalar: () -> UInt32?) -> Bool {
    let count = program.count
    return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 6 * count + 2) { scratch in
      var current = ThreadList(base: scratch.baseAddress!, capacity: count)
      var next = ThreadList(base: scratch.baseAddress! + 2 * count, capacity: count)
      let stack = scratch.baseAddress! + 4 * count
      var previous: UInt32? = nil
      var upcoming = nextScalar()
      var position = 0
      while true {
        if !anchoredAtStart || position == 0 {
          if addThread(0, to: &current, stack: stack, previous: previous, upcoming: upcoming) { return true }
        }
        guard let scalar = upcoming else { return false }
        let after = nextScalar()
        for i in 0..<current.count {
          let pc = Int(current.dense[i])
          let advances: Bool =
            switch program[pc] {
            case .scalar(let wanted): wanted == scalar
            case .set(let index): sets[index].contains(scalar)
            default: false
            }
          if advances, addThread(pc + 1, to: &next, stack: stack, previous: scalar, upcoming: after) { return true }
        }
        swap(&current, &next)
        next.count = 0
        if anchoredAtStart && current.count == 0 { return false }
        previous = scalar
        upcoming = after
        position += 1
      }
    }
  }

  /// Adds `start` and everything reachable from it without consuming input (the
  /// ε-closure), each program counter once. Returns true when `.match` is reachable.
  private func addThread(_ start: Int, to list: inout ThreadList, stack: UnsafeMutablePointer<Int32>,
                         previous: UInt32?, upcoming: UInt32?) -> Bool
  {
    var top = 0
    stack[0] = Int32(start)
    top = 1
    while top > 0 {
      top -= 1
      let pc = Int(stack[top])
      if list.contains(pc) { continue }
      list.insert(pc)
      switch program[pc] {
      case .match: return true
      case .jump(let target):
        stack[top] = Int32(target)
        top += 1
      case .split(let first, let second):
        stack[top] = Int32(second)
        stack[top + 1] = Int32(first)
        top += 2
      case .assertStart:
        if previous == nil {
          stack[top] = Int32(pc + 1)
          top += 1
        }
      case .assertEnd:
        if upcoming == nil {
          stack[top] = Int32(pc + 1)
          top += 1
        }
      case .wordBoundary(let wanted):
        if (ScalarSet.isWordCharacter(previous) != ScalarSet.isWordCharacter(upcoming)) == wanted {
          stack[top] = Int32(pc + 1)
          top += 1
        }
      case .scalar, .set: break
      }
    }
    return false
  }

  public static func == (a: Pattern, b: Pattern) -> Bool { a.source == b.source }
}

/// A sparse set of program counters (Briggs–Torczon): O(1) insert, membership and clear.
private struct ThreadList {
  let dense: UnsafeMutablePointer<Int32>
  let sparse: UnsafeMutablePointer<Int32>
  var count = 0

  init(base: UnsafeMutablePointer<Int32>, capacity: Int) {
    dense = base
    sparse = base + capacity
    // Membership is validated against `dense`, so stale `sparse` entries are harmless;
    // initialise anyway so that no uninitialised memory is ever read.
    (base).initialize(repeating: 0, count: 2 * capacity)
  }

  func contains(_ pc: Int) -> Bool {
    let slot = Int(sparse[pc])
    return slot < count && Int(dense[slot]) == pc
  }

  mutating func insert(_ pc: Int) {
    dense[count] = Int32(pc)
    sparse[pc] = Int32(count)
    count += 1
  }
}

/// Compiles a parsed pattern to Pike VM instructions.
struct PatternEmitter {
  var program: [Pattern.Instruction] = []

  mutating func emit(_ node: PatternNode) throws(Pattern.Failure) {
    switch node {
    case .empty: break
    case .scalar(let value): try append(.scalar(value))
    case .set(let index): try append(.set(index))
    case .start: try append(.assertStart)
    case .end: try append(.assertEnd)
    case .wordBoundary(let wanted): try append(.wordBoundary(wanted))
    case .concatenation(let parts): for part in parts { try emit(part) }
    case .alternation(let branches):
      // split L1, next; L1: b1; jump end; next: split L2, … ; last: bn; end:
      var jumps: [Int] = []
      for (i, branch) in branches.enumerated() {
        if i < branches.count - 1 {
          let split = program.count
          try append(.split(split + 1, 0))
          try emit(branch)
          jumps.append(program.count)
          try append(.jump(0))
          program[split] = .split(split + 1, program.count)
        } else {
          try emit(branch)
        }
      }
      for jump in jumps { program[jump] = .jump(program.count) }
    case .repetition(let body, let min, let max):
      for _ in 0..<min { try emit(body) }
      if let max {
        // Each optional copy: split body, end (patched once the end is known).
        var splits: [Int] = []
        for _ in min..<max {
          splits.append(program.count)
          try append(.split(0, 0))
          try emit(body)
        }
        for split in splits { program[split] = .split(split + 1, program.count) }
      } else {
        // loop: split body, exit; body; jump loop; exit:
        let loop = program.count
        try append(.split(0, 0))
        try emit(body)
        try append(.jump(loop))
        program[loop] = .split(loop + 1, program.count)
      }
    }
  }

  private mutating func append(_ instruction: Pattern.Instruction) throws(Pattern.Failure) {
    guard program.count < Pattern.maxInstructions else {
      throw Pattern.Failure(unsupported: true, offset: 0,
                            reason: "pattern expands beyond \(Pattern.maxInstructions) instructions")
    }
    program.append(instruction)
  }

  /// True when every way through the pattern starts with `^`.
  static func isAnchoredAtStart(_ node: PatternNode) -> Bool {
    switch node {
    case .start: true
    case .concatenation(let parts): parts.first.map(isAnchoredAtStart) ?? false
    case .alternation(let branches): branches.allSatisfy(isAnchoredAtStart)
    case .repetition(let body, let min, _): min > 0 && isAnchoredAtStart(body)
    default: false
    }
  }
}
