/// Per-turn limits, counted by one ``Dispatcher`` across its dispatches of the turn.
public struct DispatchBudget: Sendable, Hashable {
  /// Most actions declared for the turn.
  public var maxActions: Int
  /// Most handler calls for the turn (retries included).
  public var maxHandlerCalls: Int
  /// Most time from the dispatcher's first dispatch of the turn.
  public var maxDuration: Duration

  public init(maxActions: Int = 1000, maxHandlerCalls: Int = 5000, maxDuration: Duration = .seconds(900)) {
    self.maxActions = max(0, maxActions)
    self.maxHandlerCalls = max(0, maxHandlerCalls)
    self.maxDuration = max(.zero, maxDuration)
  }

  public static let `default` = DispatchBudget()
}
