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
    if let simple = applyToSimpleScalars(bits: steps, string) { return simple }
    return applyUnicode(bits: steps, to: string)
  }

  /// ``apply(_:to:)`` through the standard library's Unicode steps, whatever the string
  /// holds (what the faster paths are compared with).
  static func applyUnicode(bits steps: Steps, to string: String) -> String {
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

  /// ``apply(_:to:)`` on a string whose scalars are all ``isSimple(_:)``, in one pass over
  /// its UTF-8 bytes; nil when one is not. Such a string is in NFC and NFD changes nothing
  /// that folding and recomposing do not undo, so the steps act scalar by scalar:
  /// - `trim`: the `White_Space` scalars among them are U+0009–U+000D, U+0020, U+0085 and
  ///   U+00A0;
  /// - `casefold`: A–Z and U+00C0–U+00DE (but U+00D7) gain 0x20, U+00B5 becomes U+03BC,
  ///   U+00DF becomes `ss` (CaseFolding.txt C and F); NFC(casefold(NFD(c))) is the same
  ///   scalar for each (the lower-case letter of a decomposed capital recomposes);
  /// - `nfc`: nothing.
  /// No output is longer than its input (each mapped scalar keeps its byte count).
  /// O(bytes); allocates only when a byte changes. The Unicode steps are the definition:
  /// `KeyFoldingTests` compares the two on every simple scalar and on seeded strings.
  static func applyToSimpleScalars(bits steps: Steps, _ string: String) -> String? {
    let folds = steps.contains(.casefold), trims = steps.contains(.trim)
    let done = string.utf8.withContiguousStorageIfAvailable { bytes -> String? in
      let n = bytes.count
      var i = 0
      while i < n {  // every scalar simple (the string is valid UTF-8: its sequences are whole)
        let b0 = bytes[i]
        switch b0 {
        case ..<0x80: i += 1
        case 0xC2, 0xC3: i += 2
        case 0xE0..<0xF0:
          let v = UInt32(b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
          guard isSimple(v) else { return nil }
          i += 3
        case 0xF0...:
          let v = UInt32(b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
            | UInt32(bytes[i + 3] & 0x3F)
          guard isSimple(v) else { return nil }
          i += 4
        default: return nil  // U+0100–U+07FF
        }
      }
      var start = 0
      var end = n
      if trims {
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        // U+0085 and U+00A0 are C2 85 and C2 A0 (C2 is never a continuation byte).
        @inline(__always) func isWideSpace(_ lead: UInt8, _ next: UInt8) -> Bool { lead == 0xC2 && (next == 0x85 || next == 0xA0) }
        while start < end {
          if isSpace(bytes[start]) {
            start += 1
          } else if end - start >= 2 && isWideSpace(bytes[start], bytes[start + 1]) {
            start += 2
          } else {
            break
          }
        }
        while end > start {
          if isSpace(bytes[end - 1]) {
            end -= 1
          } else if end - start >= 2 && isWideSpace(bytes[end - 2], bytes[end - 1]) {
            end -= 2
          } else {
            break
          }
        }
      }
      /// Whether folding changes the scalar whose lead byte is at `k`.
      @inline(__always) func foldChanges(_ k: Int) -> Bool {
        let b = bytes[k]
        if b < 0x80 { return b >= 0x41 && b <= 0x5A }
        if b == 0xC2 { return bytes[k + 1] == 0xB5 }
        if b == 0xC3 { return bytes[k + 1] <= 0x9F && bytes[k + 1] != 0x97 }
        return false
      }
      var changes = false
      if folds {
        for k in start..<end where foldChanges(k) {
          changes = true
          break
        }
      }
      let kept = UnsafeBufferPointer(rebasing: bytes[start..<end])
      if !changes { return start == 0 && end == n ? string : String(decoding: kept, as: UTF8.self) }
      return String(unsafeUninitializedCapacity: kept.count) { out in
        var k = start
        var o = 0
        while k < end {
          let b = bytes[k]
          if b < 0x80 {
            out[o] = b >= 0x41 && b <= 0x5A ? b + 0x20 : b
          } else if b == 0xC2 && bytes[k + 1] == 0xB5 {  // µ U+00B5 → μ U+03BC
            out[o] = 0xCE
            out[o + 1] = 0xBC
            k += 2
            o += 2
            continue
          } else if b == 0xC3 {
            let c = bytes[k + 1]
            if c == 0x9F {  // ß → ss
              out[o] = 0x73
              out[o + 1] = 0x73
            } else {
              out[o] = 0xC3
              out[o + 1] = c < 0x9F && c != 0x97 ? c + 0x20 : c
            }
            k += 2
            o += 2
            continue
          } else {
            out[o] = b  // the other bytes of a sequence that no step changes
          }
          k += 1
          o += 1
        }
        return o
      }
    }
    return done ?? nil
  }

  /// Scalars of three and four UTF-8 bytes that no step changes, each a starter that
  /// composes with nothing (no decomposition, no case folding, not `White_Space`, canonical
  /// combining class 0): dashes, quotes and bullets U+2010–U+2027, Miscellaneous Symbols
  /// U+2600–U+26FF, CJK Unified Ideographs U+4E00–U+9FFF, and the pictographs and emoji
  /// U+1F300–U+1FAFF. (Latin-1, the two-byte scalars the fast path takes, are mapped by it.)
  @inline(__always)
  static func isSimple(_ v: UInt32) -> Bool {
    (0x2010...0x2027).contains(v) || (0x2600...0x26FF).contains(v) || (0x4E00...0x9FFF).contains(v)
      || (0x1F300...0x1FAFF).contains(v)
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
