import SlateJSON

/// What identifies the entity an action writes, so that a retried or repeated action is
/// recognised as the same one.
///
/// - ``namespace``: the action's queue (its type when no queue is declared);
/// - ``canonicalBytes``: the canonical JSON (`canonicalBytes`, RFC 8785 layout with exact
///   numbers) of the array of the declared key fields' values, strings normalised as
///   declared; for a content-addressed key (no `x-slate-key`), of the whole payload;
/// - ``digest``: SHA-256 over the length-prefixed fields `"slate.key.v1"`, namespace,
///   canonical bytes, so that no two (namespace, bytes) pairs share an input;
/// - ``readable``: `scene:s12`, `prop:red chair`, `shot:s12/3`, a singleton's bare
///   namespace, or `generate_image#` plus 12 hex digits for a content-addressed key. For
///   people: the digest and the bytes are what identify.
///
/// Because the bytes are canonical, the same entity written with its members in another
/// order, with other spacing, or with `12.0` for `12`, gives the same key.
public struct IdempotencyKey: Sendable, Hashable, CustomStringConvertible {
  public let namespace: String
  public let canonicalBytes: [UInt8]
  public let digest: SHA256.Digest
  public let readable: String

  /// A key from the normalised values of the declared fields (in declaration order).
  public init(namespace: String, fields: [JSONValue]) {
    let bytes = JSONValue.array(fields).canonicalBytes
    let parts = fields.map { field -> String in
      if case .string(let s) = field { return s }
      return field.canonicalString
    }
    self.init(namespace: namespace, bytes: bytes, readable: fields.isEmpty ? namespace : namespace + ":" + parts.joined(separator: "/"))
  }

  /// A content-addressed key: the whole payload identifies the action.
  public init(namespace: String, content: JSONValue) {
    let bytes = content.canonicalBytes
    let digest = IdempotencyKey.digest(namespace, bytes)
    self.init(namespace: namespace, bytes: bytes, digest: digest, readable: namespace + "#" + String(digest.hex.prefix(12)))
  }

  private init(namespace: String, bytes: [UInt8], readable: String) {
    self.init(namespace: namespace, bytes: bytes, digest: IdempotencyKey.digest(namespace, bytes), readable: readable)
  }

  private init(namespace: String, bytes: [UInt8], digest: SHA256.Digest, readable: String) {
    self.namespace = namespace
    self.canonicalBytes = bytes
    self.digest = digest
    self.readable = readable
  }

  /// The digest in lower-case hexadecimal.
  public var hex: String { digest.hex }

  public var description: String { readable }

  public static func == (a: IdempotencyKey, b: IdempotencyKey) -> Bool { a.digest == b.digest }

  public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

  private static func digest(_ namespace: String, _ bytes: [UInt8]) -> SHA256.Digest {
    var hasher = SHA256()
    hasher.updateField("slate.key.v1".utf8)
    hasher.updateField(namespace.utf8)
    hasher.updateField(bytes)
    return hasher.finalize()
  }
}

extension KeyDeclaration {
  /// The key of `payload` in `namespace`, or the pointers of the declared fields it lacks.
  public func key(for payload: JSONValue, namespace: String) -> Result<IdempotencyKey, MissingKeyFields> {
    var values: [JSONValue] = []
    var missing: [JSONPointer] = []
    for field in fields {
      guard let value = field.pointer.resolve(in: payload) else {
        missing.append(field.pointer)
        continue
      }
      if case .string(let s) = value, !field.normalization.isEmpty {
        values.append(.string(KeyNormalization.apply(field.normalization, to: s)))
      } else {
        values.append(value)
      }
    }
    if !missing.isEmpty { return .failure(MissingKeyFields(pointers: missing)) }
    return .success(IdempotencyKey(namespace: namespace, fields: values))
  }
}

/// The declared key fields a payload does not have.
public struct MissingKeyFields: Error, Sendable, Equatable {
  public var pointers: [JSONPointer]
}
