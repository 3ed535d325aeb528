import ArgumentParser
import SlateJSON
import SlateSchema

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading inputs and writing outputs for the commands, with I/O failures as exit code 2.
enum CLIIO {
  /// Exit code for usage and I/O errors.
  static let usageOrIO: Int32 = 2

  /// The whole file at `path`, or standard input for "-". Throws exit 2 on failure,
  /// after printing the reason to standard error.
  static func readAll(_ path: String) throws -> [UInt8] {
    let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
    if fd < 0 { fail("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { if fd != 0 { close(fd) } }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        fail("cannot read \(path): \(String(cString: strerror(errno)))")
      }
      if n == 0 { break }
      out.append(contentsOf: buffer[0..<n])
    }
    return out
  }

  /// Writes `bytes` to the file at `path` (created or truncated), or to standard output for
  /// "-". Throws exit 2 on failure, after printing the reason to standard error.
  static func writeAll(_ bytes: [UInt8], to path: String) throws {
    let fd: Int32 = path == "-" ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd < 0 { fail("cannot create \(path): \(String(cString: strerror(errno)))") }
    defer { if fd != 1 { close(fd) } }
    var done = 0
    while done < bytes.count {
      let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        fail("cannot write \(path): \(String(cString: strerror(errno)))")
      }
      done += n
    }
  }

  /// Creates the folder at `path` and its missing parents. Throws exit 2 on failure.
  static func makeDirectories(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += component + "/"
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST { fail("cannot create \(prefix): \(String(cString: strerror(errno)))") }
    }
  }

  /// The names of the entries of the folder at `path`, sorted; empty when it cannot be read.
  static func listDirectory(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// Reads and compiles a schema pack; a pack that is not JSON is exit 2 with the parse
  /// error's code and byte offset, one that does not compile is exit 2 with its code and
  /// schema path, on standard error.
  static func compilePack(_ path: String) throws -> CompiledPack {
    let bytes = try readAll(path)
    do {
      _ = try SimdjsonParser().parse(bytes)
    } catch {
      printError("slate: \(path): the pack is not JSON: \(error.code.rawValue) at byte \(error.offset): \(error.message)")
      throw ExitCode(usageOrIO)
    }
    do {
      let stem = path.split(separator: "/").last.map { $0.split(separator: ".").first.map { String($0) } ?? "" } ?? ""
      return try CompiledPack(bytes: bytes, defaultName: stem.isEmpty || path == "-" ? nil : stem,
                              loadFile: toolsLoader(packPath: path))
    } catch {
      printError("slate: \(path): \(error.code) at #\(error.schemaPath): \(error.message)")
      throw ExitCode(usageOrIO)
    }
  }

  static func fail(_ message: String) -> Never {
    printError("slate: \(message)")
    exit(usageOrIO)
  }

  static func printError(_ message: String) {
    var line = message
    line += "\n"
    line.withUTF8 { buffer in
      var rest = UnsafeRawBufferPointer(buffer)
      while !rest.isEmpty {
        let n = write(2, rest.baseAddress, rest.count)
        if n <= 0 { return }
        rest = UnsafeRawBufferPointer(rebasing: rest[n...])
      }
    }
  }
}

