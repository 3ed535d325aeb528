import SlateCore
import SlateStream
import SlateJSON
import SlateSchema

/// One phase stream of a turn, end to end: raw bytes ─▶ ``ActionStream`` ─▶ schema pack
/// (``CompiledPack/classify(_:metadata:options:)``) ─▶ ``Batcher`` ─▶ ``ActionBatch``es
/// for the dispatcher.
///
/// Every ``StreamItem`` is passed on; after each committed value comes its
/// classification (``TurnItem/action(_:_:)`` or ``TurnItem/rejected(_:_:)``), and a batch
/// whenever the batcher closes one (by size, then all at ``finish(into:)``). Without a
/// pack the pipeline is the action stream alone.
///
/// With a pack, an answer that was prose (`stream.prose_text`, info) and a stream that
/// gave no action at all add one `turn.prose_without_actions` warning before the end.
///
/// Each value is classified once, from the document the stream kept (or the value it
/// built, ``ActionStreamOptions/valueForm``); a rejection keeps the value's source bytes,
/// and its errors carry byte ranges in the channel's text (located lazily, on the error
/// path only). Complexity: the stream's, plus
/// one validation walk and one key hash per value. Not `Sendable` (one task owns it).
public struct TurnPipeline {
  public let pack: CompiledPack?
  public let validation: ValidationOptions
  /// The phase given to every value's metadata (a turn directory's phase stream); nil
  /// leaves each action type's declared phase.
  public let phase: String?
  @usableFromInline var stream: ActionStream
  /// The pack's classifier, kept for the whole stream (one validator, reused value after value).
  var classifier: CompiledPack.Classifier?
  var batcher: Batcher
  @usableFromInline var items: [StreamItem] = []
  var actions = 0
  var rejected = 0
  var batches = 0
  /// The first `stream.prose_text` diagnostic: with a pack and no action at the end, it
  /// becomes a `turn.prose_without_actions` warning.
  var prose: StreamDiagnostic?

  /// A pipeline over `pack` (nil: the stream's items only). Values keep the form `options`
  /// give them (``ActionStreamOptions/valueForm``): kept as documents (the default), a
  /// value that validates with no coercion is classified, keyed and batched from its
  /// document, its action holding it (``Action/payloadDocument``), nothing built.
  public init(pack: CompiledPack?, options: ActionStreamOptions = .default, validation: ValidationOptions = .default,
              batchLimits: BatchLimits = .default, phase: String? = nil)
  {
    self.pack = pack
    self.validation = validation
    self.phase = phase
    var options = options
    if let pack, var rule = options.announcements, rule.discriminator == AnnouncementRule().discriminator {
      rule.discriminator = pack.pack.discriminator  // announce what the pack calls the type
      options.announcements = rule
    }
    self.stream = ActionStream(options: options)
    self.classifier = pack.map { CompiledPack.Classifier($0) }
    self.batcher = Batcher(limits: batchLimits)
  }

  public var options: ActionStreamOptions { stream.options }

  /// The dialect reading the stream: the one asked for, the one `auto` detected, or `auto`
  /// while undecided (``ActionStream/dialectKind``).
  public var dialectKind: DialectKind { stream.dialectKind }

  /// Reads the next chunk of raw bytes and appends what it completed.
  ///
  /// Inlinable, as ``ActionStream/feed(_:into:)`` is: a host feeding small chunks (a
  /// network's, down to single bytes) then pays no call per chunk into the pipeline and
  /// the stream's, only the stream's per-byte work (measured: a 1-byte chunk cost the
  /// pipeline ~119 instructions against the stream's ~59 while each was a call).
  @inlinable
  public mutating func feed(_ bytes: UnsafeRawBufferPointer, into out: inout [TurnItem]) {
    stream.feed(bytes, into: &items)
    // Most small chunks complete nothing: then nothing is routed (routing takes the
    // classifier out of `self` and back, which retains and releases what it holds).
    if !items.isEmpty { route(into: &out) }
  }

  /// Ends the input: the stream's tail, then every open batch; returns the summary.
  @discardableResult
  public mutating func finish(into out: inout [TurnItem]) -> TurnSummary {
    var streamSummary = stream.finish(into: &items)
    let prose = prose ?? items.lazy.compactMap(\.diagnostic).first { $0.code == "stream.prose_text" }
    if pack != nil, actions + rejected == 0, !items.contains(where: { $0.value != nil }), let prose,
       let end = items.lastIndex(where: { if case .end = $0 { true } else { false } })
    {
      // The pack expected actions and the answer was prose with none: a warning, not just the info line.
      items.insert(.diagnostic(StreamDiagnostic(
        code: "turn.prose_without_actions", severity: .warning, streamOffset: prose.streamOffset, textOffset: prose.textOffset,
        channel: prose.channel,
        message: "expected actions for pack \(pack!.pack.name); the answer text is prose and the stream gave no action")), at: end)
      streamSummary.diagnostics += 1
      items[end + 1] = .end(streamSummary)
    }
    route(into: &out)
    if pack != nil {
      for batch in batcher.finish() { emit(batch, into: &out) }
    }
    return TurnSummary(stream: streamSummary, actions: actions, rejected: rejected, batches: batches)
  }

  @usableFromInline
  mutating func route(into out: inout [TurnItem]) {
    // The items are moved into `out`, not copied: each is moved out of its slot, which is
    // initialised again with a placeholder (a diagnostic whose strings are empty, so it
    // holds no reference: initialising with it retains nothing), so that neither a copy's
    // retains nor the emptying's releases are paid per item. The array is taken out of
    // `self` for the loop (routing mutates the rest of `self`) and put back with its
    // capacity. With a pack, the classifier is taken out of `self` too and mutated in place
    // (no optional of it, nor the pack, is copied per item).
    var taken: [StreamItem] = []
    swap(&taken, &items)
    var classifier = self.classifier.take()
    let classifies = classifier != nil
    let placeholder = TurnPipeline.placeholder
    taken.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      for k in 0..<buffer.count {
        let slot = base + k
        // Matched in place: only a value (to classify) or a diagnostic (the prose check) is
        // bound; every other item (the deltas, most of them) is moved as it is.
        var value: StreamValue?
        switch slot.pointee {
        case .value(let committed) where classifies: value = committed
        case .diagnostic(let d) where prose == nil && d.code == "stream.prose_text": prose = d
        default: break
        }
        out.append(.stream(slot.move()))
        slot.initialize(to: placeholder)
        if let value { classify(value, with: &classifier!, into: &out) }
      }
    }
    self.classifier = classifier
    taken.removeAll(keepingCapacity: true)
    swap(&taken, &items)
  }

  /// What a routed item's slot holds until the slots are emptied (see ``route(into:)``).
  static let placeholder = StreamItem.diagnostic(StreamDiagnostic(code: "", severity: .info, streamOffset: 0, message: ""))

  /// Classifies one committed value, then hands the action or rejection to the batcher.
  mutating func classify(_ value: StreamValue, with classifier: inout CompiledPack.Classifier, into out: inout [TurnItem]) {
    // The batcher takes its copy first, so that the action (or rejection) and the value are
    // moved into `out` by their last use; the batches it closed follow them.
    let closed: [ActionBatch]
    let classified = if let document = value.document {
      classifier.classify(document: document, metadata: metadata(for: value), options: validation)
    } else {
      classifier.classify(value.value, metadata: metadata(for: value), options: validation)
    }
    switch classified {
    case .success(let action):
      actions += 1
      closed = batcher.add(action)
      out.append(.action(action, value))
    case .failure(var rejection):
      // Only a rejection keeps the value's source bytes: copied here, not for every value.
      rejection.bytes = Array(value.bytes.bytes)
      rejected += 1
      closed = batcher.add(rejection)
      out.append(.rejected(rejection, value))
    }
    for batch in closed { emit(batch, into: &out) }
  }

  mutating func emit(_ batch: ActionBatch, into out: inout [TurnItem]) {
    batches += 1
    out.append(.batch(batch))
  }

  /// What the pack needs to know about a value: its tool name, position, offsets, and a
  /// locator that finds an instance path's bytes in the channel's text (the source bytes
  /// are given to a rejection afterwards, see ``route(into:)``).
  func metadata(for value: StreamValue) -> ActionMetadata {
    let bytes = value.bytes
    let base = value.textRange.lowerBound
    let locator: InstanceLocator = { pointer in
      pointer.range(in: bytes).map { ($0.lowerBound + base)..<($0.upperBound + base) }
    }
    return ActionMetadata(toolName: value.toolName, phase: phase, index: value.index, rawOffset: value.streamOffset,
                          textRange: value.textRange, locator: locator)
  }
}

/// What a ``TurnPipeline`` reports, in stream order.
public enum TurnItem: Sendable {
  /// Everything the action stream reports (deltas, starts, values, diagnostics, the end).
  case stream(StreamItem)
  /// The value just before it is a valid action. (Indirect, as ``rejected(_:_:)``: held in
  /// a box of its own, so that the enum is the size of a ``StreamItem``, not of an action and
  /// its value; every delta of a stream is moved as one, and a box per action costs less.)
  indirect case action(Action, StreamValue)
  /// The value just before it is not a valid action.
  indirect case rejected(Rejection, StreamValue)
  /// A batch closed, ready to dispatch.
  indirect case batch(ActionBatch)
}

/// How a phase stream ended, and what its values became.
public struct TurnSummary: Sendable, Equatable {
  public var stream: StreamSummary
  public var actions: Int
  public var rejected: Int
  public var batches: Int
}

/// The pipeline is a push parser of raw provider bytes (its overloads come from SlateCore).
extension TurnPipeline: PushParser {}
