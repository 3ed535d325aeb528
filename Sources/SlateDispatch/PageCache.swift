#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How much memory a ``DispatchTally`` keeps its per-key state in: pages of ``pageSize``
/// bytes, at most ``pages`` of them in memory. Past them, the pages live in an unlinked
/// temporary file (read and written with `pread`/`pwrite`; the data then sits in the
/// kernel's page cache, not in the process), and the ``pages`` frames cache the pages last
/// used (clock replacement).
public struct TallyMemory: Sendable, Hashable {
  /// Bytes per page (at least 128: one slot).
  public var pageSize: Int
  /// Pages kept in memory (at least 1).
  public var pages: Int

  public init(pageSize: Int = 1 << 14, pages: Int = 512) {
    precondition(pageSize >= 128 && pages >= 1, "a tally needs pages of 128 bytes or more, and one of them in memory")
    self.pageSize = pageSize
    self.pages = pages
  }

  /// 16 KiB pages, 8 MiB in memory: a tally of up to ~70,000 keys never touches its file.
  public static let `default` = TallyMemory()

  /// The bytes of the pages in memory.
  public var bytes: Int { pageSize * pages }
}

/// Pages of bytes numbered from 0, the first ``frameLimit`` of them in memory frames; past
/// them, the page a frame holds is written to an unlinked temporary file when it changed
/// (made on the first such write, `mkstemp` in `$TMPDIR` or `/tmp`) and read back when used
/// again. A page never written reads as zeros.
///
/// ``frame(_:writing:)`` gives a page's frame, valid until the next call: callers copy
/// values in and out and keep no pointer. If the file cannot be made or written, pages
/// stay in memory (more frames): the values stay right, only the bound is lost
/// (``spillFailed``). A page written to the file that cannot be read back stops the
/// process (the tally would be wrong).
///
/// Not thread-safe: its owner (``TallyKeys``) serialises access.
struct PageCache: @unchecked Sendable {
  let pageSize: Int
  let frameLimit: Int
  private var frames: [UnsafeMutableRawPointer] = []
  /// Per frame: the page it holds, or -1.
  private var framePage: [Int32] = []
  private var referenced: [Bool] = []
  private var dirty: [Bool] = []
  private var freeFrames: [Int] = []
  private var hand = 0
  /// Per page: its frame + 1 when in memory, else 0.
  private var pageFrame: [Int32] = []
  /// Per page: whether the file holds its bytes (else they are zeros).
  private var onFile: [Bool] = []
  private var freePages: [Int32] = []
  private var file: Int32 = -1
  /// Whether the file could not be made or written (pages then stay in memory).
  private(set) var spillFailed = false
  /// Pages read from and written to the file.
  private(set) var reads = 0
  private(set) var writes = 0

  init(_ memory: TallyMemory) {
    pageSize = memory.pageSize
    frameLimit = memory.pages
  }

  /// The pages made (freed ones included).
  var pageCount: Int { pageFrame.count }

  /// The bytes of the frames (the pages in memory).
  var residentBytes: Int { frames.count * pageSize }

  /// The bytes of the pages in use, wherever they are.
  var usedBytes: Int { (pageFrame.count - freePages.count) * pageSize }

  /// Whether a page was ever written to the file.
  var spilled: Bool { file >= 0 }

  /// A page of zeros: a freed one, else a new one.
  mutating func allocate() -> Int {
    if let page = freePages.popLast() {
      let page = Int(page)
      if pageFrame[page] != 0 { memset(frame(page, writing: true), 0, pageSize) }
      return page
    }
    pageFrame.append(0)
    onFile.append(false)
    return pageFrame.count - 1
  }

  /// `count` new pages of zeros with consecutive numbers; the first's.
  mutating func allocateRun(_ count: Int) -> Int {
    let first = pageFrame.count
    pageFrame.append(contentsOf: repeatElement(0, count: count))
    onFile.append(contentsOf: repeatElement(false, count: count))
    return first
  }

  /// Gives `page` back (its bytes are dropped).
  mutating func release(_ page: Int) {
    let f = Int(pageFrame[page]) - 1
    if f >= 0 {
      framePage[f] = -1
      dirty[f] = false
      referenced[f] = false
      freeFrames.append(f)
      pageFrame[page] = 0
    }
    onFile[page] = false
    freePages.append(Int32(page))
  }

  /// The frame holding `page` (read in, or zeros), marked used, and changed when `writing`.
  /// Valid until the next call.
  mutating func frame(_ page: Int, writing: Bool) -> UnsafeMutableRawPointer {
    var f = Int(pageFrame[page]) - 1
    if f < 0 {
      f = takeFrame()
      framePage[f] = Int32(page)
      pageFrame[page] = Int32(f + 1)
      dirty[f] = false
      if onFile[page] { read(page, into: frames[f]) } else { memset(frames[f], 0, pageSize) }
    }
    referenced[f] = true
    if writing { dirty[f] = true }
    return frames[f]
  }

  /// A frame to put a page in: a free one, a new one under the limit, else the clock's
  /// victim (written to the file first when changed).
  private mutating func takeFrame() -> Int {
    if let f = freeFrames.popLast() { return f }
    if frames.count < frameLimit || spillFailed { return newFrame() }
    while true {
      let f = hand
      hand = (hand + 1) % frames.count
      if referenced[f] {
        referenced[f] = false
        continue
      }
      let page = Int(framePage[f])
      if page >= 0 {
        if dirty[f] {
          guard write(page, from: frames[f]) else {
            spillFailed = true
            return newFrame()
          }
          onFile[page] = true
        }
        pageFrame[page] = 0
      }
      framePage[f] = -1
      dirty[f] = false
      return f
    }
  }

  private mutating func newFrame() -> Int {
    frames.append(UnsafeMutableRawPointer.allocate(byteCount: pageSize, alignment: 16))
    framePage.append(-1)
    referenced.append(false)
    dirty.append(false)
    return frames.count - 1
  }

  /// Writes a page to the file (made on first use). False when it cannot.
  private mutating func write(_ page: Int, from bytes: UnsafeMutableRawPointer) -> Bool {
    if file < 0 {
      guard let made = Self.makeFile() else { return false }
      file = made
    }
    var done = 0
    while done < pageSize {
      let n = pwrite(file, bytes + done, pageSize - done, off_t(page) * off_t(pageSize) + off_t(done))
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return false }
      done += n
    }
    writes += 1
    return true
  }

  /// Reads a page the file holds.
  private mutating func read(_ page: Int, into bytes: UnsafeMutableRawPointer) {
    var done = 0
    while done < pageSize {
      let n = pread(file, bytes + done, pageSize - done, off_t(page) * off_t(pageSize) + off_t(done))
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { fatalError("a DispatchTally's spill file could not be read back (errno \(errno))") }
      done += n
    }
    reads += 1
  }

  /// An unlinked temporary file, open for reading and writing, or nil.
  private static func makeFile() -> Int32? {
    let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array((directory + "/slate-tally-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { return nil }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return fd
  }

  /// Frees the frames and closes the file.
  mutating func close() {
    for frame in frames { frame.deallocate() }
    frames = []
    if file >= 0 { _ = Glibc_close(file) }
    file = -1
  }

  /// A copy of every page in use into a cache of the same size (for a tally copied before a change).
  mutating func cloned() -> PageCache {
    var copy = PageCache(TallyMemory(pageSize: pageSize, pages: frameLimit))
    copy.pageFrame = Array(repeating: 0, count: pageFrame.count)
    copy.onFile = Array(repeating: false, count: onFile.count)
    copy.freePages = freePages
    let free = Set(freePages)
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: pageSize, alignment: 16)
    defer { buffer.deallocate() }
    for page in 0..<pageFrame.count where !free.contains(Int32(page)) {
      buffer.copyMemory(from: frame(page, writing: false), byteCount: pageSize)
      copy.frame(page, writing: true).copyMemory(from: buffer, byteCount: pageSize)
    }
    return copy
  }
}

/// `close(2)` under a name that does not clash with ``PageCache/close()``.
@inline(__always) private func Glibc_close(_ fd: Int32) -> Int32 { close(fd) }

/// An array of fixed-size values in a ``PageCache``'s pages (as many per page as fit, none
/// across two): the page numbers in memory, the values wherever the pages are.
struct PagedArray<Element: BitwiseCopyable>: Sendable {
  private(set) var pages: [Int32] = []
  private(set) var count = 0
  let perPage: Int

  init(pageSize: Int) {
    perPage = pageSize / MemoryLayout<Element>.stride
    precondition(perPage > 0, "a page holds no \(Element.self)")
  }

  func get(_ i: Int, _ cache: inout PageCache) -> Element {
    let frame = cache.frame(Int(pages[i / perPage]), writing: false)
    return frame.loadUnaligned(fromByteOffset: (i % perPage) * MemoryLayout<Element>.stride, as: Element.self)
  }

  mutating func set(_ i: Int, _ value: Element, _ cache: inout PageCache) {
    let frame = cache.frame(Int(pages[i / perPage]), writing: true)
    frame.storeBytes(of: value, toByteOffset: (i % perPage) * MemoryLayout<Element>.stride, as: Element.self)
  }

  mutating func append(_ value: Element, _ cache: inout PageCache) {
    if count == pages.count * perPage { pages.append(Int32(cache.allocate())) }
    count += 1
    set(count - 1, value, &cache)
  }

  /// `count` zero values (in fresh pages), the pages held before given back.
  mutating func reset(zeros count: Int, _ cache: inout PageCache) {
    release(&cache)
    for _ in 0..<((count + perPage - 1) / perPage) { pages.append(Int32(cache.allocate())) }
    self.count = count
  }

  /// Gives the pages back; empty after.
  mutating func release(_ cache: inout PageCache) {
    for page in pages { cache.release(Int(page)) }
    pages = []
    count = 0
  }
}

extension Optional {
  /// Gives the pages of a paged array held here back (an order dropped at a change); nil after.
  mutating func release<Element>(_ cache: inout PageCache) where Wrapped == PagedArray<Element> {
    if self != nil {
      self!.release(&cache)
      self = nil
    }
  }
}

/// Byte strings appended into a ``PageCache``'s pages: one that fits in what is left of the
/// current page goes there, else on a new page; one longer than a page on consecutive new
/// pages of its own. Where each is: a ``ByteArena/Span`` (its first page, offset, length).
struct PagedBytes: Sendable {
  private var current = -1
  private var used = 0
  /// The pages taken (4 bytes each), for ``release(_:)``.
  private var taken: [Int32] = []
  /// The bytes appended.
  private(set) var count = 0

  mutating func append(_ bytes: some Collection<UInt8>, _ cache: inout PageCache) -> ByteArena.Span {
    let n = bytes.count
    let size = cache.pageSize
    if n <= size {
      if current < 0 || used + n > size {
        current = cache.allocate()
        taken.append(Int32(current))
        used = 0
      }
      let frame = cache.frame(current, writing: true)
      var at = used
      for byte in bytes {
        frame.storeBytes(of: byte, toByteOffset: at, as: UInt8.self)
        at += 1
      }
      defer { used += n }
      count += n
      return ByteArena.Span(page: UInt32(current), offset: UInt32(used), count: UInt32(n))
    }
    let run = (n + size - 1) / size
    let first = cache.allocateRun(run)
    taken.append(contentsOf: (first..<(first + run)).lazy.map { Int32($0) })
    var page = first
    var at = 0
    var frame = cache.frame(page, writing: true)
    for byte in bytes {
      if at == size {
        page += 1
        at = 0
        frame = cache.frame(page, writing: true)
      }
      frame.storeBytes(of: byte, toByteOffset: at, as: UInt8.self)
      at += 1
    }
    count += n
    return ByteArena.Span(page: UInt32(first), offset: 0, count: UInt32(n))
  }

  /// Gives the pages back; empty after.
  mutating func release(_ cache: inout PageCache) {
    for page in taken { cache.release(Int(page)) }
    self = PagedBytes()
  }

  /// The bytes of `span`.
  static func read(_ span: ByteArena.Span, _ cache: inout PageCache) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Int(span.count))
    var page = Int(span.page)
    var offset = Int(span.offset)
    var done = 0
    out.withUnsafeMutableBytes { target in
      while done < Int(span.count) {
        let take = min(Int(span.count) - done, cache.pageSize - offset)
        let frame = cache.frame(page, writing: false)
        (target.baseAddress! + done).copyMemory(from: frame + offset, byteCount: take)
        done += take
        page += 1
        offset = 0
      }
    }
    return out
  }
}
