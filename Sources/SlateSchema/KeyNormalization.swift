@_spi(_Unicode) import Swift

/// How a key field's string is normalised before it is hashed into an ``IdempotencyKey``.
///
/// Declared per field in `x-slate-key` (never guessed), applied in this fixed order
/// whatever order the pack lists them in:
/// 1. `trim`: remove leading and trailing scalars with the Unicode `White_Space` property;
/// 2. `casefold`: full Unicode case folding (CaseFolding.txt statuses C and F: `ß` → `ss`,
///    `ﬁ` → `fi`), from the standard library's `Unicode.Scalar.Properties._caseFolded`
///    (SPI `_Unicode`). This is not `lowercased()`, which maps `ß` to itself and is
///    locale-free lower-casing, not folding;
/// 3. `nfc`: Unicode Normalization Form C, from the standard library (`_nfcCodeUnits`,
///    with the `_Unicode` SPI's NFD for folding). With both `casefold` and `nfc` the result
///    is NFC(casefold(NFD(s))), the canonical caseless form of Unicode §3.13 D145 (stated
///    with NFC instead of NFD: equal inputs give equal outputs either way).
///
/// No Foundation is involved: the toolchain's standard library carries the Unicode data.
/// Non-string key values are not normalised (numbers are canonical by value already).
public enum KeyNormalization: String, Sendable, CaseIterable, Hashable {
  case trim
  case casefold
  case nfc

  /// A set of steps as bits: what a compiled key field keeps.
  struct Steps: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let trim = Steps(rawValue: 1)
    static let casefold = Steps(rawValue: 2)
    static let nfc = Steps(rawValue: 4)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ steps: Set<KeyNormalization>) {
      var bits: Steps = []
      for step in steps {
        switch step {
        case .trim: bits.insert(.trim)
        case .casefold: bits.insert(.casefold)
        case .nfc: bits.insert(.nfc)
        }
      }
      self = bits
    }
  }

  /// Applies `steps` to `string` in the documented order. O(length).
  public static func apply(_ steps: Set<KeyNormalization>, to string: String) -> String {
    apply(bits: Steps(steps), to: string)
  }

  /// ``apply(_:to:)`` with the steps as bits.
  static func apply(bits steps: Steps, to string: String) -> String {
    if let ascii = applyToASCII(bits: steps, string) { return ascii }
    var s = string
    if steps.contains(.trim) { s = trim(s) }
    switch (steps.contains(.casefold), steps.contains(.nfc)) {
    case (true, true): s = nfc(foldedNFD(s))
    case (true, false): s = caseFold(s)
    case (false, true): s = nfc(s)
    case (false, false): break
    }
    return s
  }

  /// ``apply(_:to:)`` on an all-ASCII string, in one pass over its bytes; nil when the
  /// string is not ASCII. On ASCII, NFC and NFD change nothing, the `White_Space` scalars
  /// are U+0009–U+000D and U+0020, and full case folding is lower-casing A–Z.
  static func applyToASCII(_ steps: Set<KeyNormalization>, _ string: String) -> String? {
    applyToASCII(bits: Steps(steps), string)
  }

  static func applyToASCII(bits steps: Steps, _ string: String) -> String? {
    let folds = steps.contains(.casefold), trims = steps.contains(.trim)
    let done = string.utf8.withContiguousStorageIfAvailable { bytes -> String? in
      var start = 0
      var end = bytes.count
      for byte in bytes where byte >= 0x80 { return nil }
      if trims {
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
      }
      let kept = UnsafeBufferPointer(rebasing: bytes[start..<end])
      if !folds || !kept.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) {
        return start == 0 && end == bytes.count ? string : String(decoding: kept, as: UTF8.self)
      }
      return String(unsafeUninitializedCapacity: kept.count) { out in
        for (k, byte) in kept.enumerated() { out[k] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
        return kept.count
      }
    }
    return done ?? nil
  }

  /// Strips `White_Space` scalars from both ends.
  public static func trim(_ string: String) -> String {
    let scalars = string.unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
    return String(scalars[first...last])
  }

  /// Full case folding, scalar by scalar.
  public static func caseFold(_ string: String) -> String {
    if #available(macOS 13.0, iOS 16.0, watchOS 9.0, tvOS 16.0, *) {
      return folded(string.unicodeScalars, capacity: string.utf8.count)
    }
    return string.lowercased()
  }

  /// `caseFold(nfd(string))` in one pass: the folded scalars of the string's NFD, written
  /// as UTF-8 bytes (no intermediate string).
  static func foldedNFD(_ string: String) -> String {
    if #available(macOS 13.0, iOS 16.0, watchOS 9.0, tvOS 16.0, *) {
      return folded(string._nfd, capacity: string.utf8.count + 8)
    }
    return caseFold(string)
  }

  /// The full case folding of `scalars`, as a string. O(scalars).
  @available(macOS 13.0, iOS 16.0, watchOS 9.0, tvOS 16.0, *)
  private static func folded(_ scalars: some Sequence<Unicode.Scalar>, capacity: Int) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(capacity)
    for scalar in scalars {
      let v = scalar.value
      if v < 0x80 {
        // ASCII: folding is lower-casing A–Z.
        bytes.append(UInt8(truncatingIfNeeded: v >= 0x41 && v <= 0x5A ? v + 0x20 : v))
      } else {
        bytes.append(contentsOf: scalar.properties._caseFolded.utf8)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Normalization Form C.
  public static func nfc(_ string: String) -> String {
    String(decoding: string._nfcCodeUnits, as: UTF8.self)
  }

  /// Normalization Form D.
  static func nfd(_ string: String) -> String {
    if #available(macOS 13.0, iOS 16.0, watchOS 9.0, tvOS 16.0, *) {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(string.utf8.count + 8)
      for scalar in string._nfd { UTF8.encode(scalar) { bytes.append($0) } }
      return String(decoding: bytes, as: UTF8.self)
    }
    return string
  }
}
