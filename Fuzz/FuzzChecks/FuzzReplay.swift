#if canImport(Glibc)
  import Glibc
#endif

/// Replays saved inputs through a check: the non-fuzzing entry point of every fuzz target.
public enum FuzzReplay {
  public static func run(_ paths: some Sequence<String>, check: ([UInt8]) -> Void) {
    var count = 0
    for path in paths {
      guard let bytes = read(path) else {
        print("cannot open \(path)")
        exit(2)
      }
      check(bytes)
      count += 1
    }
    print("replayed \(count) inputs")
  }

  /// The body of `LLVMFuzzerTestOneInput`: runs `check` on libFuzzer's input.
  public static func one(_ data: UnsafePointer<UInt8>, _ size: Int, _ check: (UnsafeRawBufferPointer) -> Void) -> Int32 {
    check(UnsafeRawBufferPointer(start: data, count: size))
    return 0
  }

  /// The body of a plain build's `main`: replays the files named on the command line.
  public static func main(_ check: (UnsafeRawBufferPointer) -> Void) {
    run(CommandLine.arguments.dropFirst()) { bytes in bytes.withUnsafeBytes { check($0) } }
  }

  /// The bytes of the file at `path`, or nil when it cannot be opened.
  public static func read(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = fread(&buffer, 1, buffer.count, file)
      if n == 0 { break }
      bytes.append(contentsOf: buffer[0..<n])
    }
    return bytes
  }
}
