import SlateCore
import Synchronization

/// A seeded, deterministic plan of faults for drills and tests, applied by wrapping
/// handlers (``FaultInjector/wrap(_:)``). The CLI exposes it as `--fault crash-after=N`,
/// `--fault transient-rate=P`, `--fault timeout-rate=P`, `--fault seed=S`.
///
/// Per wrapped call, in order: with probability ``transientRate`` the call fails
/// `fault.transient` without reaching the handler; otherwise the handler runs; then, if
/// this is call number ``crashAfter`` (counting every wrapped call from 1), the host's crash
/// hook runs (the CLI ends the process; tests throw ``SimulatedCrash``); then, with
/// probability ``timeoutRate``, a successful call's answer is lost: `fault.timeout`, an
/// ambiguous failure after the handler's effect happened.
public struct FaultPlan: Sendable, Hashable {
  public var crashAfter: Int?
  public var transientRate: Double
  public var timeoutRate: Double
  public var seed: UInt64

  public init(crashAfter: Int? = nil, transientRate: Double = 0, timeoutRate: Double = 0, seed: UInt64 = 0) {
    self.crashAfter = crashAfter
    self.transientRate = transientRate
    self.timeoutRate = timeoutRate
    self.seed = seed
  }

  /// A plan from `name=value` specs (`crash-after=3`, `transient-rate=0.2`,
  /// `timeout-rate=0.1`, `seed=42`); later specs win.
  public init(specs: [String]) throws(FaultPlanError) {
    self.init()
    for spec in specs { try apply(spec) }
  }

  /// Applies one `name=value` spec.
  public mutating func apply(_ spec: String) throws(FaultPlanError) {
    let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { throw .malformed(spec) }
    let (name, value) = (parts[0], parts[1])
    switch name {
    case "crash-after":
      guard let n = Int(value), n >= 1 else { throw .invalidValue(name: name, value: value, expected: "an integer ≥ 1") }
      crashAfter = n
    case "transient-rate", "timeout-rate":
      guard let p = Double(value), p >= 0, p <= 1 else {
        throw .invalidValue(name: name, value: value, expected: "a probability from 0 to 1")
      }
      if name == "transient-rate" { transientRate = p } else { timeoutRate = p }
    case "seed":
      guard let s = UInt64(value) else { throw .invalidValue(name: name, value: value, expected: "an unsigned integer") }
      seed = s
    default:
      throw .unknownFault(name)
    }
  }
}

/// Why a `--fault` spec was refused.
public enum FaultPlanError: Error, Sendable, Hashable, CustomStringConvertible {
  /// `fault.malformed`: not `name=value`.
  case malformed(String)
  /// `fault.unknown`: not one of crash-after, transient-rate, timeout-rate, seed.
  case unknownFault(String)
  /// `fault.invalid_value`.
  case invalidValue(name: String, value: String, expected: String)

  public var code: String {
    switch self {
    case .malformed: "fault.malformed"
    case .unknownFault: "fault.unknown"
    case .invalidValue: "fault.invalid_value"
    }
  }

  public var description: String {
    switch self {
    case .malformed(let spec): "\(code): \"\(spec)\" is not name=value"
    case .unknownFault(let name):
      "\(code): \"\(name)\" is not a fault (crash-after, transient-rate, timeout-rate, seed)"
    case .invalidValue(let name, let value, let expected): "\(code): \(name)=\(value): expected \(expected)"
    }
  }
}

/// Carries out a ``FaultPlan`` over the handlers it wraps: one call counter and one seeded
/// generator shared by all of them, so a sequential run is reproducible from the seed.
public final class FaultInjector: Sendable {
  public let plan: FaultPlan
  private let crash: @Sendable (Int) throws -> Void
  private let state: Mutex<(calls: Int, random: SplitMix64)>

  /// - Parameter crash: called after call number ``FaultPlan/crashAfter`` with that number;
  ///   it must not return normally for a real crash (the CLI calls `_exit`), or throw
  ///   ``SimulatedCrash`` (tests).
  public init(plan: FaultPlan, crash: @escaping @Sendable (Int) throws -> Void = { throw SimulatedCrash(afterCall: $0) }) {
    self.plan = plan
    self.crash = crash
    self.state = Mutex((0, SplitMix64(seed: plan.seed)))
  }

  /// Wrapped calls so far.
  public var calls: Int { state.withLock { $0.calls } }

  public func wrap(_ handler: any ActionHandler) -> any ActionHandler { FaultInjectingHandler(inner: handler, injector: self) }

  /// Every handler of a table, wrapped.
  public func wrap(_ table: HandlerTable) -> HandlerTable { table.map(wrap) }

  /// The next call's number and draws.
  fileprivate func draw() -> (call: Int, transient: Bool, timeout: Bool) {
    state.withLock { state in
      state.calls += 1
      let transient = Double(state.random.next() >> 11) / Double(1 << 53) < plan.transientRate
      let timeout = Double(state.random.next() >> 11) / Double(1 << 53) < plan.timeoutRate
      return (state.calls, transient, timeout)
    }
  }

  fileprivate func afterCall(_ number: Int) throws {
    if number == plan.crashAfter { try crash(number) }
  }
}

struct FaultInjectingHandler: ActionHandler {
  let inner: any ActionHandler
  let injector: FaultInjector

  var idempotentByKey: Bool { inner.idempotentByKey }

  func handle(_ call: HandlerCall) async throws -> HandlerResult {
    let (number, transient, timeout) = injector.draw()
    let answer: Result<HandlerResult, any Error>
    if transient {
      answer = .failure(HandlerFailure.transient(code: "fault.transient", message: "injected transient failure"))
    } else {
      do {
        answer = .success(try await inner.handle(call))
      } catch {
        answer = .failure(error)
      }
    }
    try injector.afterCall(number)
    if case .success = answer, timeout {
      throw HandlerFailure.ambiguous(code: "fault.timeout", message: "injected timeout: the answer was lost")
    }
    return try answer.get()
  }
}
