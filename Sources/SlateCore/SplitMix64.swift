/// SplitMix64 (Steele, Lea and Flood): a tiny deterministic generator whose whole state is
/// its seed, so that a run, a generated corpus, a chunking or a fault plan reproduces from
/// its seed on every platform and with every standard library. The one seeded generator of
/// the engine, the tests, the fuzz checks and the benchmarks.
///
/// The draws below (``below(_:)``, ``within(_:)``, ``chance(_:)``, ``pick(_:)``,
/// ``token(_:from:)``) are spelled out so that no library change alters what a seed gives;
/// `Int.random(in:using:)` and `shuffled(using:)` depend on the standard library's
/// algorithms and are used only where that is acceptable (tests).
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  /// The whole state: the seed advanced by the golden gamma once per draw.
  @usableFromInline var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits. O(1).
  @inlinable
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z &>> 31)
  }

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
