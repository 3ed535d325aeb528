import ArgumentParser
import SlateJSON
import SlateSchema

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `slate pack check PACK` and `slate pack tools PACK --provider P`.
struct PackCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pack",
    abstract: "Check a schema pack, or print its actions as a provider's tool definitions.",
    subcommands: [PackCheckCommand.self, PackToolsCommand.self]
  )
}

/// Compiles a pack and lists what it declares.
struct PackCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Compile a schema pack and list its action types, keys, queues, effects and keywords.",
    discussion: """
      Prints the pack's name and version, one line per action type:
        TYPE  key KEY  queue QUEUE  effects E,…  [phase P]  [upsert]  [format asserted]
      (KEY is the key's JSON Pointers with their normalisations, "content" for a
      content-addressed key, "singleton" for "fields": []), then the keywords the schemas use.
      Exit codes: 0 the pack compiles; 2 it does not (its code and schema path are printed)
      or it cannot be read.
      """
  )

  @Argument(help: "The schema pack (a JSON document).")
  var pack: String

  func run() throws {
    let compiled = try CLIIO.compilePack(pack)
    print("pack \(compiled.pack.name) \(compiled.pack.version): \(compiled.actionTypes.count) action types, "
      + "discriminator \"\(compiled.pack.discriminator)\"")
    for declaration in compiled.pack.actions {
      var line = "\(declaration.type)  key \(PackCheckCommand.describe(declaration.key))  queue \(declaration.queue)"
      line += "  effects \(declaration.effects.isEmpty ? "-" : declaration.effects.joined(separator: ","))"
      if let phase = declaration.phase { line += "  phase \(phase)" }
      if declaration.upsert { line += "  upsert" }
      if declaration.assertFormats { line += "  format asserted" }
      print(line)
    }
    print("keywords: \(compiled.keywordsUsed.joined(separator: " "))")
  }

  static func describe(_ key: KeyDeclaration?) -> String {
    guard let key else { return "content" }
    if key.fields.isEmpty { return "singleton" }
    return key.fields.map { field in
      let steps = KeyNormalization.allCases.filter { field.normalization.contains($0) }.map(\.rawValue)
      return field.pointer.description + (steps.isEmpty ? "" : "(" + steps.joined(separator: ",") + ")")
    }.joined(separator: ",")
  }
}

/// Prints the pack's actions as the `tools` array of one provider's request.
struct PackToolsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tools",
    abstract: "Print a pack's actions as a provider's tool definitions (its request's \"tools\" array).",
    discussion: """
      One JSON array on one line: OpenAI Chat {"type":"function","function":{…,"strict"}},
      OpenAI Responses {"type":"function","name",…,"strict"}, Anthropic
      {"name","description","input_schema"}, Gemini [{"functionDeclarations":[{…,
      "parametersJsonSchema"}]}]. "strict" is true where OpenAI's structured-outputs rules
      allow it. Exit codes: 0 printed; 2 usage, I/O, or a pack that does not compile.
      """
  )

  @Argument(help: "The schema pack (a JSON document).")
  var pack: String

  @Option(help: "openai, openai-responses, anthropic or gemini.")
  var provider: String

  func run() throws {
    guard let provider = ToolProvider(rawValue: provider) else {
      CLIIO.printError("slate: --provider must be one of \(ToolProvider.allCases.map(\.rawValue).joined(separator: ", "))")
      throw ExitCode(CLIIO.usageOrIO)
    }
    let compiled = try CLIIO.compilePack(pack)
    print(JSONValue.array(compiled.toolDefinitions(for: provider)).canonicalString)
  }
}

extension CLIIO {
  /// Reads the tools file a pack's `x-slate-tools` names, relative to the pack's folder.
  static func toolsLoader(packPath: String) -> SchemaPack.FileLoader {
    let folder = packPath.contains("/") ? String(packPath[..<packPath.lastIndex(of: "/")!]) : "."
    return { name in
      let path = name.hasPrefix("/") ? name : folder + "/" + name
      let fd = open(path, O_RDONLY)
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      var out: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n < 0 { return nil }
        if n == 0 { return out }
        out.append(contentsOf: buffer[0..<n])
      }
    }
  }
}
