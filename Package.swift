// swift-tools-version: 6.1
// Slate: streaming LLM responses to validated, idempotently dispatched actions.
// Engine modules depend on simdjson and the standard library only; the CLI brings
// swift-argument-parser. Benchmarks live in their own package under Benchmarks/.
import PackageDescription

let package = Package(
  name: "Slate",
  products: [
    .library(name: "SlateSSE", targets: ["SlateSSE"]),
    .library(name: "SlateJSON", targets: ["SlateJSON"]),
    .library(name: "SlateSchema", targets: ["SlateSchema"]),
    .library(name: "Slate", targets: ["Slate"]),
    .executable(name: "slate", targets: ["slate"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
  ],
  targets: [
    // C++17 shim over Debian's libsimdjson-dev; the define is what `pkg-config --cflags simdjson` gives.
    .target(
      name: "CSimdjson",
      cxxSettings: [.define("SIMDJSON_THREADS_ENABLED", to: "1")],
      linkerSettings: [.linkedLibrary("simdjson")]
    ),
    .target(name: "SlateSSE"),
    .target(name: "SlateJSON", dependencies: ["CSimdjson"]),
    // Provider dialects (SSE events -> typed deltas); the turn pipeline joins them later.
    .target(name: "Slate", dependencies: ["SlateJSON"]),
    // Schema packs, the compiled validator, idempotency keys and action batches. Standard
    // library only (NFC and case folding come from the stdlib's `_Unicode` SPI).
    .target(name: "SlateSchema", dependencies: ["SlateJSON"]),
    .executableTarget(
      name: "slate",
      dependencies: [
        "SlateSSE",
        "SlateJSON",
        "SlateSchema",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Fuzzing: the properties live in FuzzChecks (also run by the tests over saved inputs);
    // each fuzz-* executable is a libFuzzer entry point (scripts/fuzz.sh) or, built plainly,
    // a replayer of the files it is given.
    .target(name: "FuzzChecks", dependencies: ["SlateJSON", "SlateSSE", "Slate", "SlateSchema"], path: "Fuzz/FuzzChecks"),
    .executableTarget(name: "fuzz-json", dependencies: ["FuzzChecks", "SlateJSON"], path: "Fuzz/fuzz-json"),
    .executableTarget(name: "fuzz-sse", dependencies: ["FuzzChecks"], path: "Fuzz/fuzz-sse"),
    .executableTarget(name: "fuzz-framer", dependencies: ["FuzzChecks"], path: "Fuzz/fuzz-framer"),
    .executableTarget(name: "fuzz-dialect", dependencies: ["FuzzChecks"], path: "Fuzz/fuzz-dialect"),
    .executableTarget(name: "fuzz-schema", dependencies: ["FuzzChecks", "SlateSchema"], path: "Fuzz/fuzz-schema"),
    .target(name: "SlateTestSupport", path: "Tests/SlateTestSupport"),
    .testTarget(name: "SlateJSONTests", dependencies: ["SlateJSON", "SlateTestSupport", "FuzzChecks"]),
    .testTarget(name: "SlateSSETests", dependencies: ["SlateSSE", "SlateJSON", "SlateTestSupport"]),
    // SlateSSE only to turn the recordings into events; the Slate module does not depend on it.
    .testTarget(name: "SlateTests", dependencies: ["Slate", "SlateJSON", "SlateSSE", "SlateTestSupport", "FuzzChecks"]),
    .testTarget(name: "SlateSchemaTests", dependencies: ["SlateSchema", "SlateTestSupport", "FuzzChecks"]),
  ],
  swiftLanguageModes: [.v6],
  cxxLanguageStandard: .cxx17
)
