import SlateJSON
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

extension ActionKey {
  /// This key in `scope`: the key the scope model derives everything from (see
  /// ``DispatchScope``).
  ///
  /// Same ``namespace``, ``readable`` and ``canonicalBytes``; ``hex`` is SHA-256 (lower-case
  /// hex) over the length-prefixed fields `"slate.scoped.v1"`, the scope's stored form
  /// (``DispatchScope/key``: `turn:<id>` or `project:<id>`) and this key's hex. So the same
  /// queue key gives one scoped key per turn in turn scope, and one per project in project
  /// scope. Complexity: one SHA-256 of about 100 bytes.
  public func scoped(_ scope: DispatchScope) -> ActionKey {
    var hasher = SHA256()
    hasher.updateField("slate.scoped.v1".utf8)
    hasher.updateField(scope.key.utf8)
    hasher.updateField(hex.utf8)
    return ActionKey(hex: hasher.finalize().hex, namespace: namespace, readable: readable, canonicalBytes: canonicalBytes)
  }

  /// The queue key of an entity: `namespace` (a queue) and its normalised key-field values,
  /// as the pack's validator would derive it (``IdempotencyKey/init(namespace:fields:)``;
  /// strings must already be normalised as the pack declares). Not scoped.
  public init(namespace: String, fields: [JSONValue]) {
    self.init(IdempotencyKey(namespace: namespace, fields: fields))
  }
}
