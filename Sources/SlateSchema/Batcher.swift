/// Size caps for one batch.
public struct BatchLimits: Sendable, Equatable {
  /// Most items (actions plus rejections) in one batch; at least 1.
  public var maxItems: Int
  /// Most bytes (actions' canonical payloads plus rejections' bytes) in one batch; an item
  /// larger than this travels alone.
  public var maxBytes: Int

  public init(maxItems: Int = 64, maxBytes: Int = 1 << 20) {
    self.maxItems = max(1, maxItems)
    self.maxBytes = max(1, maxBytes)
  }

  public static let `default` = BatchLimits()
}

/// Groups actions and rejections into ``ActionBatch``es as they arrive.
///
/// One batch is open per phase (items without a phase share one), so interleaved phases
/// stay apart. A batch closes when:
/// - its phase ends (``endPhase(_:)``);
/// - the caller declares a boundary (``boundary()``: every open batch, oldest first);
/// - it reaches ``BatchLimits/maxItems``, or the next item would take it past
///   ``BatchLimits/maxBytes`` (returned by ``add(_:)``);
/// - the stream ends (``finish()``).
/// Each item is hashed into its batch's content id as it arrives, so closing is O(1).
/// Complexity: O(item size) per item; memory O(open items).
public struct Batcher: Sendable {
  public let limits: BatchLimits
  private var open: [Open] = []
  private var sequence = 0
  /// Each action's payload is serialized here for its batch's digest.
  private var scratch = ActionBatch.CanonicalScratch()

  private struct Open: Sendable {
    var phase: String?
    var items: [ActionBatch.Item] = []
    var bytes = 0
    var hasher: SHA256

    /// A batch's items array is reserved for its item cap (up to 64) when it opens, so that
    /// it does not grow item by item.
    init(phase: String?, limits: BatchLimits) {
      self.phase = phase
      hasher = ActionBatch.contentHasher(phase: phase)
      items.reserveCapacity(min(limits.maxItems, 64))
    }
  }

  public init(limits: BatchLimits = .default) { self.limits = limits }

  /// Adds an action or a rejection; returns the batches this closed (by the size caps).
  public mutating func add(_ result: Result<Action, Rejection>) -> [ActionBatch] {
    switch result {
    case .success(let action): add(.action(action), phase: action.phase)
    case .failure(let rejection): add(.rejection(rejection), phase: rejection.phase)
    }
  }

  public mutating func add(_ action: Action) -> [ActionBatch] { add(.action(action), phase: action.phase) }

  public mutating func add(_ rejection: Rejection) -> [ActionBatch] { add(.rejection(rejection), phase: rejection.phase) }

  /// Closes the open batch of `phase`, if it has one.
  public mutating func endPhase(_ phase: String?) -> ActionBatch? {
    guard let slot = open.firstIndex(where: { $0.phase == phase }) else { return nil }
    return close(slot, .phaseEnd)
  }

  /// Closes every open batch, oldest first.
  public mutating func boundary() -> [ActionBatch] { closeAll(.boundary) }

  /// Closes every open batch at the end of the stream.
  public mutating func finish() -> [ActionBatch] { closeAll(.finish) }

  /// The phases with an open batch, oldest first.
  public var openPhases: [String?] { open.map(\.phase) }

  private mutating func add(_ item: ActionBatch.Item, phase: String?) -> [ActionBatch] {
    var closed: [ActionBatch] = []
    var slot = open.firstIndex(where: { $0.phase == phase }) ?? {
      open.append(Open(phase: phase, limits: limits))
      return open.count - 1
    }()
    // Hash into a copy first: if the item does not fit, it opens the next batch instead.
    var hasher = open[slot].hasher
    let size = ActionBatch.absorb(item, into: &hasher, scratch: &scratch)
    if !open[slot].items.isEmpty && open[slot].bytes + size > limits.maxBytes {
      closed.append(close(slot, .sizeCap))
      open.append(Open(phase: phase, limits: limits))
      slot = open.count - 1
      hasher = open[slot].hasher
      _ = ActionBatch.absorb(item, into: &hasher, scratch: &scratch)
    }
    open[slot].hasher = hasher
    open[slot].items.append(item)
    open[slot].bytes += size
    if open[slot].items.count >= limits.maxItems || open[slot].bytes >= limits.maxBytes {
      closed.append(close(slot, .sizeCap))
    }
    return closed
  }

  private mutating func close(_ slot: Int, _ reason: ActionBatch.CloseReason) -> ActionBatch {
    var batch = open.remove(at: slot)
    let id = batch.hasher.finalize().hex
    defer { sequence += 1 }
    return ActionBatch(id: id, phase: batch.phase, items: batch.items, sequence: sequence, closedBy: reason)
  }

  private mutating func closeAll(_ reason: ActionBatch.CloseReason) -> [ActionBatch] {
    var closed: [ActionBatch] = []
    while !open.isEmpty { closed.append(close(0, reason)) }
    return closed
  }
}
