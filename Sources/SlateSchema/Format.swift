/// The `format` values Slate can assert (2020-12 validation §7.3), each checked by the
/// grammar of its RFC over the string's UTF-8 bytes (ASCII only: a non-ASCII digit is never
/// a digit).
///
/// `format` is an annotation unless the pack or the action sets `x-slate-format-assert`;
/// then a string that does not match its format is `schema.format`. Other formats are
/// annotations always. Non-strings are ignored, as the specification says.
/// Complexity: linear in the string.
public enum Format: String, Sendable, CaseIterable {
  /// RFC 3339 §5.6 `date-time` (`T`/`Z` in either case; a leap second only at 23:59 UTC).
  case dateTime = "date-time"
  /// RFC 3339 `full-date`, with the days of each month (leap years included).
  case date
  /// RFC 3339 `full-time`: a time with its offset.
  case time
  /// RFC 3339 Appendix A `duration` (ISO 8601 without fractions).
  case duration
  /// RFC 5321 `Mailbox`: a dot-atom or quoted local part, a host name or an address literal.
  case email
  /// RFC 4122: 8-4-4-4-12 hexadecimal digits.
  case uuid
  /// RFC 3986 `URI` (absolute, with a scheme).
  case uri
  /// RFC 2673 dotted-quad: four decimal octets without leading zeros.
  case ipv4
  /// RFC 4291 §2.2 text forms, without zone or prefix.
  case ipv6

  /// Whether `s` is a valid instance of the format.
  public func matches(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { FormatScanner(bytes: $0).matches(self) }
  }
}

/// The grammars, over one buffer.
struct FormatScanner {
  let bytes: UnsafeBufferPointer<UInt8>

  func matches(_ format: Format) -> Bool {
    let all = 0..<bytes.count
    switch format {
    case .dateTime:
      guard let t = all.firstIndex(where: { bytes[$0] | 0x20 == UInt8(ascii: "t") }) else { return false }
      return date(0..<t) && time(t + 1..<bytes.count)
    case .date: return date(all)
    case .time: return time(all)
    case .duration: return duration()
    case .email: return email()
    case .uuid: return uuid()
    case .uri: return uri()
    case .ipv4: return ipv4(all)
    case .ipv6: return ipv6(all)
    }
  }

  // MARK: - Helpers

  static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
  static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) }
  static func isAlpha(_ c: UInt8) -> Bool { c | 0x20 >= 0x61 && c | 0x20 <= 0x7A }

  /// The value of exactly `count` ASCII digits at `at`, or nil.
  func digits(_ at: Int, _ count: Int) -> Int? {
    guard at >= 0, at + count <= bytes.count else { return nil }
    var n = 0
    for i in at..<at + count {
      guard FormatScanner.isDigit(bytes[i]) else { return nil }
      n = n * 10 + Int(bytes[i] - 0x30)
    }
    return n
  }

  func byte(_ i: Int) -> UInt8? { i >= 0 && i < bytes.count ? bytes[i] : nil }

  // MARK: - Dates and times (RFC 3339 §5.6)

  /// `full-date = date-fullyear "-" date-month "-" date-mday`.
  func date(_ r: Range<Int>) -> Bool {
    guard r.count == 10, byte(r.lowerBound + 4) == 0x2D, byte(r.lowerBound + 7) == 0x2D,
      let year = digits(r.lowerBound, 4), let month = digits(r.lowerBound + 5, 2),
      let day = digits(r.lowerBound + 8, 2), (1...12).contains(month), day >= 1
    else { return false }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return day <= days
  }

  /// `full-time = partial-time time-offset`; a leap second (`60`) only where the time in
  /// UTC is 23:59.
  func time(_ r: Range<Int>) -> Bool {
    let at = r.lowerBound
    guard r.count >= 9, byte(at + 2) == 0x3A, byte(at + 5) == 0x3A, let hour = digits(at, 2),
      let minute = digits(at + 3, 2), let second = digits(at + 6, 2), hour <= 23, minute <= 59, second <= 60
    else { return false }
    var i = at + 8
    if byte(i) == 0x2E {
      i += 1
      let start = i
      while i < r.upperBound, FormatScanner.isDigit(bytes[i]) { i += 1 }
      guard i > start else { return false }
    }
    guard i < r.upperBound else { return false }
    var offset = 0
    if bytes[i] | 0x20 == UInt8(ascii: "z") {
      guard i + 1 == r.upperBound else { return false }
    } else {
      guard bytes[i] == 0x2B || bytes[i] == 0x2D, i + 6 == r.upperBound, byte(i + 3) == 0x3A,
        let oh = digits(i + 1, 2), let om = digits(i + 4, 2), oh <= 23, om <= 59
      else { return false }
      offset = (oh * 60 + om) * (bytes[i] == 0x2B ? 1 : -1)
    }
    if second == 60 {
      let utc = ((hour * 60 + minute - offset) % 1440 + 1440) % 1440
      return utc == 23 * 60 + 59
    }
    return true
  }

  /// RFC 3339 Appendix A: `"P" (dur-date / dur-time / dur-week)`, each unit after the
  /// previous one's, none skipped in the middle (`P1Y2D` is not a duration).
  func duration() -> Bool {
    guard byte(0) == UInt8(ascii: "P") else { return false }
    var i = 1
    /// One `1*DIGIT unit` whose unit is in `units`; returns the unit.
    func element(_ units: [UInt8]) -> UInt8? {
      var j = i
      while j < bytes.count, FormatScanner.isDigit(bytes[j]) { j += 1 }
      guard j > i, j < bytes.count, units.contains(bytes[j]) else { return nil }
      i = j + 1
      return bytes[j]
    }
    /// A run of units in order, each optionally followed only by the next one.
    func chain(_ units: [UInt8]) -> Bool {
      var position = -1
      var any = false
      while i < bytes.count, bytes[i] != UInt8(ascii: "T") {
        let start = i
        guard let unit = element(units), let k = units.firstIndex(of: unit),
          position < 0 ? true : k == position + 1
        else {
          i = start
          return false
        }
        position = k
        any = true
      }
      return any
    }
    if i < bytes.count, bytes[i] != UInt8(ascii: "T") {
      let start = i
      if element([UInt8(ascii: "W")]) != nil { return i == bytes.count }
      i = start
      guard chain([UInt8(ascii: "Y"), UInt8(ascii: "M"), UInt8(ascii: "D")]) else { return false }
      if i == bytes.count { return true }
    }
    guard byte(i) == UInt8(ascii: "T") else { return false }
    i += 1
    return chain([UInt8(ascii: "H"), UInt8(ascii: "M"), UInt8(ascii: "S")]) && i == bytes.count
  }

  // MARK: - Internet addresses

  /// RFC 2673 §3.2 dotted-quad: `0`–`255`, no leading zero, ASCII digits.
  func ipv4(_ r: Range<Int>) -> Bool {
    var parts = 0
    var i = r.lowerBound
    while true {
      let start = i
      var value = 0
      while i < r.upperBound, FormatScanner.isDigit(bytes[i]), i - start < 3 {
        value = value * 10 + Int(bytes[i] - 0x30)
        i += 1
      }
      let count = i - start
      guard count > 0, value <= 255, count == 1 || bytes[start] != 0x30 else { return false }
      parts += 1
      if parts == 4 { return i == r.upperBound }
      guard i < r.upperBound, bytes[i] == 0x2E else { return false }
      i += 1
    }
  }

  /// RFC 4291 §2.2: eight groups of 1–4 hex digits, one `::` for a run of zero groups, and
  /// optionally the last 32 bits as a dotted quad.
  func ipv6(_ r: Range<Int>) -> Bool {
    guard r.count >= 2 else { return false }
    var groups = 0
    var compressed = false
    var i = r.lowerBound
    if bytes[i] == 0x3A {
      guard bytes[i + 1] == 0x3A else { return false }
      compressed = true
      i += 2
      if i == r.upperBound { return true }
    }
    while i < r.upperBound {
      let start = i
      while i < r.upperBound, FormatScanner.isHex(bytes[i]), i - start < 5 { i += 1 }
      if i < r.upperBound, bytes[i] == 0x2E {
        // The trailing dotted quad counts as two groups.
        guard ipv4(start..<r.upperBound) else { return false }
        groups += 2
        break
      }
      guard i > start, i - start <= 4 else { return false }
      groups += 1
      if i == r.upperBound { break }
      guard bytes[i] == 0x3A else { return false }
      i += 1
      if i < r.upperBound, bytes[i] == 0x3A {
        guard !compressed else { return false }
        compressed = true
        i += 1
        if i == r.upperBound { break }
      } else if i == r.upperBound {
        return false  // a single trailing colon
      }
    }
    return compressed ? groups <= 7 : groups == 8
  }

  /// RFC 952/1123 host name labels: letters, digits and inner hyphens, 1–63 each.
  func hostname(_ r: Range<Int>) -> Bool {
    guard !r.isEmpty, r.count <= 253 else { return false }
    var start = r.lowerBound
    for i in r.lowerBound...r.upperBound where i == r.upperBound || bytes[i] == 0x2E {
      let label = start..<i
      guard !label.isEmpty, label.count <= 63, bytes[label.lowerBound] != 0x2D, bytes[i - 1] != 0x2D,
        label.allSatisfy({ FormatScanner.isAlpha(bytes[$0]) || FormatScanner.isDigit(bytes[$0]) || bytes[$0] == 0x2D })
      else { return false }
      start = i + 1
    }
    return true
  }

  /// RFC 5321 §4.1.2 `Mailbox = Local-part "@" ( Domain / address-literal )`.
  func email() -> Bool {
    var i = 0
    if byte(0) == 0x22 {
      // Quoted-string: qtextSMTP or a backslash pair, up to the closing quote.
      i = 1
      while i < bytes.count, bytes[i] != 0x22 {
        let c = bytes[i]
        if c == 0x5C {
          guard let next = byte(i + 1), next >= 0x20, next <= 0x7E else { return false }
          i += 2
        } else {
          guard c >= 0x20, c <= 0x7E else { return false }
          i += 1
        }
      }
      guard i < bytes.count else { return false }
      i += 1
    } else {
      // Dot-string: atoms of atext joined by single dots.
      var atom = 0
      while i < bytes.count, bytes[i] != 0x40 {
        let c = bytes[i]
        if c == 0x2E {
          guard atom > 0 else { return false }
          atom = 0
        } else {
          guard FormatScanner.isAtext(c) else { return false }
          atom += 1
        }
        i += 1
      }
      guard atom > 0 else { return false }
    }
    guard byte(i) == 0x40 else { return false }
    let domain = i + 1..<bytes.count
    guard !domain.isEmpty else { return false }
    if bytes[domain.lowerBound] == 0x5B {
      guard bytes[bytes.count - 1] == 0x5D else { return false }
      let inner = domain.lowerBound + 1..<bytes.count - 1
      let tag = Array("IPv6:".utf8)
      if inner.count > tag.count, zip(bytes[inner.lowerBound..<inner.lowerBound + tag.count], tag).allSatisfy({ $0 == $1 }) {
        return ipv6(inner.lowerBound + tag.count..<inner.upperBound)
      }
      return ipv4(inner)
    }
    return hostname(domain)
  }

  /// RFC 5322 `atext`.
  static func isAtext(_ c: UInt8) -> Bool {
    isAlpha(c) || isDigit(c) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(c)
  }

  // MARK: - UUID and URI

  func uuid() -> Bool {
    guard bytes.count == 36 else { return false }
    for (i, c) in bytes.enumerated() {
      if i == 8 || i == 13 || i == 18 || i == 23 {
        guard c == 0x2D else { return false }
      } else if !FormatScanner.isHex(c) {
        return false
      }
    }
    return true
  }

  static func isUnreserved(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) || c == 0x2D || c == 0x2E || c == 0x5F || c == 0x7E }
  static func isSubDelim(_ c: UInt8) -> Bool { "!$&'()*+,;=".utf8.contains(c) }

  /// Whether `r` is made of unreserved, sub-delims, percent-encodings and `extra` bytes.
  func uriChars(_ r: Range<Int>, _ extra: String) -> Bool {
    var i = r.lowerBound
    while i < r.upperBound {
      let c = bytes[i]
      if c == 0x25 {
        guard i + 3 <= r.upperBound,
          FormatScanner.isHex(bytes[i + 1]), FormatScanner.isHex(bytes[i + 2])
        else { return false }
        i += 3
        continue
      }
      guard FormatScanner.isUnreserved(c) || FormatScanner.isSubDelim(c) || extra.utf8.contains(c) else { return false }
      i += 1
    }
    return true
  }

  /// RFC 3986 §3: `scheme ":" hier-part [ "?" query ] [ "#" fragment ]`.
  func uri() -> Bool {
    guard let colon = bytes.firstIndex(of: 0x3A), colon > 0, FormatScanner.isAlpha(bytes[0]),
      bytes[1..<colon].allSatisfy({ FormatScanner.isAlpha($0) || FormatScanner.isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
    else { return false }
    let end = bytes.count
    let hash = bytes[colon...].firstIndex(of: 0x23) ?? end
    let question = bytes[colon..<hash].firstIndex(of: 0x3F) ?? hash
    if hash < end, !uriChars(hash + 1..<end, ":@/?") { return false }
    if question < hash, !uriChars(question + 1..<hash, ":@/?") { return false }
    var path = colon + 1..<question
    if path.count >= 2, bytes[path.lowerBound] == 0x2F, bytes[path.lowerBound + 1] == 0x2F {
      let authorityStart = path.lowerBound + 2
      let authorityEnd = bytes[authorityStart..<question].firstIndex(of: 0x2F) ?? question
      guard authority(authorityStart..<authorityEnd) else { return false }
      path = authorityEnd..<question
    }
    return uriChars(path, ":@/")
  }

  /// `authority = [ userinfo "@" ] host [ ":" port ]`.
  func authority(_ r: Range<Int>) -> Bool {
    var hostStart = r.lowerBound
    if let at = bytes[r].lastIndex(of: 0x40) {
      guard uriChars(r.lowerBound..<at, ":") else { return false }
      hostStart = at + 1
    }
    var hostEnd = r.upperBound
    if byte(hostStart) == 0x5B {
      guard let close = bytes[hostStart..<r.upperBound].firstIndex(of: 0x5D), ipv6(hostStart + 1..<close) else {
        return false
      }
      hostEnd = close + 1
      guard hostEnd == r.upperBound || bytes[hostEnd] == 0x3A else { return false }
    } else if let colon = bytes[hostStart..<r.upperBound].lastIndex(of: 0x3A) {
      hostEnd = colon
    }
    if hostEnd < r.upperBound {
      guard bytes[hostEnd + 1..<r.upperBound].allSatisfy(FormatScanner.isDigit) else { return false }
    }
    // reg-name (an IPv4 address is a reg-name too, structurally).
    return byte(hostStart) == 0x5B || uriChars(hostStart..<hostEnd, "")
  }
}
