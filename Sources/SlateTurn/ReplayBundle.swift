import SlateStream
import SlateDispatch
import SlateJSON
import SlateSSE
import SlateSchema

/// A turn's replayable record, as a set of files (the host writes them to a folder and
/// reads them back; this type does no I/O):
///
/// | file | what it holds |
/// |---|---|
/// | `manifest.json` | format `slate.bundle.v1`, the Slate version, the turn, project, dialect and mode, the pack's name, version and SHA-256, the phases and their streams, the SHA-256 (`files`) and the size in bytes (`sizes`) of every other file |
/// | `pack.json` | the schema pack, byte for byte |
/// | `plan.json` | the turn's plan action, when it had one |
/// | `streams/NN-NAME.sse` | each phase's raw stream, byte for byte |
/// | `events.jsonl` | each stream's SSE events (`phase`, `type`, `offset`, `end`, `data`) |
/// | `deltas.jsonl` | each stream's dialect deltas (``Delta/jsonLine``), with `phase` |
/// | `actions.jsonl` | per phase a `phase` line, then the `slate actions --json` lines (actions, rejections, diagnostics, summary) |
/// | `intent.json` | what the turn meant to do, by key in dispatch order: type, queue, phase, effects (comparable across live and dry runs) |
/// | `dispatch.json` | the merged ``DispatchResult`` |
/// | `audit.json` | the ``IntegrityAudit`` findings |
/// | `turn.json` | the ``TurnRecord`` |
///
/// ``differences(from:)`` compares a bundle with a new run of the same inputs: every file's
/// hash, then `events.jsonl`, `deltas.jsonl`, `actions.jsonl` and `intent.json` line by
/// line. Outcomes, the audit and the turn record depend on the ledger a run had, so they
/// are recorded for people, not compared.
///
/// A bundle read from disk is untrusted input: a host reads only the files the manifest
/// lists, each at a path ``components(of:)`` accepts (relative, inside the bundle's
/// folder), each a regular file (never following a symbolic link, never opening a device
/// or a FIFO for reading), and each at most ``sizeLimit(of:manifest:)`` bytes.
public struct ReplayBundle: Sendable {
  public static let format = "slate.bundle.v1"

  /// The largest file a bundle may hold (and the manifest's own limit): 256 MiB.
  public static let maxFileBytes = 256 << 20

  /// File path (relative, `/`-separated) to bytes.
  public var files: [String: [UInt8]]

  public init(files: [String: [UInt8]]) { self.files = files }

  /// The bundle of a run: the inputs it read, the pack's bytes, and its report.
  public init(input: TurnInput, packBytes: [UInt8], pack: CompiledPack, report: TurnReport, dialect: DialectKind,
              mode: String, slateVersion: String)
  {
    var files: [String: [UInt8]] = [:]
    files["pack.json"] = packBytes
    if let plan = input.plan { files["plan.json"] = Array((plan.canonicalString + "\n").utf8) }
    var phases: [JSONValue] = []
    var events: [String] = []
    var deltas: [String] = []
    var actions: [String] = []
    for (i, phase) in input.phases.enumerated() {
      let stream = "streams/" + (i < 9 ? "0" : "") + String(i + 1) + "-" + (phase.name ?? "stream") + ".sse"
      files[stream] = phase.bytes
      phases.append(["name": phase.name.map(JSONValue.string) ?? .null, "stream": .string(stream), "source": .string(phase.source)])
      events += Self.eventLines(phase.bytes, phase: i)
      deltas += Self.deltaLines(phase.bytes, phase: i, dialect: dialect)
      var header = JSONLine()
      header.add("kind", "phase")
      header.add("phase", .number(JSONNumber(i)))
      header.add("name", phase.name.map(JSONValue.string) ?? .null)
      actions.append(header.text)
      if i < report.phases.count { actions += report.phases[i].lines.map(\.text) }
    }
    files["events.jsonl"] = Self.joined(events)
    files["deltas.jsonl"] = Self.joined(deltas)
    files["actions.jsonl"] = Self.joined(actions)
    files["intent.json"] = Self.joined(Self.intent(report.result))
    files["dispatch.json"] = Array((report.result.json.canonicalString + "\n").utf8)
    files["audit.json"] = Array((JSONValue.array(report.findings.map(\.json)).canonicalString + "\n").utf8)
    files["turn.json"] = Array((report.turn.json.canonicalString + "\n").utf8)

    var hashes = JSONObject()
    var sizes = JSONObject()
    for path in files.keys.sorted() {
      hashes.append(key: path, value: .string(SHA256.hash(files[path]!).hex))
      sizes.append(key: path, value: .number(JSONNumber(files[path]!.count)))
    }
    var manifest = JSONLine()
    manifest.add("format", .string(Self.format))
    manifest.add("slate", .string(slateVersion))
    manifest.add("turn", .string(report.turn.id.rawValue))
    manifest.add("project", .string(report.turn.project.rawValue))
    manifest.add("dialect", .string(dialect.rawValue))
    manifest.add("mode", .string(mode))
    manifest.add("pack", ["name": .string(pack.pack.name), "version": .string(pack.pack.version),
                          "sha256": .string(SHA256.hash(packBytes).hex)])
    manifest.add("phases", .array(phases))
    manifest.add("files", .object(hashes))
    manifest.add("sizes", .object(sizes))
    files["manifest.json"] = Array((manifest.text + "\n").utf8)
    self.files = files
  }

  // MARK: Reading

  /// The path components of a file the manifest lists, when the path stays inside the
  /// bundle's folder: relative, `/`-separated, no empty, `.` or `..` component, no NUL or
  /// backslash. Else `bundle.outside`.
  public static func components(of path: String) throws(BundleError) -> [String] {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false).map { String($0) }
    let bad = parts.contains { $0.isEmpty || $0 == "." || $0 == ".." || $0.utf8.contains(0) || $0.contains("\\") }
    if path.isEmpty || bad { throw .outside(path) }
    return parts
  }

  /// The most bytes a host reads for the listed file `path`: the size the manifest records
  /// for it (`sizes`), else ``maxFileBytes``, never more than ``maxFileBytes``.
  public static func sizeLimit(of path: String, manifest: JSONValue) -> Int {
    guard let recorded = manifest["sizes"]?[path]?.numberValue?.int64Value, recorded >= 0 else { return maxFileBytes }
    return Int(min(recorded, Int64(maxFileBytes)))
  }

  /// The manifest, or a ``BundleError``.
  public func manifest() throws(BundleError) -> JSONValue {
    guard let bytes = files["manifest.json"] else { throw .missingFile("manifest.json") }
    guard let value = try? SimdjsonParser().parse(bytes), value["format"]?.stringValue == Self.format else {
      throw .unreadable("manifest.json is not a \(Self.format) manifest")
    }
    return value
  }

  /// The inputs to run again: the plan and the phase streams, as recorded.
  public func input() throws(BundleError) -> TurnInput {
    let manifest = try manifest()
    var plan: JSONValue?
    if let bytes = files["plan.json"] {
      guard let value = try? SimdjsonParser().parse(bytes) else { throw .unreadable("plan.json is not JSON") }
      plan = value
    }
    var phases: [TurnInput.Phase] = []
    for phase in manifest["phases"]?.arrayValue ?? [] {
      guard let stream = phase["stream"]?.stringValue else { throw .unreadable("a phase of manifest.json names no stream") }
      guard let bytes = files[stream] else { throw .missingFile(stream) }
      phases.append(TurnInput.Phase(name: phase["name"]?.stringValue, source: stream, bytes: bytes))
    }
    return TurnInput(plan: plan, phases: phases)
  }

  /// The files whose bytes no longer match the manifest's SHA-256 (or are missing).
  public func tamperedFiles() throws(BundleError) -> [String] {
    let manifest = try manifest()
    guard case .object(let hashes)? = manifest["files"] else { throw .unreadable("manifest.json lists no files") }
    return hashes.members.compactMap { member in
      guard let bytes = files[member.key] else { return member.key }
      return SHA256.hash(bytes).hex == member.value.stringValue ? nil : member.key
    }
  }

  /// How a new run of the same inputs differs from this record: tampered files first, then
  /// the first differing line of each compared file.
  public func differences(from rerun: ReplayBundle) throws(BundleError) -> [BundleDifference] {
    var found = try tamperedFiles().map {
      BundleDifference(file: $0, line: nil, recorded: "sha256 in manifest.json",
                       now: files[$0] == nil ? "the file is missing from the bundle" : "the file's bytes hash differently")
    }
    for file in ["events.jsonl", "deltas.jsonl", "actions.jsonl", "intent.json"] {
      let recorded = Self.lines(files[file] ?? [])
      let now = Self.lines(rerun.files[file] ?? [])
      guard recorded != now else { continue }
      let line = zip(recorded, now).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(recorded.count, now.count)
      found.append(BundleDifference(file: file, line: line + 1,
                                    recorded: line < recorded.count ? recorded[line] : "(no more lines)",
                                    now: line < now.count ? now[line] : "(no more lines)"))
    }
    return found
  }

  // MARK: Building

  static func joined(_ lines: [String]) -> [UInt8] { Array(lines.map { $0 + "\n" }.joined().utf8) }

  static func lines(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// The SSE events of a stream (none for plain text).
  static func eventLines(_ bytes: [UInt8], phase: Int) -> [String] {
    guard DialectDetector.inputFormat(of: bytes.prefix(64), atEnd: true) == .eventStream else { return [] }
    var parser = SSEParser()
    var outputs = parser.feed(bytes)
    parser.finish(into: &outputs)
    return outputs.compactMap(\.event).map { event in
      var line = JSONLine()
      line.add("phase", .number(JSONNumber(phase)))
      line.add("type", .string(event.type))
      line.add("offset", .number(JSONNumber(event.byteRange.lowerBound)))
      line.add("end", .number(JSONNumber(event.byteRange.upperBound)))
      line.add("data", .string(event.data))
      return line.text
    }
  }

  /// The dialect deltas of a stream, read whole.
  static func deltaLines(_ bytes: [UInt8], phase: Int, dialect: DialectKind) -> [String] {
    var stream = ActionStream(options: ActionStreamOptions(dialect: dialect, textFraming: .none))
    var items: [StreamItem] = []
    stream.feed(bytes, into: &items)
    stream.finish(into: &items)
    return items.compactMap(\.delta).map { delta in
      var head = JSONLine()
      head.add("phase", .number(JSONNumber(phase)))
      return delta.jsonLine(after: head).text
    }
  }

  /// The turn's intent by key, in dispatch order: what a dry run and a live run agree on.
  static func intent(_ result: DispatchResult) -> [String] {
    result.orderedEntries.map { entry in
      var line = JSONLine()
      line.add("key", .string(entry.key.readable))
      line.add("keyDigest", .string(entry.key.hex))
      line.add("type", .string(entry.type))
      line.add("queue", .string(entry.queue))
      line.add("phase", entry.phase.map(JSONValue.string) ?? .null)
      line.add("effects", .array(result.effectsRequested.filter { $0.action == entry.key }.sorted().map { .string($0.kind) }))
      return line.text
    }
  }
}

/// One way a rerun differs from a bundle.
public struct BundleDifference: Sendable, Equatable, CustomStringConvertible {
  public var file: String
  /// 1-based; nil for a whole-file difference (a hash).
  public var line: Int?
  public var recorded: String
  public var now: String

  public var description: String {
    "\(file)\(line.map { ":\($0)" } ?? ""): recorded \(recorded)\n    now      \(now)"
  }
}

/// Why a bundle cannot be read.
public enum BundleError: Error, Sendable, Equatable, CustomStringConvertible {
  case missingFile(String)
  case unreadable(String)
  /// A listed path that leaves the bundle's folder (absolute, `..`, empty components).
  case outside(String)
  /// A listed file that is not a regular file: a symbolic link, a device, a FIFO, a folder.
  case notRegularFile(String, kind: String)
  /// A listed file larger than its limit (``ReplayBundle/sizeLimit(of:manifest:)``).
  case tooLarge(String, limit: Int)

  public var code: String {
    switch self {
    case .missingFile: "bundle.missing_file"
    case .unreadable: "bundle.unreadable"
    case .outside: "bundle.outside"
    case .notRegularFile: "bundle.not_regular_file"
    case .tooLarge: "bundle.file_too_large"
    }
  }

  public var description: String {
    switch self {
    case .missingFile(let path): "\(code): the bundle has no \(path)"
    case .unreadable(let why): "\(code): \(why)"
    case .outside(let path): "\(code): the manifest lists \(path), a path outside the bundle's folder"
    case .notRegularFile(let path, let kind): "\(code): \(path) is \(kind), not a regular file"
    case .tooLarge(let path, let limit): "\(code): \(path) is larger than \(limit) bytes, its limit"
    }
  }
}
