import Foundation
import Slate
import Testing

/// Runs README's library host (``runTurn(_:turn:ledgerPath:mode:)``, ``recoverTurn(_:ledgerPath:)``)
/// and checks README holds its code verbatim.
@Suite struct LibraryHostTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// A Chat Completions stream of `answer`, in deltas of 20 characters.
  static func chatStream(_ answer: String) -> [UInt8] {
    var text = ""
    var rest = Substring(answer)
    while !rest.isEmpty {
      let piece = String(rest.prefix(20)).replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "\"", with: "\\\"")
      text += #"data: {"choices":[{"index":0,"delta":{"content":"\#(piece)"},"finish_reason":null}]}"# + "\n\n"
      rest = rest.dropFirst(20)
    }
    text += #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
    return Array(text.utf8)
  }

  static let answer = "[" + (1...6).map { #"{"type":"create_ticket","id":"T-\#($0)","title":"ticket \#($0)"}"# }
    .joined(separator: ",") + "]"

  static func chunks(_ bytes: [UInt8]) -> [[UInt8]] {
    stride(from: 0, to: bytes.count, by: 64).map { Array(bytes[$0..<min($0 + 64, bytes.count)]) }
  }

  static func temporaryLedger() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("slate-host-\(UUID().uuidString).sqlite").path
  }

  @Test func theReadmeHostRunsALiveTurn() async throws {
    let path = Self.temporaryLedger()
    let stream = AsyncStream<[UInt8]> { continuation in
      for chunk in Self.chunks(Self.chatStream(Self.answer)) { continuation.yield(chunk) }
      continuation.finish()
    }
    let report = try await runTurn(stream, turn: "t1", ledgerPath: path)
    #expect(report.turn.status == .completed)
    #expect(report.actionCounts.applied == 6)
    #expect(report.effects.count == 6)
  }

  struct Crash: Error {}

  @Test func theReadmeHostRecoversAnAbandonedStream() async throws {
    let path = Self.temporaryLedger()
    let chunks = Self.chunks(Self.chatStream(Self.answer))
    let cut = AsyncThrowingStream<[UInt8], any Error> { continuation in
      for chunk in chunks[..<(chunks.count / 2)] { continuation.yield(chunk) }
      continuation.finish(throwing: Crash())
    }
    await #expect(throws: Crash.self) { _ = try await runTurn(cut, turn: "t1", ledgerPath: path) }
    let recovered = try await recoverTurn("t1", ledgerPath: path)
    #expect(recovered.status == .partiallyCompleted)
    #expect(recovered.recoverability == .resumeFromPhase("answer"))

    let whole = AsyncStream<[UInt8]> { continuation in
      for chunk in chunks { continuation.yield(chunk) }
      continuation.finish()
    }
    let resumed = try await runTurn(whole, turn: "t1", ledgerPath: path, mode: .recover)
    #expect(resumed.turn.status == .completed)
    #expect(resumed.actionCounts.applied + resumed.actionCounts.duplicates == 6 && resumed.actionCounts.applied > 0)
    #expect(resumed.effects.count == 6)
  }

  @Test func theReadmeHoldsTheHostVerbatim() throws {
    let host = try String(contentsOf: Self.root.appendingPathComponent("Tests/SlateHostTests/LibraryHost.swift"), encoding: .utf8)
    let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
    let code = try #require(host.components(separatedBy: "// README begin\n").last?.components(separatedBy: "// README end").first)
    #expect(code.split(separator: "\n").count < 60)
    #expect(readme.contains("```swift\n" + code + "```"))
  }
}
