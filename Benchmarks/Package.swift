// swift-tools-version: 6.1
// Slate's benchmarks: a package of its own so that building and testing the engine never
// builds package-benchmark. Run from this folder: `swift package benchmark` (see README).
import Foundation
import PackageDescription

// The root package is referenced by path; its identity is its folder's name, which depends
// on where it was cloned, so derive it instead of hard-coding it.
let rootDirectory = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
let root = rootDirectory.lastPathComponent.lowercased()

func suite(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
  .executableTarget(
    name: name,
    dependencies: [.product(name: "Benchmark", package: "benchmark")]
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
  ],
  targets: [
    suite("JSONBenchmarks", ["SlateJSON"]),
    suite("SSEBenchmarks", ["SlateSSE"]),
    suite("FramerBenchmarks", ["SlateJSON"]),
    suite("SchemaBenchmarks", ["SlateSchema", "SlateJSON"]),
  ],
  swiftLanguageModes: [.v6]
)
