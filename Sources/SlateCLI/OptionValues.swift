import ArgumentParser

/// Parsers for numeric option values: each accepts exactly the values of its range and
/// refuses anything else (a negative number, a number past the range, `inf`, `nan`, a
/// fraction where an integer is meant, a 30-digit number) with a usage error (exit 2) that
/// names the range. Used as `@Option(parsing: .unconditional, transform: OptionValues.integer(1...9))`:
/// `.unconditional` lets a value that starts with `-` reach the parser, so that
/// `--chunk-size -5` says what the range is rather than "missing value".
///
/// Limits of 0 mean the same thing in every command: nothing. A limit's range starts at 1
/// (0 is refused); there is no "unlimited" value.
enum OptionValues {
  /// An integer within `range`.
  static func integer(_ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
    { text in
      guard let value = Int(text), range.contains(value) else {
        throw ValidationError("'\(text)' is not an integer from \(range.lowerBound) to \(range.upperBound)")
      }
      return value
    }
  }

  /// An unsigned 64-bit integer (a seed): 0 to 18446744073709551615.
  static func seed(_ text: String) throws -> UInt64 {
    guard let value = UInt64(text) else {
      throw ValidationError("'\(text)' is not an integer from 0 to \(UInt64.max)")
    }
    return value
  }

  /// A duration within `range`: a decimal number of seconds (`120`, `1.5`, `2s`) or of
  /// milliseconds (`1500ms`). No exponent, no sign, never an infinity or NaN.
  static func duration(_ range: ClosedRange<Duration>) -> @Sendable (String) throws -> Duration {
    { text in
      let refuse = ValidationError(
        "'\(text)' is not a duration from \(describe(range.lowerBound)) to \(describe(range.upperBound)) "
          + "(seconds, or a number followed by s or ms)")
      var number = Substring(text)
      var unit: Int64 = 1_000_000  // microseconds per unit
      if number.hasSuffix("ms") {
        number = number.dropLast(2)
        unit = 1_000
      } else if number.hasSuffix("s") {
        number = number.dropLast()
      }
      let dots = number.filter { $0 == "." }.count
      guard !number.isEmpty, dots <= 1, number.first != ".", number.last != ".",
            number.allSatisfy({ $0 == "." || ("0"..."9").contains($0) })
      else { throw refuse }
      // Long inputs are out of any range this parser serves; refusing them first keeps the
      // arithmetic below within Int64.
      let whole = number.split(separator: ".", omittingEmptySubsequences: false)
      guard whole[0].count <= 12 else { throw refuse }
      var micros = Int64(whole[0])! * unit
      if whole.count == 2 {
        var scale = unit / 10
        for digit in whole[1] {
          micros += Int64(digit.wholeNumberValue!) * scale
          scale /= 10
        }
      }
      let value = Duration.microseconds(micros)
      guard range.contains(value) else { throw refuse }
      return value
    }
  }

  /// `1.5 s`, `250 ms`.
  static func describe(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    if seconds == 0 { return "\(attoseconds / 1_000_000_000_000_000) ms" }
    return attoseconds == 0 ? "\(seconds) s" : "\(Double(seconds) + Double(attoseconds) / 1e18) s"
  }
}

/// The ranges of the numeric options (README, "Options").
enum OptionRanges {
  /// Nesting depth: `--max-depth`.
  static let depth = 1...1_000_000
  /// Sizes in bytes: `--max-value-bytes`, `--max-line-bytes`, `--max-event-bytes`.
  static let bytes = 1...(1 << 40)
  /// Counts: `--max-values`, `--max-actions`.
  static let count = 1...(1 << 40)
  /// `--chunk-size`.
  static let chunkSize = 1...(1 << 30)
  /// Byte offsets and windows: `inspect --around`, `--window`.
  static let offset = 0...(1 << 48)
  /// `corpus generate --actions`.
  static let generatedActions = 1...1_000_000
  /// Delta sizes of a generated stream: `--delta-sizes MIN-MAX`.
  static let deltaSize = 1...(1 << 20)
  /// `--lease`.
  static let lease: ClosedRange<Duration> = .milliseconds(1)...(.seconds(86_400))
  /// Waits that may be none: `--base-delay`, `--max-delay`, `worker --delay`.
  static let delay: ClosedRange<Duration> = .zero...(.seconds(86_400))
  /// `--poll`.
  static let poll: ClosedRange<Duration> = .milliseconds(1)...(.seconds(3_600))
  /// `--max-attempts`.
  static let attempts = 1...1_000
  /// `worker --batch`.
  static let batch = 1...10_000
}
