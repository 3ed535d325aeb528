import SlateJSON

/// Validated actions and the rejections beside them, grouped for dispatch: one phase's
/// worth (or a size-capped part of it), in arrival order, with a stable content id.
///
/// The ``id`` is SHA-256 (lower-case hex) over length-prefixed fields: `"slate.batch.v1"`,
/// the phase (`0` when there is none, else `1` and its name), then per item in order: for
/// an action `A`, its type, key namespace, key canonical bytes and payload canonical
/// bytes; for a rejection `R`, its type (as the phase), its bytes, the number of errors and
/// each error's `code` and `instancePath`. The same content gives the same id in any run, on
/// any machine; ``sequence`` and ``closedBy`` are not content.
public struct ActionBatch: Sendable, Equatable, Identifiable {
  public enum Item: Sendable, Equatable {
    case action(Action)
    case rejection(Rejection)
  }

  /// Why a batch was closed.
  public enum CloseReason: String, Sendable, Equatable {
    /// The caller ended the batch's phase.
    case phaseEnd = "phase_end"
    /// The caller declared a boundary (every open batch closes).
    case boundary
    /// The batch reached ``BatchLimits/maxItems`` or ``BatchLimits/maxBytes``.
    case sizeCap = "size_cap"
    /// The stream finished.
    case finish
  }

  public let id: String
  public let phase: String?
  public let items: [Item]
  /// The batch's position among those a ``Batcher`` closed (0, 1, …).
  public let sequence: Int
  public let closedBy: CloseReason

  public init(phase: String?, items: [Item], sequence: Int = 0, closedBy: CloseReason = .boundary) {
    var hasher = ActionBatch.contentHasher(phase: phase)
    var scratch = CanonicalScratch()
    for item in items { _ = ActionBatch.absorb(item, into: &hasher, scratch: &scratch) }
    self.init(id: hasher.finalize().hex, phase: phase, items: items, sequence: sequence, closedBy: closedBy)
  }

  init(id: String, phase: String?, items: [Item], sequence: Int, closedBy: CloseReason) {
    self.id = id
    self.phase = phase
    self.items = items
    self.sequence = sequence
    self.closedBy = closedBy
  }

  public var actions: [Action] {
    items.compactMap { if case .action(let a) = $0 { a } else { nil } }
  }

  public var rejections: [Rejection] {
    items.compactMap { if case .rejection(let r) = $0 { r } else { nil } }
  }

  /// A hasher primed with the batch's header fields.
  static func contentHasher(phase: String?) -> SHA256 {
    var hasher = SHA256()
    hasher.updateField("slate.batch.v1")
    optionalField(phase, into: &hasher)
    return hasher
  }

  /// Where an action's payload is serialized for the digest: kept by its owner (a
  /// ``Batcher``) from item to item, so that neither the bytes nor the writer's stacks are
  /// allocated per action.
  struct CanonicalScratch: Sendable {
    var writer = CanonicalWriter()
    var bytes: [UInt8] = []
  }

  /// Hashes one item's content; returns its size for the byte cap (payload canonical bytes
  /// for an action, the value's bytes for a rejection).
  static func absorb(_ item: Item, into hasher: inout SHA256, scratch: inout CanonicalScratch) -> Int {
    switch item {
    case .action(let action):
      scratch.bytes.removeAll(keepingCapacity: true)
      action.writeCanonicalPayload(with: &scratch.writer, into: &scratch.bytes)
      hasher.updateField("A")
      hasher.updateField(action.type)
      hasher.updateField(action.key.namespace)
      hasher.updateField(action.key.canonicalBytes)
      hasher.updateField(scratch.bytes)
      return scratch.bytes.count
    case .rejection(let rejection):
      hasher.updateField("R")
      optionalField(rejection.type, into: &hasher)
      hasher.updateField(rejection.bytes)
      hasher.updateField(String(rejection.errors.count))
      for error in rejection.errors {
        hasher.updateField(error.code.rawValue)
        hasher.updateField(error.instancePath)
      }
      return rejection.bytes.count
    }
  }

  /// `0` for nil, else `1` then the text: nil and "" hash differently.
  private static func optionalField(_ text: String?, into hasher: inout SHA256) {
    if let text {
      hasher.updateField([1])
      hasher.updateField(text)
    } else {
      hasher.updateField([0])
    }
  }
}
