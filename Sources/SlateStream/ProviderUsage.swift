import SlateJSON

/// A provider's usage object (token counts …; its shape differs per provider) as the stream
/// carried it: a copy of its parsed nodes, built into a ``JSONValue`` only when ``value`` is
/// read. Most readers of a stream never read it, and building one for every usage event was
/// about a tenth of the 30 recordings' stream instructions (Gemini sends usage with every
/// chunk).
///
/// Equality is the values' (``JSONValue``'s `==`), compared in place
/// (``SlateJSON/JSONNode/isEqual(to:)-(JSONNode)``).
public struct ProviderUsage: Sendable, Equatable, CustomStringConvertible {
  private enum Storage: Sendable {
    case document(JSONDocumentCopy)
    case value(JSONValue)
  }

  private let storage: Storage

  /// A usage object built by the caller (a test, or a writer of deltas of its own).
  public init(_ value: JSONValue) { storage = .value(value) }

  /// The object read in place: its subtree copied, nothing built. O(subtree), one allocation.
  init(_ node: JSONNode) { storage = .document(node.copy()) }

  /// The usage object, built (O(size); each read builds it again).
  public var value: JSONValue {
    switch storage {
    case .document(let document): document.value
    case .value(let value): value
    }
  }

  /// Its canonical bytes (``JSONValue/canonicalBytes``), written from the nodes without
  /// building the value. O(size + Σ k·log k over objects of k members).
  public var canonicalBytes: [UInt8] {
    var out: [UInt8] = []
    var writer = CanonicalWriter()
    switch storage {
    case .document(let document): document.withRoot { writer.write($0, into: &out) }
    case .value(let value): writer.write(value, into: &out)
    }
    return out
  }

  public var description: String { String(decoding: canonicalBytes, as: UTF8.self) }

  /// Whether `node` holds the same value (``JSONValue``'s `==`), neither built.
  func isEqual(to node: JSONNode) -> Bool {
    switch storage {
    case .document(let document): document.withRoot { $0.isEqual(to: node) }
    case .value(let value): node.isEqual(to: value)
    }
  }

  public static func == (a: ProviderUsage, b: ProviderUsage) -> Bool {
    switch (a.storage, b.storage) {
    case (.value(let x), .value(let y)): x == y
    case (.document(let x), _): x.withRoot { b.isEqual(to: $0) }
    case (.value, .document(let y)): y.withRoot { a.isEqual(to: $0) }
    }
  }
}
