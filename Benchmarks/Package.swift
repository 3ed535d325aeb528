// swift-tools-version: 6.1
// Slate's benchmarks: a package of its own so that building and testing the engine never
// builds package-benchmark. Run from this folder: `swift package benchmark` (see README).
import Foundation
import PackageDescription

// The root package is referenced by path; its identity is its folder's name, which depends
// on where it was cloned, so derive it instead of hard-coding it.
let rootDirectory = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
let root = rootDirectory.lastPathComponent.lowercased()

/// One benchmark suite: an executable in a folder of its own directly under Benchmarks/
/// (where package-benchmark looks for them), with the shared support library.
func suite(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
  .executableTarget(
    name: name,
    dependencies: ["BenchSupport", .product(name: "Benchmark", package: "benchmark")]
      + products.map { .product(name: $0, package: root) } + extra,
    path: name,
    plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
  )
}

let package = Package(
  name: "SlateBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    // Only for DigestBenchmarks: the engine's SHA-256 against swift-crypto's (issue 16).
    .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
  ],
  targets: [
    // Live heap bytes from the C allocator (glibc mallinfo2), for the peak-memory metric.
    .target(name: "CBenchHeap", path: "Support/CBenchHeap"),
    // What the suites share: quick mode, metrics, inputs, peers and lower bounds. Under
    // Support/ so that package-benchmark does not take it for a suite.
    .target(
      name: "BenchSupport",
      dependencies: [
        "CBenchHeap",
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "SlateSSE", package: root),
        .product(name: "SlateJSON", package: root),
        .product(name: "SlateSchema", package: root),
      ],
      path: "Support/BenchSupport"
    ),
    // Instruction-count profiles under callgrind (scripts/callgrind.sh); not a suite.
    .executableTarget(
      name: "ProfileDriver",
      dependencies: ["BenchSupport", .product(name: "SlateStream", package: root), .product(name: "SlateFilm", package: root),
                     .product(name: "SlateTurn", package: root)],
      path: "Support/ProfileDriver"
    ),
    suite("JSONBenchmarks", ["SlateJSON"]),
    suite("SSEBenchmarks", ["SlateSSE", "SlateJSON"]),
    suite("FramerBenchmarks", ["SlateJSON"]),
    suite("SchemaBenchmarks", ["SlateSchema", "SlateJSON"]),
    suite("PipelineBenchmarks", ["Slate", "SlateFilm", "SlateSchema", "SlateSSE", "SlateJSON"]),
    // PostgreSQL beside SQLite for the worker benchmarks (WorkerBenchmarks.swift).
    suite("DispatchBenchmarks", ["SlateDispatch", "SlateSQLite", "SlatePostgres", "SlateFilm", "SlateSchema", "SlateJSON"]),
    suite("DigestBenchmarks", ["SlateSchema", "SlateJSON"], extra: [.product(name: "Crypto", package: "swift-crypto")]),
  ],
  swiftLanguageModes: [.v6]
)
