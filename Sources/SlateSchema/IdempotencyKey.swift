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
    var writer = FieldWriter(namespace: namespace)
    for field in fields { writer.append(field, steps: []) }
    self.init(namespace: namespace, bytes: writer.finish(), readable: writer.readable)
  }

  /// The canonical array of a key's fields and its readable form, written in one pass
  /// (the bytes are `JSONValue.array(fields).canonicalBytes`; a string field is written
  /// once, normalised, into both).
  struct FieldWriter {
    var bytes: [UInt8] = []
    var readable: String
    var count = 0

    init(namespace: String) {
      readable = namespace
      // Reserved before the first byte (an array literal would be allocated, then moved).
      bytes.reserveCapacity(48)
      bytes.append(UInt8(ascii: "["))
    }

    mutating func append(_ value: JSONValue, steps: KeyNormalization.Steps) {
      separate()
      if case .string(let s) = value {
        let normalised = steps.isEmpty ? s : KeyNormalization.apply(bits: steps, to: s)
        JSONValue.writeCanonicalString(normalised, into: &bytes)
        readable.append(normalised)
      } else {
        appendCanonical { JSONValue.writeCanonical(value, into: &$0) }
      }
    }

    /// ``append(_:steps:)`` for a document's node: the same bytes and readable form.
    mutating func append(_ node: JSONNode, steps: KeyNormalization.Steps) {
      if let string = node.stringBytes {
        append(.string(String(decoding: string, as: UTF8.self)), steps: steps)
      } else {
        separate()
        appendCanonical { $0.append(contentsOf: node.canonicalBytes) }
      }
    }

    /// Before a field: "," in the bytes, ":" then "/" in the readable form.
    private mutating func separate() {
      if count > 0 {
        bytes.append(UInt8(ascii: ","))
        readable.append("/")
      } else {
        readable.append(":")
      }
      count += 1
    }

    /// A non-string field: its canonical bytes, as they are in the readable form too.
    private mutating func appendCanonical(_ write: (inout [UInt8]) -> Void) {
      let start = bytes.count
      write(&bytes)
      readable.append(String(decoding: bytes[start...], as: UTF8.self))
    }

    mutating func finish() -> [UInt8] {
      bytes.append(UInt8(ascii: "]"))
      return bytes
    }
  }

  /// A content-addressed key: the whole payload identifies the action.
  public init(namespace: String, content: JSONValue) {
    self.init(namespace: namespace, contentBytes: content.canonicalBytes)
  }

  /// The same for a payload held as a document's node (without its members named
  /// `omitted`, when given: ``Action/payloadOmits``): the same key, nothing built.
  public init(namespace: String, content: JSONNode, omittingRootMembers omitted: UnsafeRawBufferPointer? = nil) {
    self.init(namespace: namespace, contentBytes: content.canonicalBytes(omittingRootMembers: omitted))
  }

  private init(namespace: String, contentBytes bytes: [UInt8]) {
    let digest = IdempotencyKey.digest(namespace, bytes)
    self.init(namespace: namespace, bytes: bytes, digest: digest, readable: namespace + "#" + String(digest.hex.prefix(12)))
  }

  /// A key from its canonical bytes and readable form (the digest is worked out here).
  init(namespace: String, bytes: [UInt8], readable: String) {
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
    hasher.updateField("slate.key.v1")
    hasher.updateField(namespace)
    hasher.updateField(bytes)
    return hasher.finalize()
  }
}

extension KeyDeclaration {
  /// The key of `payload` in `namespace`, or the pointers of the declared fields it lacks.
  /// One pass over the fields: each is resolved, normalised (a string, by its compiled
  /// steps) and written straight into the key's canonical bytes and readable form.
  public func key(for payload: JSONValue, namespace: String) -> Result<IdempotencyKey, MissingKeyFields> {
    key(namespace: namespace, resolve: { $0.resolve(in: payload) }, append: { $0.append($1, steps: $2) })
  }

  /// The same for a payload held as a document's node: the same key (bytes, digest,
  /// readable form) or the same missing fields, nothing built.
  public func key(for payload: JSONNode, namespace: String) -> Result<IdempotencyKey, MissingKeyFields> {
    key(namespace: namespace, resolve: { $0.resolve(in: payload) }, append: { $0.append($1, steps: $2) })
  }

  @inline(__always)
  private func key<Field>(namespace: String, resolve: (JSONPointer) -> Field?,
                          append: (inout IdempotencyKey.FieldWriter, Field, KeyNormalization.Steps) -> Void)
    -> Result<IdempotencyKey, MissingKeyFields>
  {
    var writer = IdempotencyKey.FieldWriter(namespace: namespace)
    var missing: [JSONPointer] = []
    for field in fields {
      guard let value = resolve(field.pointer) else {
        missing.append(field.pointer)
        continue
      }
      if missing.isEmpty { append(&writer, value, field.steps) }
    }
    if !missing.isEmpty { return .failure(MissingKeyFields(pointers: missing)) }
    return .success(IdempotencyKey(namespace: namespace, bytes: writer.finish(), readable: writer.readable))
  }
}

/// The declared key fields a payload does not have.
public struct MissingKeyFields: Error, Sendable, Equatable {
  public var pointers: [JSONPointer]
}
