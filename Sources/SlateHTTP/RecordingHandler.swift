import NIOCore
import NIOHTTP1

/// One connection of a ``RecordingServer``: answers each request once it is read, writing
/// the recording's units as their time comes (``Pace``), each unit one chunk, then the
/// terminating chunk. Runs on the connection's event loop only.
final class RecordingHandler: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  /// A response under way.
  private struct Sending {
    let served: Served
    /// The next unit to write.
    var next = 0
    let start: NIODeadline
    let keepAlive: Bool
  }

  private let route: Route
  private var head: HTTPRequestHead?
  private var sending: Sending?
  private var active = true

  init(route: Route) { self.route = route }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head): self.head = head
    case .body: break
    case .end:
      guard let head else { return }
      self.head = nil
      respond(to: head, context: context)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    active = false
    sending = nil
    context.fireChannelInactive()
  }

  private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
    let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init(_:)) ?? "/"
    guard head.method == .GET else {
      return answer(.methodNotAllowed, "only GET is served\n", keepAlive: head.isKeepAlive, context: context)
    }
    if path == "/" {
      let list = route.recordings.keys.sorted().map { "/\($0)\n" }.joined()
      return answer(.ok, list, keepAlive: head.isKeepAlive, context: context)
    }
    guard let served = route.recordings[String(path.dropFirst())] else {
      return answer(.notFound, "no recording at \(path)\n", keepAlive: head.isKeepAlive, context: context)
    }
    var headers = HTTPHeaders()
    headers.add(name: "content-type", value: route.faults.contentType ?? "text/event-stream")
    headers.add(name: "cache-control", value: "no-cache")
    headers.add(name: "transfer-encoding", value: "chunked")
    let status = route.faults.status.map { HTTPResponseStatus(statusCode: $0) } ?? .ok
    context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                  promise: nil)
    sending = Sending(served: served, start: .now(), keepAlive: head.isKeepAlive)
    sendDue(context: context)
  }

  /// Writes every unit whose time has come, then waits for the next one's (or ends the
  /// response, or cuts the connection at ``RecordingServer/Faults/cutAfter``).
  private func sendDue(context: ChannelHandlerContext) {
    guard active, var state = sending else { return }
    let ends = state.served.ends
    let elapsed = (NIODeadline.now() - state.start).nanoseconds
    while state.next < ends.count {
      let from = state.next == 0 ? 0 : ends[state.next - 1]
      let due = route.pace.due(index: state.next, offset: from)
      guard due <= elapsed else {
        sending = state
        context.flush()
        context.eventLoop.assumeIsolated().scheduleTask(deadline: state.start + .nanoseconds(due)) {
          self.sendDue(context: context)
        }
        return
      }
      var to = ends[state.next]
      let cut = route.faults.cutAfter.map { to > $0 } ?? false
      if cut { to = max(from, route.faults.cutAfter!) }
      if to > from {
        let buffer = context.channel.allocator.buffer(bytes: state.served.bytes[from..<to])
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
      }
      if cut {
        // No terminating chunk: the body ends mid-stream, as when a connection drops.
        sending = nil
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer())))).assumeIsolated().whenComplete { _ in
          context.close(promise: nil)
        }
        return
      }
      state.next += 1
    }
    sending = nil
    let end = context.writeAndFlush(wrapOutboundOut(.end(nil)))
    if !state.keepAlive { end.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
  }

  /// A short plain-text answer (the listing, a 404, a 405).
  private func answer(_ status: HTTPResponseStatus, _ text: String, keepAlive: Bool, context: ChannelHandlerContext) {
    var headers = HTTPHeaders()
    headers.add(name: "content-type", value: "text/plain; charset=utf-8")
    headers.add(name: "content-length", value: String(text.utf8.count))
    context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
    context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
    let end = context.writeAndFlush(wrapOutboundOut(.end(nil)))
    if !keepAlive { end.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
  }
}
