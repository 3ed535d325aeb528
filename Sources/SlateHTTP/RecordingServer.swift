import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A loopback provider: serves recordings over real HTTP/1.1 as streaming responses, each
/// at `/<name>`, `content-type: text/event-stream`, `transfer-encoding: chunked`, written
/// one unit (an SSE event, ``RecordingUnits``) per chunk at the ``Pace`` given. Built on
/// SwiftNIO (NIOPosix's `ServerBootstrap`, NIOHTTP1's server pipeline), not a hand-written
/// HTTP stack.
///
/// It binds 127.0.0.1 only: any other address is refused (``RecordingServerError``). Port 0
/// binds a free port, reported by ``port``. `GET /` lists the names served, one per line;
/// an unknown name is a 404. Each request is answered independently (a connection may
/// carry several, one after another).
///
/// Test hooks (``Faults``): cut the connection after byte N of the body (no terminating
/// chunk: the client sees a truncated response), answer with another status or content
/// type.
///
/// ``shutdown()`` stops listening and closes every connection it accepted, idle keep-alive
/// connections included: a client's pooled connection to a stopped server never reaches a
/// later server that binds the same port, and a response under way is cut.
///
/// Memory: the recordings, held once; per response O(1) beyond NIO's buffers.
public final class RecordingServer: Sendable {
  /// Answers that are not the recording's, for the HTTP client's tests.
  public struct Faults: Sendable, Hashable {
    /// Close the connection after this many body bytes (no terminating chunk).
    public var cutAfter: Int?
    /// Answer with this status instead of 200 (the recording is still the body).
    public var status: Int?
    /// Answer with this content type instead of `text/event-stream`.
    public var contentType: String?

    public init(cutAfter: Int? = nil, status: Int? = nil, contentType: String? = nil) {
      self.cutAfter = cutAfter
      self.status = status
      self.contentType = contentType
    }
  }

  /// The name each recording is served under (`/<name>`) and its bytes.
  public let recordings: [String: [UInt8]]
  public let pace: Pace
  public let faults: Faults
  /// The port bound (the free port chosen when 0 was asked).
  public let port: Int
  private let channel: any Channel
  private let connections: Connections

  /// The URL of recording `name`.
  public func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

  /// The URLs served, by name.
  public var urls: [String] { recordings.keys.sorted().map { url($0) } }

  private init(recordings: [String: [UInt8]], pace: Pace, faults: Faults, port: Int, channel: any Channel,
               connections: Connections)
  {
    self.recordings = recordings
    self.pace = pace
    self.faults = faults
    self.port = port
    self.channel = channel
    self.connections = connections
  }

  /// Binds `host` (which must be 127.0.0.1) on `port` (0: a free one) and serves
  /// `recordings` until ``shutdown()``.
  public static func start(recordings: [String: [UInt8]], host: String = "127.0.0.1", port: Int = 0,
                           pace: Pace = .recorded, faults: Faults = Faults(),
                           group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> RecordingServer
  {
    guard host == "127.0.0.1" else { throw RecordingServerError.notLoopback(host) }
    guard (0...65535).contains(port) else { throw RecordingServerError.badPort(port) }
    let route = Route(recordings: recordings.mapValues { Served(bytes: $0, ends: RecordingUnits.ends(of: $0)) },
                      pace: pace, faults: faults)
    let connections = Connections()
    let channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 64)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        guard connections.add(channel) else { return channel.close() }
        return channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
          try channel.pipeline.syncOperations.addHandler(RecordingHandler(route: route))
        }
      }
      .bind(host: host, port: port).get()
    guard let bound = channel.localAddress?.port else { throw RecordingServerError.badPort(port) }
    return RecordingServer(recordings: recordings, pace: pace, faults: faults, port: bound, channel: channel,
                           connections: connections)
  }

  /// Reads a recording file, or every regular file of a directory (not hidden, not
  /// `*.expected.json`), each served by its file name.
  public static func recordings(at path: String) throws -> [String: [UInt8]] {
    try RecordingFiles.load(path)
  }

  /// Stops listening, then closes every connection still open (idle or mid-response) and
  /// waits until they are closed. Calling it again does nothing.
  public func shutdown() async throws {
    do {
      try await channel.close()
    } catch ChannelError.alreadyClosed {}
    for connection in connections.closeAll() {
      try? await connection.close()
    }
  }

  /// Waits until the listening socket is closed.
  public func wait() async throws {
    try await channel.closeFuture.get()
  }
}

/// Why a ``RecordingServer`` did not start.
public enum RecordingServerError: Error, Equatable, CustomStringConvertible {
  /// Only 127.0.0.1 is served.
  case notLoopback(String)
  case badPort(Int)
  /// A recording path could not be read.
  case unreadable(String, String)

  public var description: String {
    switch self {
    case .notLoopback(let host): "refusing to bind \(host): recordings are served on 127.0.0.1 only"
    case .badPort(let port): "bad port \(port): use 0 (a free port) to 65535"
    case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
    }
  }
}

/// The connections a server accepted and has not seen closed: ``RecordingServer/shutdown()``
/// closes them. Once closed, a connection accepted late (the listener was still draining its
/// backlog) is refused at once.
final class Connections: Sendable {
  private struct Open {
    var channels: [ObjectIdentifier: any Channel] = [:]
    var closed = false
  }

  private let open = Mutex(Open())

  /// Records `channel` until it closes; false once the server is shut down.
  func add(_ channel: any Channel) -> Bool {
    let id = ObjectIdentifier(channel)
    let added = open.withLock { state -> Bool in
      guard !state.closed else { return false }
      state.channels[id] = channel
      return true
    }
    if added { channel.closeFuture.whenComplete { _ in self.open.withLock { _ = $0.channels.removeValue(forKey: id) } } }
    return added
  }

  /// Refuses later connections and returns those still open.
  func closeAll() -> [any Channel] {
    open.withLock { state in
      state.closed = true
      return Array(state.channels.values)
    }
  }
}

/// A recording with its unit ends, computed once.
struct Served: Sendable {
  let bytes: [UInt8]
  let ends: [Int]
}

/// What every connection of one server shares.
struct Route: Sendable {
  let recordings: [String: Served]
  let pace: Pace
  let faults: RecordingServer.Faults
}
