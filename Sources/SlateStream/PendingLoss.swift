/// The gap rule every dialect shares: an event that may have carried content and could not
/// be read is a loss only once another event follows it (the last event of the input, cut
/// or damaged, joins nothing across it: the input's end judges it instead).
///
/// ``PayloadDialect/route(_:_:into:)`` holds such an event here and
/// ``PayloadDialect/confirmLoss(into:)`` turns it into a gap when the next event comes;
/// ``AutoDialect`` applies the same rule to the events it held when the input ends
/// undetected. O(1).
struct PendingLoss {
  /// Raw offset of the held loss, if any.
  private(set) var offset: Int?

  /// Whether a decoded event is a loss to hold: its data could not be read and it is not
  /// the provider's `error` event (whose data is then the error message).
  static func isLoss(_ event: EventBytes, _ payload: Payload) -> Bool {
    if case .unreadable = payload { return !event.isNamed("error") }
    return false
  }

  /// Holds a loss at `offset` until the next event (replacing one not yet confirmed).
  mutating func hold(at offset: Int) { self.offset = offset }

  /// Another event came: the held loss, if any, is certain. Returns its offset and forgets it.
  mutating func confirm() -> Int? {
    defer { offset = nil }
    return offset
  }
}
