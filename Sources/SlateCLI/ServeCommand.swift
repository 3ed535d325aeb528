import ArgumentParser
import Dispatch
#if HTTP
  import SlateHTTP
#endif

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `slate serve DIR|FILE [--port P] [--pace recorded|fast|RATE]`: a loopback provider that
/// replays recordings over real HTTP (``RecordingServer``), until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve recorded provider streams over HTTP on 127.0.0.1, as a provider streams them.",
    discussion: """
      Each recording (FILE, or every file of DIR but *.expected.json, *.md and hidden ones) is served at \
      http://127.0.0.1:PORT/NAME (NAME its file name) as a streaming response: status 200, content-type \
      text/event-stream, transfer-encoding chunked, one SSE event per chunk (a file without blank lines, a text \
      answer, in 4-byte pieces). GET / lists the names. Only 127.0.0.1 is bound.
      --pace: recorded (the corpus carries no chunk timing, so: 50 events a second, one token per event at a \
      typical 50 tokens a second), fast (no waits), or a RATE: N or N/s (events a second) or NB/s (bytes a second).
      Prints "serving N recordings on http://127.0.0.1:PORT/ (pace P)" and then each URL, one per line, and runs \
      until SIGINT or SIGTERM (exit 0).
      """
  )

  @Argument(help: "A recording, or a directory of recordings.")
  var path: String

  @Option(help: "The port (0: a free one, printed).", transform: OptionValues.integer(0...65535))
  var port: Int = 0

  @Option(help: "recorded, fast, or a RATE (N or N/s events a second, NB/s bytes a second).")
  var pace: String = "recorded"

  func validate() throws {
    #if HTTP
    guard Pace(pace) != nil else {
      throw ValidationError("unknown pace '\(pace)'; use recorded, fast, N or N/s (events a second) or NB/s (bytes a second)")
    }
    #endif
  }

  func run() async throws {
    #if !HTTP
    URLInput.unavailable()
    #else
    let recordings: [String: [UInt8]]
    do { recordings = try RecordingServer.recordings(at: path) } catch { CLIIO.fail("\(error)") }
    if recordings.isEmpty { CLIIO.fail("\(path) holds no recordings") }
    let server: RecordingServer
    do {
      server = try await RecordingServer.start(recordings: recordings, port: port, pace: Pace(pace)!)
    } catch {
      CLIIO.fail("cannot serve on 127.0.0.1:\(port): \(error)")
    }
    let stops = Self.onTermination { Task { try? await server.shutdown() } }
    print("serving \(recordings.count) recording\(recordings.count == 1 ? "" : "s") on http://127.0.0.1:\(server.port)/ (pace \(pace))")
    for url in server.urls { print(url) }
    fflush(nil)  // every stream: the URLs reach a pipe now, not at exit
    try await server.wait()
    stops.forEach { $0.cancel() }
    #endif
  }

  /// Calls `stop` on SIGINT or SIGTERM (instead of their default, ending the process).
  static func onTermination(_ stop: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler(handler: stop)
      source.resume()
      return source
    }
  }
}
