import AsyncHTTPClient
import NIOCore
import NIOPosix
import SlateCore
import SlateHTTP
import SlateStream
import SlateTestSupport
import Synchronization
import Testing

/// The HTTP diagnostics: a non-2xx status, a content type the dialect does not read, no
/// response at all; and the server's own rules (loopback only, 404, pacing, units).
@Suite struct HTTPDiagnosticsTests {
  static let body = Array("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n".utf8)

  static func open(_ faults: RecordingServer.Faults, dialect: DialectKind = .auto, name: String = "r.sse") async throws
    -> HTTPStream
  {
    let server = try await RecordingServer.start(recordings: ["r.sse": body], pace: .fast, faults: faults)
    let stream = try await HTTPStream.open(server.url(name), accepting: .forDialect(dialect))
    var read = 0
    for try await buffer in stream.body { read += buffer.readableBytes }
    #expect(stream.opening.isEmpty == (read == body.count), "a refused response's body is not read")
    try await server.shutdown()
    return stream
  }

  @Test(arguments: [500, 429, 404, 301])
  func aStatusOtherThan2xxIsHTTPStatus(status: Int) async throws {
    let stream = try await Self.open(.init(status: status))
    #expect(stream.status == status)
    #expect(stream.opening.map(\.code) == [.httpStatus])
    #expect(stream.opening.first?.severity == .error)
    #expect(stream.opening.first?.message.contains("got \(status)") == true)
  }

  @Test func anUnknownRecordingIsA404() async throws {
    let stream = try await Self.open(.init(), name: "nope.sse")
    #expect(stream.status == 404)
    #expect(stream.opening.map(\.code) == [.httpStatus])
    #expect(stream.opening.first?.message.contains("no recording at /nope.sse") == true)
  }

  @Test(arguments: ["text/html", "application/json", "text/plain"])
  func aContentTypeOtherThanAnEventStreamIsHTTPContentType(type: String) async throws {
    let stream = try await Self.open(.init(contentType: type))
    #expect(stream.opening.map(\.code) == [.httpContentType])
    #expect(stream.opening.first?.message.contains("'\(type)'") == true)
  }

  @Test func theTextDialectAlsoReadsTextPlain() async throws {
    #expect(try await Self.open(.init(contentType: "text/plain; charset=utf-8"), dialect: .text).opening.isEmpty)
    #expect(try await Self.open(.init(contentType: "text/html"), dialect: .text).opening.map(\.code) == [.httpContentType])
    #expect(try await Self.open(.init(contentType: "Text/Event-Stream; charset=UTF-8")).opening.isEmpty)
  }

  @Test func noResponseIsHTTPConnect() async throws {
    // A port just released: nothing listens there.
    let server = try await RecordingServer.start(recordings: [:], pace: .fast)
    let url = server.url("r.sse")
    try await server.shutdown()
    // AsyncHTTPClient retries a refused connection until the head's deadline.
    let stream = try await HTTPStream.open(url, accepting: .forDialect(.auto), timeout: .seconds(2))
    #expect(stream.status == nil)
    #expect(stream.opening.map(\.code) == [.httpConnect])
    var chunks = 0
    for try await _ in stream.body { chunks += 1 }
    #expect(chunks == 0)
  }

  @Test(arguments: ["0.0.0.0", "192.168.1.1", "localhost", "::"])
  func onlyLoopbackIsBound(host: String) async throws {
    await #expect(throws: RecordingServerError.notLoopback(host)) {
      _ = try await RecordingServer.start(recordings: [:], host: host)
    }
  }

  @Test func theListingNamesEveryRecording() async throws {
    let server = try await RecordingServer.start(recordings: ["a.sse": [], "b.sse": Self.body], pace: .fast)
    #expect(server.port > 0)
    #expect(server.urls == ["http://127.0.0.1:\(server.port)/a.sse", "http://127.0.0.1:\(server.port)/b.sse"])
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"),
                                                       timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 16)
    #expect(String(buffer: body) == "/a.sse\n/b.sse\n")
    // An empty recording is an empty, complete body.
    let empty = try await HTTPStream.open(server.url("a.sse"), accepting: .forDialect(.auto))
    for try await _ in empty.body {}
    #expect(empty.opening.isEmpty && empty.reset == nil && empty.bytesRead == 0)
    try await server.shutdown()
  }

  @Test func paceParsesItsSpellings() {
    #expect(Pace("recorded") == .recorded)
    #expect(Pace("fast") == .fast)
    #expect(Pace("40") == .eventsPerSecond(40))
    #expect(Pace("40/s") == .eventsPerSecond(40))
    #expect(Pace("4096B/s") == .bytesPerSecond(4096))
    for bad in ["", "0", "-1", "slow", "B/s", "1.5", "10kB/s"] { #expect(Pace(bad) == nil, "\(bad)") }
    #expect(Pace.recorded.due(index: 5, offset: 999) == 100_000_000)
    #expect(Pace.bytesPerSecond(1000).due(index: 7, offset: 500) == 500_000_000)
  }

  @Test func unitsAreEventsAndRejoinToTheRecording() {
    let text = Array("data: a\n\nevent: x\r\ndata: b\r\n\r\n: c\r\rdata: tail".utf8)
    let ends = RecordingUnits.ends(of: text)
    let units = zip([0] + ends.dropLast(), ends).map { String(decoding: text[$0..<$1], as: UTF8.self) }
    #expect(units == ["data: a\n\n", "event: x\r\ndata: b\r\n\r\n", ": c\r\r", "data: tail"])
    #expect(RecordingUnits.ends(of: Array("[{\"a\":1}]".utf8)) == [4, 8, 9])
    #expect(RecordingUnits.ends(of: []) == [])
  }

  /// The pace is kept: 11 events at 100 a second take at least 100 ms to arrive (a lower
  /// bound the server guarantees, not a speed measurement). How many reads they arrive in
  /// is not the server's to say: a client that falls behind (a loaded machine) reads the
  /// paced chunks coalesced, at worst in one read, so only the bytes and the last arrival
  /// are checked.
  @Test func eventsAreNotSentBeforeTheirTime() async throws {
    var text = ""
    for index in 0..<11 { text += "data: \(index)\n\n" }
    let server = try await RecordingServer.start(recordings: ["r.sse": Array(text.utf8)], pace: .eventsPerSecond(100))
    let stream = try await HTTPStream.open(server.url("r.sse"), accepting: .forDialect(.auto))
    var received = 0
    var last: Duration?
    for try await buffer in stream.body {
      received += buffer.readableBytes
      last = ContinuousClock.now - stream.started
    }
    #expect(received == text.utf8.count)
    #expect(try #require(last) >= .milliseconds(100))
    try await server.shutdown()
  }

  /// Shutting a server down closes its connections, an idle keep-alive one included (before,
  /// only the listening socket was closed: a client's pooled connection kept being answered
  /// with the stopped server's recordings, even after another server bound the same port).
  /// A raw connection, so that no client pool hides what the server does.
  @Test func shutdownClosesEveryConnectionItAccepted() async throws {
    let server = try await RecordingServer.start(recordings: ["r.sse": Self.body], pace: .fast)
    let received = ReceivedBytes()
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) }
      }
      .connect(host: "127.0.0.1", port: server.port).get()
    try await channel.writeAndFlush(ByteBuffer(string: "GET /r.sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
    // The whole response (head, one chunk per event, the last chunk) is in.
    let answered = try await waitUntil(30) { received.text.hasSuffix("0\r\n\r\n") }
    #expect(answered, "the response: \(received.text)")
    #expect(channel.isActive, "a keep-alive connection stays open after its response")
    try await server.shutdown()
    #expect(try await waitUntil(30) { !channel.isActive }, "the server closed the idle connection")
    try await server.shutdown()  // a second shutdown does nothing
  }
}

/// The bytes a raw client connection received, as text.
final class ReceivedBytes: ChannelInboundHandler, Sendable {
  typealias InboundIn = ByteBuffer
  private let bytes = Mutex<[UInt8]>([])

  var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = unwrapInboundIn(data)
    bytes.withLock { $0 += buffer.readableBytesView }
  }
}
