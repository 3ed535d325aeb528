import Testing

/// `slate corpus generate --actions N` writes the stream as it generates it: its peak
/// resident memory (the child's own, GNU time's `%M`) is the same at N and 10N actions,
/// and under 64 MB (before, it held the whole stream: 89 MB at 8,000 Chat Completions actions,
/// 121 MB with --tool-calls, debug build).
@Suite struct CorpusGenerateMemoryTests {
  @Test(arguments: [["--dialect", "openai-chat"], ["--dialect", "anthropic", "--tool-calls"], ["--dialect", "gemini", "--ndjson"],
                    ["--dialect", "text"]])
  func memoryDoesNotGrowWithTheActions(_ arguments: [String]) throws {
    func peak(_ count: Int) throws -> Int? {
      guard let run = try ResidentMemoryTests.peakResident(["corpus", "generate", "--actions", "\(count)"] + arguments, input: { _ in })
      else { return nil }
      #expect(run.status == 0, "\(arguments) \(count): exit \(run.status)")
      return run.maxKB
    }
    guard let small = try peak(1000), let large = try peak(10000) else { return }
    print("slate corpus generate \(arguments.joined(separator: " ")): peak resident \(small / 1024) MB at 1,000 actions, \(large / 1024) MB at 10,000")
    #expect(large <= small + 4096, "\(arguments): \(small) KB at 1,000 actions, \(large) KB at 10,000")
    #expect(large <= ResidentMemoryTests.limitKB)
  }
}
