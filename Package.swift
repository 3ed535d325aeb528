// swift-tools-version: 6.1
// Slate: streaming LLM responses to validated, idempotently dispatched actions.
// Engine modules depend on simdjson and the standard library only; SlateSQLite brings GRDB
// (over the system SQLite), the CLI swift-argument-parser. The dispatch and turn layers (and
// the SQLite ledger's retry path) also speak the server ecosystem's three API packages:
// swift-log, swift-metrics (CoreMetrics) and swift-distributed-tracing, which have no
// dependencies of their own and no backend (the host bootstraps or passes one); the parsing
// layers (SSE, JSON, Schema, Stream) never import them. One module per step of the data
// flow (see ../shared/DESIGN.md and the README's module table). Benchmarks live in their own
// package under Benchmarks/.
import PackageDescription

/// The observability API products the dispatch and turn layers use (no backend, no
/// transitive dependency; CoreMetrics rather than Metrics, which imports Foundation).
let observability: [Target.Dependency] = [
  .product(name: "Logging", package: "swift-log"),
  .product(name: "CoreMetrics", package: "swift-metrics"),
  .product(name: "Tracing", package: "swift-distributed-tracing"),
]

let package = Package(
  name: "Slate",
  products: [
    // `import Slate`: the whole engine and the embedded SQLite ledger, for a host.
    .library(name: "Slate", targets: ["Slate"]),
    .library(name: "SlateCore", targets: ["SlateCore"]),
    .library(name: "SlateSSE", targets: ["SlateSSE"]),
    .library(name: "SlateJSON", targets: ["SlateJSON"]),
    .library(name: "SlateSchema", targets: ["SlateSchema"]),
    .library(name: "SlateStream", targets: ["SlateStream"]),
    .library(name: "SlateDispatch", targets: ["SlateDispatch"]),
    .library(name: "SlateSQLite", targets: ["SlateSQLite"]),
    .library(name: "SlateTurn", targets: ["SlateTurn"]),
    .library(name: "SlateFilm", targets: ["SlateFilm"]),
    // The dispatcher as a swift-service-lifecycle `Service` (not in `Slate`: see below).
    .library(name: "SlateService", targets: ["SlateService"]),
    .library(name: "SlatePostgres", targets: ["SlatePostgres"]),
    // NIO's `ByteBuffer` as a `LiveTurn` chunk, read in place.
    .library(name: "SlateNIO", targets: ["SlateNIO"]),
    // Recordings over loopback HTTP (`RecordingServer`) and reading a URL (`HTTPTurnSource`).
    .library(name: "SlateHTTP", targets: ["SlateHTTP"]),
    .executable(name: "slate", targets: ["SlateCLI"]),
  ],
  // The `slate` executable's optional parts. A cold build of the default (`make demo`)
  // leaves out SwiftNIO, BoringSSL, postgres-nio and AsyncHTTPClient, which more than
  // double its cold build time; `make test` enables them all (`--traits Postgres,HTTP`),
  // `make demo-postgres` the first. The library products are the same under every trait: a
  // host that depends on `SlatePostgres` or `SlateHTTP` gets it whatever traits it enables.
  traits: [
    .trait(name: "Postgres", description: "slate's --ledger accepts postgres:// URLs (the SlatePostgres ledger)."),
    .trait(name: "HTTP", description: "slate serve, and http:// URLs as the input of slate actions and slate replay (SlateHTTP)."),
    .default(enabledTraits: []),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    // The SQLite ledger only (system libsqlite3-dev, see scripts/ensure-deps.sh).
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    // Observability API packages (no transitive dependencies): SlateDispatch, SlateSQLite,
    // SlateTurn and the CLI; their in-memory backends for the tests.
    .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
    .package(url: "https://github.com/apple/swift-distributed-tracing", exact: "1.7.3"),
    // SlateService only: it brings swift-async-algorithms and swift-collections.
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    // Test-only: property tests of the dispatch-result merge laws.
    .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    // The PostgreSQL ledger only (SlatePostgres); its cold debug build is minutes (BoringSSL).
    .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    // SlateNIO only (NIOCore's `ByteBuffer`); postgres-nio brings the same package.
    .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
    // SlateHTTP only: the HTTP client that reads a provider's streaming response (issue 18's
    // "reading from a URL"). It brings swift-nio-http2, swift-nio-extras, swift-nio-ssl,
    // swift-algorithms and swift-configuration; the loopback server is SwiftNIO's own
    // NIOPosix/NIOHTTP1 from the swift-nio package above (no server framework added).
    .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
  ],
  targets: [
    // C++17 shim over Debian's libsimdjson-dev; the define is what `pkg-config --cflags simdjson` gives.
    .target(
      name: "CSimdjson",
      cxxSettings: [.define("SIMDJSON_THREADS_ENABLED", to: "1")],
      linkerSettings: [.linkedLibrary("simdjson")]
    ),
    // SHA-256 block compression with the x86 SHA extensions, chosen at run time (C, no
    // library): SlateSchema's `SHA256` uses it where the processor has them.
    .target(name: "CSHA256"),
    // What every layer shares: one `Severity`, one typed `DiagnosticCode`, the `PushParser`
    // contract with its overloads and `AsyncSequence` adapter, the seeded `SplitMix64`.
    // Standard library only; SlateSSE and SlateJSON re-export it.
    .target(name: "SlateCore"),
    // Step 1: the WHATWG event-stream parser. Standard library only (and the C library's memchr).
    .target(name: "SlateSSE", dependencies: ["SlateCore"]),
    // Step 3 and the JSON foundation: values, pointers, the incremental framer, simdjson.
    .target(name: "SlateJSON", dependencies: ["SlateCore", "CSimdjson"]),
    // Step 4-5: schema packs, the compiled validator, idempotency keys and action batches.
    // Standard library only (NFC and case folding come from the stdlib's `_Unicode` SPI),
    // and CSHA256 for SHA-256 on the processor's SHA extensions.
    .target(name: "SlateSchema", dependencies: ["SlateJSON", "CSHA256"]),
    // Step 2: provider dialects (SSE events -> typed deltas) and the action stream (raw
    // bytes -> framed values, with one diagnostic shape). Knows nothing of schemas or ledgers.
    .target(name: "SlateStream", dependencies: ["SlateCore", "SlateSSE", "SlateJSON"]),
    // Step 6-8: exactly-once dispatch: ledger protocol and in-memory ledger, dispatcher,
    // results, turn record, audit. Standard library (plus Synchronization's Mutex) and the
    // observability API packages (``Telemetry``).
    .target(name: "SlateDispatch", dependencies: ["SlateCore", "SlateSchema", "SlateJSON"] + observability),
    // The embedded durable ledger: SlateDispatch's DispatchLedger over SQLite (WAL) through
    // GRDB. The only engine module that depends on GRDB.
    .target(
      name: "SlateSQLite",
      dependencies: ["SlateDispatch", "SlateJSON", .product(name: "GRDB", package: "GRDB.swift"),
                     .product(name: "Logging", package: "swift-log")]
    ),
    // The shared durable ledger: SlateDispatch's DispatchLedger over PostgreSQL 15 through
    // postgres-nio. The only module that depends on postgres-nio; the core builds without it.
    .target(
      name: "SlatePostgres",
      dependencies: ["SlateDispatch", "SlateJSON", .product(name: "PostgresNIO", package: "postgres-nio")]
    ),
    // NIO's `ByteBuffer` conforms to `LiveBytes` (no copy): bytes from AsyncHTTPClient or a
    // NIO channel feed a `LiveTurn` directly. Its own module, so the engine needs no NIO.
    .target(name: "SlateNIO", dependencies: ["SlateTurn", .product(name: "NIOCore", package: "swift-nio")]),
    // Streaming over real HTTP: `RecordingServer` replays recordings as chunked
    // `text/event-stream` responses on loopback (SwiftNIO's NIOPosix/NIOHTTP1), and the client
    // side reads a URL with AsyncHTTPClient, body `ByteBuffer`s straight into a `LiveTurn` (via
    // SlateNIO) with `http.*` diagnostics. Its own module: the engine and `import Slate` stay
    // free of AsyncHTTPClient and its dependencies.
    .target(
      name: "SlateHTTP",
      dependencies: ["SlateNIO", "SlateTurn", "SlateStream", "SlateCore",
                     .product(name: "NIOCore", package: "swift-nio"),
                     .product(name: "NIOPosix", package: "swift-nio"),
                     .product(name: "NIOHTTP1", package: "swift-nio"),
                     .product(name: "AsyncHTTPClient", package: "async-http-client")]
    ),
    // A turn end to end: the pipeline (stream -> actions and batches), the turn runner,
    // replay bundles and the JSON-lines output of every layer.
    .target(name: "SlateTurn", dependencies: ["SlateCore", "SlateSSE", "SlateJSON", "SlateSchema", "SlateStream", "SlateDispatch"]
              + observability),
    // `import Slate`: `@_exported import`s of the engine and the SQLite ledger, nothing else.
    .target(
      name: "Slate",
      dependencies: ["SlateCore", "SlateSSE", "SlateJSON", "SlateSchema", "SlateStream", "SlateDispatch", "SlateSQLite", "SlateTurn"]
    ),
    // The reference film domain: its handler and the synthetic corpus generator (film turns
    // written as each provider streams them, for Corpus/, tests and benchmarks).
    .target(name: "SlateFilm", dependencies: ["SlateCore", "SlateStream", "SlateDispatch", "SlateJSON"]),
    // `DispatchService`: a dispatcher's background sweeps as a swift-service-lifecycle
    // `Service` (graceful shutdown on SIGTERM in a `ServiceGroup`). Its own module and
    // product: swift-service-lifecycle pulls swift-async-algorithms and swift-collections,
    // which stay out of the engine and of `import Slate`.
    .target(
      name: "SlateService",
      dependencies: ["SlateDispatch", .product(name: "Logging", package: "swift-log"),
                     .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
    ),
    // The `slate` executable.
    .executableTarget(
      name: "SlateCLI",
      dependencies: [
        "Slate",
        "SlateFilm",
        .target(name: "SlatePostgres", condition: .when(traits: ["Postgres"])),
        // `slate serve` and reading URLs (ServeCommand.swift, URLInput.swift).
        .target(name: "SlateHTTP", condition: .when(traits: ["HTTP"])),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // Fuzzing: the properties live in FuzzChecks (also run by the tests over saved inputs);
    // each fuzz-* executable is a libFuzzer entry point (scripts/fuzz.sh) or, built plainly,
    // a replayer of the files it is given.
    .target(name: "FuzzChecks", dependencies: ["SlateCore", "SlateTestSupport", "SlateJSON", "SlateSSE", "SlateStream", "SlateSchema", "SlateTurn"], path: "Fuzz/FuzzChecks"),
    .executableTarget(name: "fuzz-json", dependencies: ["FuzzChecks", "SlateJSON"], path: "Fuzz/fuzz-json"),
    .executableTarget(name: "fuzz-sse", dependencies: ["FuzzChecks"], path: "Fuzz/fuzz-sse"),
    .executableTarget(name: "fuzz-framer", dependencies: ["FuzzChecks"], path: "Fuzz/fuzz-framer"),
    .executableTarget(name: "fuzz-dialect", dependencies: ["FuzzChecks"], path: "Fuzz/fuzz-dialect"),
    .executableTarget(name: "fuzz-schema", dependencies: ["FuzzChecks", "SlateSchema"], path: "Fuzz/fuzz-schema"),
    // Time to first action (`make bench-ttfa`): Slate vs the SDK pattern over loopback HTTP.
    // Here, not in the Benchmarks package, so that it reuses this package's AsyncHTTPClient build;
    // it measures wall-clock arrival times under a pace, not CPU cost (package-benchmark's domain).
    .executableTarget(name: "slate-ttfa", dependencies: ["SlateHTTP", "SlateFilm", "SlateTurn", "SlateStream", "SlateSchema", "SlateNIO"],
                      path: "Benchmarks/TTFA"),
    // A host process for the crash tests (SlateTurnTests' LiveTurnCrashTests, SlatePostgresTests'
    // worker processes): a support pack, an async handler, a live turn over SQLite or
    // PostgreSQL, SIGKILLed at a handler call or a byte.
    .executableTarget(name: "slate-test-host", dependencies: ["Slate", "SlatePostgres"], path: "Tests/SlateTestHost"),
    .target(name: "SlateTestSupport", dependencies: ["SlateCore", "SlateJSON"], path: "Tests/SlateTestSupport"),
    // The DispatchLedger contract as framework-free checks, run by every ledger's tests
    // (SlateDispatchTests for InMemoryLedger; the SQLite ledger's tests likewise).
    .target(name: "LedgerConformance", dependencies: ["SlateDispatch", "SlateSchema", "SlateJSON"], path: "Tests/LedgerConformance"),
    .testTarget(name: "SlateJSONTests", dependencies: ["SlateJSON", "SlateTestSupport", "FuzzChecks"]),
    .testTarget(name: "SlateSSETests", dependencies: ["SlateSSE", "SlateJSON", "SlateTestSupport"]),
    .testTarget(name: "SlateStreamTests", dependencies: ["SlateStream", "SlateJSON", "SlateSSE", "SlateTestSupport", "FuzzChecks"]),
    .testTarget(name: "SlateSchemaTests", dependencies: ["SlateSchema", "SlateTestSupport", "FuzzChecks"]),
    .testTarget(
      name: "SlateTurnTests",
      dependencies: ["SlateTurn", "SlateStream", "SlateDispatch", "SlateJSON", "SlateSchema", "SlateSQLite", "SlateTestSupport"]
        + observability + [
          // The observability check's in-memory backends.
          .product(name: "InMemoryLogging", package: "swift-log"),
          .product(name: "MetricsTestKit", package: "swift-metrics"),
          .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
        ]
    ),
    // The CLI end to end: runs the built `slate` executable.
    .testTarget(name: "SlateCLITests", dependencies: ["SlateCore", "SlateJSON", "SlateTestSupport"]),
    .testTarget(
      name: "SlateFilmTests",
      dependencies: ["SlateFilm", "SlateStream", "SlateJSON", "SlateSSE", "SlateSchema", "SlateDispatch", "SlateTurn",
                     "SlateTestSupport", "FuzzChecks"]
    ),
    .testTarget(
      name: "SlateServiceTests",
      dependencies: ["SlateService", "SlateDispatch", "SlateSchema", "SlateJSON",
                     .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                     .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle")]
    ),
    // A host that imports only `Slate`: a pack, a handler, the dispatcher over SQLite.
    .testTarget(name: "SlateHostTests", dependencies: ["Slate"]),
    .testTarget(
      name: "SlateDispatchTests",
      dependencies: [
        "SlateDispatch", "SlateSchema", "SlateJSON", "SlateFilm", "SlateTestSupport", "LedgerConformance",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
    .testTarget(
      name: "SlateSQLiteTests",
      dependencies: [
        "SlateSQLite", "SlateDispatch", "SlateSchema", "SlateJSON", "SlateFilm", "SlateTestSupport", "LedgerConformance",
        // Raw access to a ledger file, to plant rows the ledger itself would never write.
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    .testTarget(
      name: "SlateNIOTests",
      dependencies: ["SlateNIO", "SlateTurn", "SlateDispatch", "SlateSchema", "SlateStream", "SlateJSON", "SlateTestSupport",
                     .product(name: "NIOCore", package: "swift-nio")]
    ),
    // Over real HTTP on loopback: RecordingServer, AsyncHTTPClient, the pipeline.
    .testTarget(
      name: "SlateHTTPTests",
      dependencies: ["SlateHTTP", "SlateNIO", "SlateTurn", "SlateStream", "SlateSchema", "SlateCore", "SlateTestSupport",
                     .product(name: "NIOCore", package: "swift-nio"),
                     .product(name: "NIOPosix", package: "swift-nio"),
                     .product(name: "AsyncHTTPClient", package: "async-http-client")]
    ),
    .testTarget(
      name: "SlatePostgresTests",
      dependencies: [
        "SlatePostgres", "SlateCore", "SlateDispatch", "SlateSchema", "SlateJSON", "SlateFilm", "SlateTestSupport",
        "LedgerConformance",
        // Raw connections, to plant rows and terminate backends the ledger itself never would.
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6],
  cxxLanguageStandard: .cxx17
)
