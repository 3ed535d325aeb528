#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads the recordings a ``RecordingServer`` serves from disk: one file, or each regular
/// file of a directory (not hidden, not an `*.expected.json` golden, not `*.md`), named by
/// file name. O(bytes).
enum RecordingFiles {
  static func load(_ path: String) throws -> [String: [UInt8]] {
    if let directory = opendir(path) {
      defer { closedir(directory) }
      var names: [String] = []
      while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
          String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        guard !name.hasPrefix("."), !name.hasSuffix(".expected.json"), !name.hasSuffix(".md") else { continue }
        names.append(name)
      }
      var recordings: [String: [UInt8]] = [:]
      for name in names {
        let full = "\(path)/\(name)"
        guard isRegularFile(full) else { continue }
        recordings[name] = try readAll(full)
      }
      return recordings
    }
    let name = path.split(separator: "/").last.map(String.init(_:)) ?? path
    return [name: try readAll(path)]
  }

  private static func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  private static func readAll(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw RecordingServerError.unreadable(path, String(cString: strerror(errno))) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw RecordingServerError.unreadable(path, String(cString: strerror(errno)))
      }
      if n == 0 { return bytes }
      bytes.append(contentsOf: block[0..<n])
    }
  }
}
