// swift-tools-version: 6.1
// Slate: streaming LLM responses to validated, idempotently dispatched actions.
// Engine modules depend on simdjson and the standard library only; the CLI brings
// swift-argument-parser. Benchmarks live in their own package under Benchmarks/.
import PackageDescription

let package = Package(
  name: "Slate",
  products: [
    .library(name: "SlateJSON", targets: ["SlateJSON"]),
    .library(name: "SlateSchema", targets: ["SlateSchema"]),
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
    .target(name: "SlateJSON", dependencies: ["CSimdjson"]),
    // Schema packs, the compiled validator, idempotency keys and action batches. Standard
    // library only (NFC and case folding come from the stdlib's `_Unicode` SPI).
    .target(name: "SlateSchema", dependencies: ["SlateJSON"]),
    .executableTarget(
      name: "slate",
      dependencies: [
        "SlateJSON",
        "SlateSchema",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .target(name: "SlateTestSupport", path: "Tests/SlateTestSupport"),
    .testTarget(name: "SlateJSONTests", dependencies: ["SlateJSON", "SlateTestSupport"]),
    .testTarget(name: "SlateSchemaTests", dependencies: ["SlateSchema", "SlateTestSupport"]),
  ],
  swiftLanguageModes: [.v6],
  cxxLanguageStandard: .cxx17
)
