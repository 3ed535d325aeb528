import ArgumentParser
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

  /// Reads and compiles a schema pack; a pack that does not compile is exit 2, with its
  /// code and schema path on standard error.
  static func compilePack(_ path: String) throws -> CompiledPack {
    do {
      return try CompiledPack(bytes: try readAll(path))
    } catch let error as SchemaError {
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

