import Foundation

/// Polls `done` every `every` milliseconds for at most `seconds`; whether it became true.
/// Sleeps without holding a thread (the whole suite shares a small cooperative pool). The
/// limit is a hang guard, never a timing the test asserts.
public func waitUntil(_ seconds: Double, every: Int = 10, _ done: () throws -> Bool) async throws -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if try done() { return true }
    try await Task.sleep(for: .milliseconds(every))
  }
  return try done()
}
