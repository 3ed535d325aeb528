import SlateSchema

/// The stored form of an ``IdempotencyKey``: what a ledger keeps of it.
///
/// Identity is ``hex`` (the key's SHA-256 digest, which covers the namespace and the
/// canonical key bytes); ``namespace``, ``readable`` and ``canonicalBytes`` are kept so a
/// person (and the audit) can tell what the key names.
public struct ActionKey: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The digest in lower-case hexadecimal (64 characters): the unique key column.
  public let hex: String
  /// The key's namespace: the action's queue (`scene`, `character`, …).
  public let namespace: String
  /// `scene:s12`, `prop:red chair`, `image:s2/3`, `generate_image#…`.
  public let readable: String
  /// The canonical JSON of the key fields (or of the whole payload for a content key).
  public let canonicalBytes: [UInt8]

  public init(hex: String, namespace: String, readable: String, canonicalBytes: [UInt8]) {
    self.hex = hex
    self.namespace = namespace
    self.readable = readable
    self.canonicalBytes = canonicalBytes
  }

  public init(_ key: IdempotencyKey) {
    self.init(hex: key.hex, namespace: key.namespace, readable: key.readable, canonicalBytes: key.canonicalBytes)
  }

  public static func == (a: ActionKey, b: ActionKey) -> Bool { a.hex == b.hex }
  public func hash(into hasher: inout Hasher) { hasher.combine(hex) }
  public static func < (a: ActionKey, b: ActionKey) -> Bool { a.hex < b.hex }
  public var description: String { readable }
}
