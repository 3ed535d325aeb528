// The framer's state machine on one screen. `State` says where the scanner is between two
// bytes and carries exactly what is valid there; beyond it the grammar remembers only the
// open containers (``ContainerStack``, simdjson's depth stack) and the framing around the
// values (`mode`, `frameDepth`, `framingOpen`). The framed value in progress and the names
// being matched live beside it (JSONFramer.swift), because they span many states.

extension JSONFramer {
  /// Where the scanner is between two bytes. Trivial (no references), so that setting it
  /// in the hot loops is a plain store.
  enum State {
    /// Between tokens, where whitespace is skipped: `Next` says what the grammar allows.
    case structure(Next)
    /// In a string's body; `key` for a member name.
    case string(key: Bool)
    /// In a string, inside a UTF-8 sequence cut by a chunk's end.
    case utf8(UTF8Sequence, key: Bool)
    /// In a string, inside an escape (a `\u` surrogate pair counts as one).
    case escape(Escape)
    /// In `true`, `false` or `null`.
    case literal(Literal)
    /// In a number, after what `NumberStep` names: a number ends at the byte after it.
    case number(NumberStep)
    /// An error at a non-ASCII byte: the rest of its UTF-8 sequence decides between the
    /// rejection and `json.invalid_utf8`.
    case classify(UTF8Sequence, Rejection)
    /// After an error (``diagnostic`` is set) or ``finish()`` (``diagnostic`` is nil).
    case stopped
  }

  /// What may come after whitespace (RFC 8259 §2, §4, §5, and the framing around them).
  enum Next: UInt8 {
    /// The framing's first byte (`array`, `field`, `auto`).
    case start
    /// A value: after ':' or after ',' in an array (or the one of `value`).
    case value
    /// After '[': a value or ']'.
    case arrayFirst
    /// After '{': a key or '}'.
    case objectFirst
    /// After ',' in an object: a key.
    case key
    /// After a key: ':'.
    case colon
    /// After the `field` framing's name in the top-level object: ':', then ``fieldArray``.
    case fieldColon
    /// After `"NAME":` in the top-level object of `field` framing: '['.
    case fieldArray
    /// After a value inside a container: ',' or the container's closing bracket.
    case afterValue
    /// `sequence` framing, between top-level values.
    case between
    /// `sequence` framing, right after a top-level number or literal: whitespace first.
    case adjacent
    /// After the value of `value` framing or the closed array of `array` / `field`.
    case trailing
  }

  /// RFC 8259 §6, named for what was read last.
  enum NumberStep: UInt8 { case minus, zero, integer, dot, fraction, exponentMark, exponentSign, exponent }

  /// `true`, `false` or `null` after its first byte: the bytes still expected, the next in
  /// the low byte (0 once complete).
  struct Literal {
    var first: UInt8
    var rest: UInt32
  }

  /// An escape from its '\' at text offset `start`, in a string (a member name when `key`).
  struct Escape {
    enum Step: UInt8 {
      /// After '\'.
      case afterBackslash
      /// The four hex digits of a `\u` escape.
      case hex
      /// After a high surrogate escape: its '\' partner, then 'u', then four hex digits.
      case lowBackslash, lowU, lowHex
    }
    var start: Int
    var step: Step
    var key: Bool
    /// The hex digits read so far and their value.
    var digits: UInt8 = 0
    var hex: UInt16 = 0
    /// The high surrogate, in the low steps.
    var high: UInt16 = 0
  }

  /// A UTF-8 sequence whose lead byte is at text offset `start`: `need` continuation bytes
  /// still expected, the next in `low...high` (RFC 3629 §4).
  struct UTF8Sequence {
    var start: Int
    var scalar: UInt32
    var lead: UInt8
    var need: UInt8
    var low: UInt8
    var high: UInt8
  }

  /// An error waiting for the rest of a non-ASCII byte's sequence: `expected`'s code at
  /// `offset`.
  struct Rejection {
    var offset: Int
    var expected: Expected
  }

  /// The framing once `auto` is decided.
  enum Mode: UInt8 { case undecided, array, sequence, field, value }

  /// Whether the framer has stopped (an error or ``finish()``).
  var isStopped: Bool {
    if case .stopped = state { return true }
    return false
  }
}
