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
