import SlateDispatch

/// SplitMix64 (Steele, Lea and Flood, spelled out once in SlateDispatch's `SeededRandom`):
/// a tiny deterministic generator whose whole state is its seed, so that no library or
/// platform change alters a generated corpus. Every draw the generator makes is one of the
/// helpers below, never `Int.random(in:using:)`, whose algorithm the standard library may
/// change.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var base: SeededRandom

  public init(seed: UInt64) { base = SeededRandom(seed: seed) }

  public mutating func next() -> UInt64 { base.next() }

  /// A number in `0..<bound` (`next() % bound`; 0 when `bound` < 1). O(1).
  public mutating func below(_ bound: Int) -> Int {
    bound < 1 ? 0 : Int(next() % UInt64(bound))
  }

  /// A number in `range`. O(1).
  public mutating func within(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + below(range.upperBound - range.lowerBound + 1)
  }

  /// True with probability `percent`/100. O(1).
  public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

  /// One element of a non-empty array. O(1).
  public mutating func pick<T>(_ elements: [T]) -> T { elements[below(elements.count)] }

  /// `count` characters drawn from `alphabet` (ASCII), for ids and padding. O(count).
  public mutating func token(_ count: Int, from alphabet: String = SplitMix64.base62) -> String {
    let characters = Array(alphabet.utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    for _ in 0..<max(0, count) { bytes.append(characters[below(characters.count)]) }
    return String(decoding: bytes, as: UTF8.self)
  }

  public static let base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
  public static let hex = "0123456789abcdef"
}
