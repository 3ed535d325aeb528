import Slate
import SlateJSON

#if canImport(Glibc)
  import Glibc
#endif

/// Reads a replay bundle from disk as untrusted input (see ``ReplayBundle``): the manifest,
/// then every file it lists, each opened from the bundle's folder one path component at a
/// time with `O_NOFOLLOW` (a symbolic link anywhere on the path is refused), `O_NONBLOCK`
/// (opening a FIFO never waits), checked with `fstat` to be a regular file, and read up to
/// its size limit. Never hangs; memory is bounded by the limits.
enum BundleReader {
  /// The bundle in `directory`, or a ``BundleError``.
  static func read(_ directory: String) throws(BundleError) -> ReplayBundle {
    let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folder < 0 { throw .unreadable("cannot open \(directory): \(String(cString: strerror(errno)))") }
    defer { close(folder) }
    let manifestBytes = try readFile(in: folder, "manifest.json", limit: ReplayBundle.maxFileBytes)
    var files = ["manifest.json": manifestBytes]
    guard let manifest = try? SimdjsonParser().parse(manifestBytes) else {
      throw .unreadable("manifest.json is not a \(ReplayBundle.format) manifest")
    }
    if case .object(let listed)? = manifest["files"] {
      for member in listed.members {
        files[member.key] = try readFile(in: folder, member.key, limit: ReplayBundle.sizeLimit(of: member.key, manifest: manifest))
      }
    }
    return ReplayBundle(files: files)
  }

  /// The bytes of the regular file at `path` (relative to the open folder `folder`), at most
  /// `limit` of them.
  static func readFile(in folder: Int32, _ path: String, limit: Int) throws(BundleError) -> [UInt8] {
    let components = try ReplayBundle.components(of: path)
    var directory = folder
    defer { if directory != folder { close(directory) } }
    for component in components.dropLast() {
      let next = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      if next < 0 { throw failure(path, errno, folder: true) }
      if directory != folder { close(directory) }
      directory = next
    }
    let fd = openat(directory, components.last!, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
    if fd < 0 { throw failure(path, errno, folder: false) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .unreadable("cannot stat \(path): \(String(cString: strerror(errno)))") }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw .notRegularFile(path, kind: "a folder")
    case S_IFIFO: throw .notRegularFile(path, kind: "a FIFO")
    case S_IFCHR, S_IFBLK: throw .notRegularFile(path, kind: "a device")
    case S_IFSOCK: throw .notRegularFile(path, kind: "a socket")
    default: throw .notRegularFile(path, kind: "not a regular file")
    }
    if Int(info.st_size) > limit { throw .tooLarge(path, limit: limit) }
    var out: [UInt8] = []
    out.reserveCapacity(Int(info.st_size))
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .unreadable("cannot read \(path): \(String(cString: strerror(errno)))")
      }
      if n == 0 { return out }
      // The file may grow while it is read: the limit holds for what is read, not only for
      // what fstat said.
      if out.count + n > limit { throw .tooLarge(path, limit: limit) }
      out.append(contentsOf: buffer[0..<n])
    }
  }

  /// The error for a failed `openat` of `path` (of one of its folders with `folder`).
  static func failure(_ path: String, _ code: Int32, folder: Bool) -> BundleError {
    switch code {
    case ENOENT: .missingFile(path)
    case ELOOP: .notRegularFile(path, kind: folder ? "under a symbolic link" : "a symbolic link")
    case ENOTDIR: .notRegularFile(path, kind: "under something that is not a folder")
    default: .unreadable("cannot open \(path): \(String(cString: strerror(code)))")
    }
  }
}
