import NIOCore
import SlateDispatch
import SlateJSON
import SlateNIO
import SlateSchema
import SlateStream
import SlateTestSupport
import SlateTurn
import Testing

/// NIO `ByteBuffer`s feed a ``LiveTurn`` in place: the same outcome as `[UInt8]` chunks,
/// and the bytes the pipeline reads are the buffer's own storage, not a copy.
@Suite struct ByteBufferLiveTurnTests {
  static let pack = SupportPack.json

  struct TicketHandler: ActionHandler {
    var idempotentByKey: Bool { true }
    func handle(_ call: HandlerCall) async throws -> HandlerResult {
      HandlerResult(entities: [.init(table: call.queue, value: call.payload)],
                    effects: call.effects.map { .init(kind: $0, payload: call.payload) })
    }
  }

  /// Ten tickets (two repeated) as a Chat Completions stream of small deltas.
  static let stream: [UInt8] = {
    let items = (0..<10).map { #"{"type":"create_ticket","id":"T-\#($0 % 8)","title":"ticket \#($0 % 8)"}"# }
    return SSEText.chatAnswer("[" + items.joined(separator: ",") + "]", deltaSize: 17)
  }()

  static func run<S: AsyncSequence>(_ chunks: S) async throws -> TurnReport where S.Element: LiveBytes {
    let dispatcher = Dispatcher(ledger: InMemoryLedger(), handlers: HandlerTable(fallback: TicketHandler()),
                                configuration: .init(project: "helpdesk", planType: nil), clock: ManualWallClock())
    var live = LiveTurn(turn: "t1", pack: try CompiledPack(bytes: Array(pack.utf8)), dispatcher: dispatcher,
                        options: ActionStreamOptions(dialect: .openaiChat), batchLimits: BatchLimits(maxItems: 1))
    try await live.begin()
    try await live.run(chunks, phase: "answer", source: "answer")
    return try await live.finish()
  }

  /// `size`-byte slices of one buffer (sharing its storage), as an async sequence.
  static func slices(of buffer: ByteBuffer, size: Int) -> AsyncStream<ByteBuffer> {
    AsyncStream { continuation in
      var rest = buffer
      while rest.readableBytes > 0, let slice = rest.readSlice(length: min(size, rest.readableBytes)) {
        continuation.yield(slice)
      }
      continuation.finish()
    }
  }

  @Test(arguments: [1, 64, 100_000])
  func byteBuffersGiveWhatArraysGive(_ size: Int) async throws {
    let arrays = AsyncStream<[UInt8]> { continuation in
      for start in stride(from: 0, to: Self.stream.count, by: size) {
        continuation.yield(Array(Self.stream[start..<min(start + size, Self.stream.count)]))
      }
      continuation.finish()
    }
    let expected = try await Self.run(arrays)
    let report = try await Self.run(Self.slices(of: ByteBuffer(bytes: Self.stream), size: size))
    #expect(report.phases.map(\.lines) == expected.phases.map(\.lines))
    #expect(report.actionCounts == expected.actionCounts)
    #expect(report.actionCounts.applied == 8 && report.actionCounts.duplicates == 2, "\(report.actionCounts.sentence)")
    #expect(report.turn.status == .completed)
  }

  @Test func theChunkIsReadInPlace() {
    let buffer = ByteBuffer(bytes: Self.stream)
    var rest = buffer
    let slice = rest.readSlice(length: 64)!
    let storage = buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
    let read = slice.withLiveBytes { (UInt(bitPattern: $0.baseAddress), $0.count) }
    #expect(read.0 == storage && read.1 == 64, "the slice's bytes are the parent buffer's storage")
    let second = rest.readSlice(length: 64)!
    #expect(second.withLiveBytes { UInt(bitPattern: $0.baseAddress) } == storage + 64)
  }
}
