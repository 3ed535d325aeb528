import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SlateCore
import SlateNIO
import SlateStream
import Synchronization

/// A provider stream read from a URL with AsyncHTTPClient: the response's body as an
/// `AsyncSequence` of NIO `ByteBuffer`s (``body``), each fed to the pipeline as it arrives
/// and read in place (`ByteBuffer` is `LiveBytes` through SlateNIO: no copy, the body is
/// never buffered whole), plus the HTTP diagnostics (``DiagnosticCode/httpStatus``,
/// ``DiagnosticCode/httpContentType``, ``DiagnosticCode/httpConnect``,
/// ``DiagnosticCode/httpReset``) in the one ``StreamDiagnostic`` shape.
///
/// ```swift
/// let stream = await HTTPStream.open(url, accepting: .forDialect(.auto))
/// for diagnostic in stream.opening { … }           // the response was refused: body is empty
/// for try await buffer in stream.body { pipeline.feed(buffer) }
/// if let reset = stream.reset { … }                // cut mid-body: a truncation
/// ```
///
/// A response refused at its head (no response, a non-2xx status, a wrong content type)
/// has an empty ``body``: the pipeline sees no byte, as for an empty file. A body cut
/// mid-stream (the connection closed before the last chunk, a reset, a read error) ends
/// ``body`` there without throwing and sets ``reset``: the pipeline's `finish()` then
/// reports the same truncation, at the same offsets, as reading the file cut at that byte.
///
/// Memory: what AsyncHTTPClient buffers ahead of the reader (its back-pressure keeps that
/// bounded), nothing more.
public struct HTTPStream: Sendable {
  public let url: String
  /// When the request went out: elapsed times (time to first action) count from here.
  public let started: ContinuousClock.Instant
  /// The response's status code, nil when no response came.
  public let status: Int?
  /// The response's `content-type`, if any.
  public let contentType: String?
  /// Diagnostics of the response's head: why the body is not read (empty when it is).
  public let opening: [StreamDiagnostic]
  /// The body, as it arrives (empty when the response was refused).
  public let body: Body
  private let state: ReadState

  /// The diagnostic of a body cut mid-stream, once ``body`` has ended (nil when it ended
  /// cleanly or has not ended).
  public var reset: StreamDiagnostic? { state.reset }

  /// Body bytes read so far.
  public var bytesRead: Int { state.bytes }

  /// Sends a GET for `url` and returns as soon as the response's head is in (or the
  /// request failed). `timeout` bounds the wait for the head only; the body streams for
  /// as long as it lasts. Only the task's cancellation throws.
  public static func open(_ url: String, client: HTTPClient = .shared, accepting policy: ContentTypePolicy,
                          timeout: TimeAmount = .seconds(60)) async throws -> HTTPStream
  {
    let started = ContinuousClock.now
    let state = ReadState()
    var request = HTTPClientRequest(url: url)
    request.headers.add(name: "accept", value: "text/event-stream")
    let response: HTTPClientResponse
    do {
      response = try await client.execute(request, timeout: timeout)
    } catch {
      try Task.checkCancellation()
      let diagnostic = StreamDiagnostic(code: .httpConnect, severity: .error, streamOffset: 0,
                                        message: "no response from \(url): \(error)")
      return HTTPStream(url: url, started: started, status: nil, contentType: nil, opening: [diagnostic],
                        body: Body(nil, state: state), state: state)
    }
    let status = Int(response.status.code)
    let contentType = response.headers.first(name: "content-type")
    var opening: [StreamDiagnostic] = []
    if !(200..<300).contains(status) {
      let excerpt = await Self.excerpt(of: response.body)
      opening.append(StreamDiagnostic(code: .httpStatus, severity: .error, streamOffset: 0,
                                      message: "expected a 2xx status, got \(status) \(response.status.reasonPhrase)"
                                        + (excerpt.isEmpty ? "" : ": \(excerpt)")))
    } else if !policy.accepts(contentType) {
      opening.append(StreamDiagnostic(code: .httpContentType, severity: .error, streamOffset: 0,
                                      message: "expected content type \(policy.accepted.sorted().joined(separator: " or ")), got "
                                        + (contentType.map { "'\($0)'" } ?? "none")))
    }
    return HTTPStream(url: url, started: started, status: status, contentType: contentType, opening: opening,
                      body: Body(opening.isEmpty ? response.body : nil, state: state), state: state)
  }

  /// The start of a refused response's body, for its diagnostic: up to 256 bytes, one line.
  static func excerpt(of body: HTTPClientResponse.Body) async -> String {
    var bytes: [UInt8] = []
    do {
      for try await buffer in body {
        bytes += buffer.readableBytesView.prefix(256 - bytes.count)
        if bytes.count >= 256 { break }
      }
    } catch {}
    return String(decoding: bytes, as: UTF8.self)
      .map { $0 == "\n" || $0 == "\r" ? " " : String($0) }.joined()
      .trimmingSpaces()
  }

  /// The body's `ByteBuffer`s as they arrive; ends without throwing when the connection is
  /// cut (recording ``HTTPStream/reset``). Rethrows only cancellation.
  public struct Body: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let response: HTTPClientResponse.Body?
    let state: ReadState

    init(_ response: HTTPClientResponse.Body?, state: ReadState) {
      self.response = response
      self.state = state
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
      var base: HTTPClientResponse.Body.AsyncIterator?
      let state: ReadState

      public mutating func next() async throws -> ByteBuffer? {
        guard var iterator = base else { return nil }
        do {
          let buffer = try await iterator.next()
          base = buffer == nil ? nil : iterator
          if let buffer { state.add(buffer.readableBytes) }
          return buffer
        } catch {
          base = nil
          if error is CancellationError || Task.isCancelled { throw CancellationError() }
          state.cut(error)
          return nil
        }
      }
    }

    public func makeAsyncIterator() -> AsyncIterator {
      AsyncIterator(base: response?.makeAsyncIterator(), state: state)
    }
  }

  /// What reading the body found, shared by ``HTTPStream`` and its body's iterator.
  final class ReadState: Sendable {
    private struct Values {
      var bytes = 0
      var reset: StreamDiagnostic?
    }

    private let values = Mutex(Values())

    var bytes: Int { values.withLock { $0.bytes } }
    var reset: StreamDiagnostic? { values.withLock { $0.reset } }

    func add(_ count: Int) { values.withLock { $0.bytes += count } }

    func cut(_ error: any Error) {
      values.withLock {
        $0.reset = StreamDiagnostic(code: .httpReset, severity: .error, streamOffset: $0.bytes,
                                    message: "the connection ended mid-body after \($0.bytes) bytes: \(error)")
      }
    }
  }
}

extension String {
  fileprivate func trimmingSpaces() -> String {
    var text = Substring(self)
    while text.first == " " { text = text.dropFirst() }
    while text.last == " " { text = text.dropLast() }
    return String(text)
  }
}
