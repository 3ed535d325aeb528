// swift-tools-version: 6.1
// Slate: streaming LLM responses to validated, idempotently dispatched actions.
// Engine modules depend on simdjson and the standard library only; SlateSQLite brings GRDB
// (over the system SQLite), the CLI swift-argument-parser. One module per step of the data
// flow (see ../shared/DESIGN.md and the README's module table). Benchmarks live in their own
// package under Benchmarks/.
import PackageDescription

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
    .library(name: "SlatePostgres", targets: ["SlatePostgres"]),
    .executable(name: "slate", targets: ["SlateCLI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    // The SQLite ledger only (system libsqlite3-dev, see scripts/ensure-deps.sh).
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    // Test-only: property tests of the dispatch-result merge laws.
    .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    // The PostgreSQL ledger only (SlatePostgres); its cold debug build is minutes (BoringSSL).
    .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
  ],
  targets: [
    // C++17 shim over Debian's libsimdjson-dev; the define is what `pkg-config --cflags simdjson` gives.
    .target(
      name: "CSimdjson",
      cxxSettings: [.define("SIMDJSON_THREADS_ENABLED", to: "1")],
      linkerSettings: [.linkedLibrary("simdjson")]
    ),
    // What every layer shares: one `Severity`, one typed `DiagnosticCode`, the `PushParser`
    // contract with its overloads and `AsyncSequence` adapter, the seeded `SplitMix64`.
    // Standard library only; SlateSSE and SlateJSON re-export it.
    .target(name: "SlateCore"),
    // Step 1: the WHATWG event-stream parser. Standard library only.
    .target(name: "SlateSSE", dependencies: ["SlateCore"]),
    // Step 3 and the JSON foundation: values, pointers, the incremental framer, simdjson.
    .target(name: "SlateJSON", dependencies: ["SlateCore", "CSimdjson"]),
    // Step 4-5: schema packs, the compiled validator, idempotency keys and action batches.
    // Standard library only (NFC and case folding come from the stdlib's `_Unicode` SPI).
    .target(name: "SlateSchema", dependencies: ["SlateJSON"]),
    // Step 2: provider dialects (SSE events -> typed deltas) and the action stream (raw
    // bytes -> framed values, with one diagnostic shape). Knows nothing of schemas or ledgers.
    .target(name: "SlateStream", dependencies: ["SlateCore", "SlateSSE", "SlateJSON"]),
    // Step 6-8: exactly-once dispatch: ledger protocol and in-memory ledger, dispatcher,
    // results, turn record, audit. Standard library only (plus Synchronization's Mutex).
    .target(name: "SlateDispatch", dependencies: ["SlateCore", "SlateSchema", "SlateJSON"]),
    // The embedded durable ledger: SlateDispatch's DispatchLedger over SQLite (WAL) through
    // GRDB. The only engine module that depends on GRDB.
    .target(
      name: "SlateSQLite",
      dependencies: ["SlateDispatch", "SlateJSON", .product(name: "GRDB", package: "GRDB.swift")]
    ),
    // The shared durable ledger: SlateDispatch's DispatchLedger over PostgreSQL 15 through
    // postgres-nio. The only module that depends on postgres-nio; the core builds without it.
    .target(
      name: "SlatePostgres",
      dependencies: ["SlateDispatch", "SlateJSON", .product(name: "PostgresNIO", package: "postgres-nio")]
    ),
    // A turn end to end: the pipeline (stream -> actions and batches), the turn runner,
    // replay bundles and the JSON-lines output of every layer.
    .target(name: "SlateTurn", dependencies: ["SlateCore", "SlateSSE", "SlateJSON", "SlateSchema", "SlateStream", "SlateDispatch"]),
    // `import Slate`: `@_exported import`s of the engine and the SQLite ledger, nothing else.
    .target(
      name: "Slate",
      dependencies: ["SlateCore", "SlateSSE", "SlateJSON", "SlateSchema", "SlateStream", "SlateDispatch", "SlateSQLite", "SlateTurn"]
    ),
    // The reference film domain: its handler and the synthetic corpus generator (film turns
    // written as each provider streams them, for Corpus/, tests and benchmarks).
    .target(name: "SlateFilm", dependencies: ["SlateCore", "SlateStream", "SlateDispatch", "SlateJSON"]),
    // The `slate` executable.
    .executableTarget(
      name: "SlateCLI",
      dependencies: [
        "Slate",
        "SlateFilm",
        "SlatePostgres",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
    // A host process for the crash tests (SlateTurnTests' LiveTurnCrashTests): a support
    // pack, an async handler, a live turn over SQLite, SIGKILLed at a handler call or a byte.
    .executableTarget(name: "slate-test-host", dependencies: ["Slate"], path: "Tests/SlateTestHost"),
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
    ),
    // The CLI end to end: runs the built `slate` executable.
    .testTarget(name: "SlateCLITests", dependencies: ["SlateJSON", "SlateTestSupport"]),
    .testTarget(
      name: "SlateFilmTests",
      dependencies: ["SlateFilm", "SlateStream", "SlateJSON", "SlateSSE", "SlateSchema", "SlateDispatch", "SlateTurn",
                     "SlateTestSupport"]
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
      name: "SlatePostgresTests",
      dependencies: [
        "SlatePostgres", "SlateDispatch", "SlateSchema", "SlateJSON", "SlateFilm", "SlateTestSupport", "LedgerConformance",
        // Raw connections, to plant rows and terminate backends the ledger itself never would.
        .product(name: "PostgresNIO", package: "postgres-nio"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6],
  cxxLanguageStandard: .cxx17
)
