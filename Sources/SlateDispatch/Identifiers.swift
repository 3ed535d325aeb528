/// The id of one agent turn (the caller's, e.g. a UUID or `turn-42`).
public struct TurnID: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
  CustomStringConvertible
{
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  public init(_ rawValue: String) { self.rawValue = rawValue }
  public init(stringLiteral value: String) { self.rawValue = value }
  public var description: String { rawValue }
  public static func < (a: TurnID, b: TurnID) -> Bool { a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8) }
}

/// The id of the project a turn works on: the owner of the project tables.
public struct ProjectID: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
  CustomStringConvertible
{
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  public init(_ rawValue: String) { self.rawValue = rawValue }
  public init(stringLiteral value: String) { self.rawValue = value }
  public var description: String { rawValue }
  public static func < (a: ProjectID, b: ProjectID) -> Bool {
    a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8)
  }
}

/// Where an idempotency key is unique: within one turn (the default: a later turn may
/// write `scene:s12` again) or within the whole project (a key applied by any turn of the
/// project is a duplicate).
///
/// ## The scope model (the same for every ledger)
///
/// An action's **queue key** is its queue (the key's namespace) and its normalised key
/// fields (``ActionKey``, from the pack's `x-slate-key`). Its **scoped key** is the queue
/// key within the turn's scope (``ActionKey/scoped(_:)``: a digest of the scope's stored
/// form and the queue key's digest). Everything the dispatcher derives comes from the
/// scoped key:
/// - the action record is unique by `(scope, queue key)` (the ledger stores the queue key
///   and the scope side by side);
/// - the key a handler receives (``HandlerCall/key``) is the scoped key, so a handler that
///   passes it on (an `Idempotency-Key` header) is deduplicated exactly where the ledger is;
/// - outbox keys (``EffectRecord/key(action:kind:discriminator:)``) are derived from it;
/// - project-table rows are addressed by the scoped key of their entity's queue key: the
///   action's own by default, another entity's through ``HandlerCall/entityKey(namespace:fields:)``.
///
/// So, in **turn** scope, each turn's actions, effects and rows are its own: a later turn
/// that creates `ticket:T-1001` again applies it, queues its own effects and writes its own
/// row, and never overwrites an earlier turn's row (a turn-scoped turn is a unit of work
/// over its own copy of the entities it names). In **project** scope, actions, effects and
/// rows are shared by the project's turns: a key applied by any turn is a duplicate, its
/// effects are not queued again, an update (`x-slate-upsert`) of `ticket:T-1001` by a later
/// turn changes the one row, and a turn whose actions were all duplicates ends `completed`.
public enum DispatchScope: Hashable, Sendable, CustomStringConvertible {
  case turn(TurnID)
  case project(ProjectID)

  /// Which of the two a turn uses (a ``TurnRecord`` stores the kind; the scope follows
  /// from the turn's id or project).
  public enum Kind: String, Sendable, CaseIterable { case turn, project }

  public var kind: Kind {
    switch self {
    case .turn: .turn
    case .project: .project
    }
  }

  /// The stored form: `turn:<id>` or `project:<id>`; a SQL ledger keeps it in one column
  /// of the unique index `(scope, key)`.
  public var key: String {
    switch self {
    case .turn(let id): "turn:" + id.rawValue
    case .project(let id): "project:" + id.rawValue
    }
  }

  /// Parses ``key``; nil for anything else.
  public init?(key: String) {
    if key.hasPrefix("turn:") {
      self = .turn(TurnID(String(key.dropFirst(5))))
    } else if key.hasPrefix("project:") {
      self = .project(ProjectID(String(key.dropFirst(8))))
    } else {
      return nil
    }
  }

  /// The scope of `kind` for a turn of `project`.
  public init(_ kind: Kind, turn: TurnID, project: ProjectID) {
    switch kind {
    case .turn: self = .turn(turn)
    case .project: self = .project(project)
    }
  }

  public var description: String { key }
}

/// A wall-clock instant: milliseconds since 1970-01-01T00:00:00Z.
///
/// Durable records carry wall-clock time because they outlive the process that wrote
/// them (a lease written by a process that died is read by another); intervals are
/// `Duration`s. Time comes from an injected ``WallClock``, so tests control it.
public struct Timestamp: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
  public let rawValue: Int64
  public init(rawValue: Int64) { self.rawValue = rawValue }
  public init(milliseconds: Int64) { self.rawValue = milliseconds }
  public var milliseconds: Int64 { rawValue }
  public static func < (a: Timestamp, b: Timestamp) -> Bool { a.rawValue < b.rawValue }

  /// This instant moved by `duration` (rounded down to the millisecond, saturating).
  public static func + (t: Timestamp, duration: Duration) -> Timestamp {
    Timestamp(milliseconds: t.rawValue.addingSaturating(duration.milliseconds))
  }

  /// The interval from `b` to `a`.
  public static func - (a: Timestamp, b: Timestamp) -> Duration {
    .milliseconds(a.rawValue.subtractingSaturating(b.rawValue))
  }

  public var description: String { "\(rawValue)ms" }
}

extension Duration {
  /// Whole milliseconds (rounded toward zero, saturating).
  public var milliseconds: Int64 {
    let (seconds, attoseconds) = components
    let whole = seconds.multipliedReportingOverflow(by: 1000)
    if whole.overflow { return seconds < 0 ? .min : .max }
    return whole.partialValue.addingSaturating(attoseconds / 1_000_000_000_000_000)
  }
}

extension Int64 {
  func addingSaturating(_ other: Int64) -> Int64 {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? (other > 0 ? .max : .min) : sum
  }

  func subtractingSaturating(_ other: Int64) -> Int64 {
    let (difference, overflow) = subtractingReportingOverflow(other)
    return overflow ? (other < 0 ? .max : .min) : difference
  }
}
