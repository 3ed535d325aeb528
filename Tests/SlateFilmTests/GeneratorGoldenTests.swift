import Foundation
import SlateFilm
import SlateSchema
import SlateStream
import SlateTestSupport
import Testing

/// The generator's big turns are pinned: the SHA-256 of `slate corpus generate` for every
/// dialect and form at 1 to 1,000 actions, other seeds and delta sizes, taken from the
/// generator before it streamed (commit c48fcd8, which held the whole stream). Both the
/// held form (``SyntheticCorpus/generate(dialect:actions:form:seed:deltaSizes:)``) and the
/// streamed one (``SyntheticCorpus/write(dialect:actions:form:seed:deltaSizes:blockSize:to:)``,
/// in any block size) must give those bytes, so a rewrite cannot drift. (The committed
/// `Corpus/` streams are pinned by `CommittedCorpusTests` and `slate corpus check`.)
@Suite struct GeneratorGoldenTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var dialect: DialectKind
    var form: ContentForm
    var actions: Int
    var seed: UInt64
    var sizes: DeltaSizes
    var arguments: [String]
    var digest: String

    init(_ dialect: String, _ form: String, _ actions: Int, seed: UInt64, sizes: String, _ digest: String) {
      self.dialect = DialectKind(rawValue: dialect)!
      self.form = form == "tool-calls" ? .toolCalls : .answer(form == "ndjson" ? .ndjson : .array)
      self.actions = actions
      self.seed = seed
      let bounds = sizes.split(separator: "-").map { Int($0)! }
      self.sizes = DeltaSizes(bounds[0]...bounds[1])
      arguments = ["corpus", "generate", "--dialect", dialect, "--actions", "\(actions)", "--seed", "\(seed)", "--delta-sizes", sizes]
        + (form == "array" ? [] : ["--\(form)"])
      self.digest = digest
    }

    var testDescription: String { arguments.dropFirst(2).joined(separator: " ") }
  }

  /// `slate corpus generate ARGS | sha256sum` at commit c48fcd8.
  static let cases: [Case] = [
    Case("openai-chat", "array", 1, seed: 1, sizes: "8-32", "37183b97cb37a0917f89983cd16e724681ae3c034a7dd11255c47fbca5f8a65a"),
    Case("openai-chat", "array", 10, seed: 1, sizes: "8-32", "e2b8b07a134c90fdaf6c751208c8a7341fe2b0af69bc1bf27bf60adbca670030"),
    Case("openai-chat", "array", 100, seed: 1, sizes: "8-32", "1b5ec68748a1cca4dcbd52339b5699e79fbbec8deb5678309c19139fa21dbb5a"),
    Case("openai-chat", "array", 1000, seed: 1, sizes: "8-32", "9cbd721925cd9c91bf25a50d1d8806589a4ca57bdfb79816042504ce21de496e"),
    Case("openai-chat", "array", 100, seed: 7, sizes: "8-32", "b2d6ac90f484cf2c78e0a0b7929007403cb7cd55ed6d973c834f2fd0a782baa4"),
    Case("openai-chat", "array", 100, seed: 1, sizes: "1-4", "1c28999cf035ed52fb7bf347711864d83ade0fc9cb2bf53c2b73f932b87ddf77"),
    Case("openai-chat", "array", 1000, seed: 3, sizes: "1-200", "103e7e4fea55a5f7e38e173d4fb2680f5181a624396606cec5184da2524a0c68"),
    Case("openai-chat", "ndjson", 1, seed: 1, sizes: "8-32", "1c141630ff98ee1cf408c455d427ea975c714f31cd0d035d9f9dd5f7ee6d0774"),
    Case("openai-chat", "ndjson", 10, seed: 1, sizes: "8-32", "57c38f0a0f7fd1473aed36bc94692708029f95d82cc670091b9bf317a3eb1b7f"),
    Case("openai-chat", "ndjson", 100, seed: 1, sizes: "8-32", "80b119175bcb044ca743606791e32294789898768f284cd0a366f361c9631322"),
    Case("openai-chat", "ndjson", 1000, seed: 1, sizes: "8-32", "78ebec8d7c7bafe8205a3ca4d424c9feaea469354b2ad5cec376c53316119435"),
    Case("openai-chat", "ndjson", 100, seed: 7, sizes: "8-32", "76e88b67f0306aeed323a46e12641c5ae958d7067915db74ce2f7fc1f21c577a"),
    Case("openai-chat", "ndjson", 100, seed: 1, sizes: "1-4", "363383cda2cbd6ce66723cb6fc94ff93e6aaf051911a9c8cc107e46f336ca21a"),
    Case("openai-chat", "ndjson", 1000, seed: 3, sizes: "1-200", "3835d07ccd781dcd8dde90daa551b71186da5b59554bc4e2c5babe76e010118a"),
    Case("openai-chat", "tool-calls", 1, seed: 1, sizes: "8-32", "4cdedf09a97ffda0ee3853a7674c238c1cd19b50ef70558600df655c84354e80"),
    Case("openai-chat", "tool-calls", 10, seed: 1, sizes: "8-32", "d1bd7a6390762cfe2cee69f404d1159e0159d2f7717cd88baba31b6e8e7cb3ee"),
    Case("openai-chat", "tool-calls", 100, seed: 1, sizes: "8-32", "e2a53978c7e2ad329e36ad668081b55038c23331ca364864dcb2d117d5f16bcb"),
    Case("openai-chat", "tool-calls", 1000, seed: 1, sizes: "8-32", "e658422935dc1e0184ae259a22ba346017dd52f2731a364354cb8784c584fc81"),
    Case("openai-chat", "tool-calls", 100, seed: 7, sizes: "8-32", "df924e7952e3cd7e33f96295e9a2def17d364630e2d8ea11ddbaf311724a8723"),
    Case("openai-chat", "tool-calls", 100, seed: 1, sizes: "1-4", "52e34a221cc1d71cc65c1a47042044c6386b44c3b6b08de1d5efb87e83d4d6e6"),
    Case("openai-chat", "tool-calls", 1000, seed: 3, sizes: "1-200", "4c65a89901ddea6f9b351e05a8ed9c2a90d74f3bcccf6d49925d771367f24e0b"),
    Case("openai-responses", "array", 1, seed: 1, sizes: "8-32", "73339aa3baf109f9696d401679a013612d6f8463298aba47ee80174330e656d1"),
    Case("openai-responses", "array", 10, seed: 1, sizes: "8-32", "6fcd0d8d9537279e1e9a1bd40380971c8dd1e7bd1ce883ed48523460855ae9f1"),
    Case("openai-responses", "array", 100, seed: 1, sizes: "8-32", "ac290490c5e12f5a60d2233a47096986c5aed8c6a71733ccfae7786c9a7c1569"),
    Case("openai-responses", "array", 1000, seed: 1, sizes: "8-32", "2829b551b2feb9abb1618d7d10005a80f57bd762e12fd380e243920f5634adeb"),
    Case("openai-responses", "array", 100, seed: 7, sizes: "8-32", "01d3299f2979290a5db365e4d8f854c863a220d6b01acdee67c5318ead09423b"),
    Case("openai-responses", "array", 100, seed: 1, sizes: "1-4", "02112c0bf8e2beecb8d0fe78a6ccc9e60f2b75fc871105140d5634e23eba2058"),
    Case("openai-responses", "array", 1000, seed: 3, sizes: "1-200", "9d92aa169f08d26cd6118eb9f621970ea32dfe467e23b90690ab5726adfcf50a"),
    Case("openai-responses", "ndjson", 1, seed: 1, sizes: "8-32", "dba3507fc0765ed1e50f66c0c44f0c44a355adc9076ecfaa8866aa6d2729591f"),
    Case("openai-responses", "ndjson", 10, seed: 1, sizes: "8-32", "cfc67ae255aefbc4e432f1bd41367834b57e8f2dd0419b8edb85302490a19da4"),
    Case("openai-responses", "ndjson", 100, seed: 1, sizes: "8-32", "6f59f1cc62fd0dfba0fbdb8a3a270d62f7f55fe4ed6ba75930a77a76088afdf4"),
    Case("openai-responses", "ndjson", 1000, seed: 1, sizes: "8-32", "77e5faa61433f9757e750d9434d74c364a52164918e042e2d6e336c965538ffe"),
    Case("openai-responses", "ndjson", 100, seed: 7, sizes: "8-32", "ab0c01745bafe535ff99062d95598f0839d7296341a91a37fa532fa2aacae95b"),
    Case("openai-responses", "ndjson", 100, seed: 1, sizes: "1-4", "180d7417d1c5fdec3781b57c358e5e2374dc0a304ecaad15066d3177ebcddb02"),
    Case("openai-responses", "ndjson", 1000, seed: 3, sizes: "1-200", "75d4ce626a2c6ba02cdc8f7f54cb9e23f2f3edbdd61b3e37bf4a741c68300e33"),
    Case("openai-responses", "tool-calls", 1, seed: 1, sizes: "8-32", "67fee44f352e3eee74a6c6b2a16c417a06347032eee8d9d95b0d3727346eb9ab"),
    Case("openai-responses", "tool-calls", 10, seed: 1, sizes: "8-32", "3e6eff8e4aa955a8b24ac10633be136b5d36f526d55022ea2b40c476d3ecff3b"),
    Case("openai-responses", "tool-calls", 100, seed: 1, sizes: "8-32", "9f9e008fb0e29f6a96cc01c891fafcf7d653789f15f85bceb3b53d375f0b75e6"),
    Case("openai-responses", "tool-calls", 1000, seed: 1, sizes: "8-32", "0c1c0a8a92fe5e47d827abd4afe6a6378578465c4be0501f2133a9468339bf7e"),
    Case("openai-responses", "tool-calls", 100, seed: 7, sizes: "8-32", "9bec9178a4036cbeb3cdf57f0ac8e72aca9c388c07db9526faa0e0b2a7aefce1"),
    Case("openai-responses", "tool-calls", 100, seed: 1, sizes: "1-4", "6524f57478a2f251eb49044a8328daf1d9965979df812c122e5b0e09a6fc902d"),
    Case("openai-responses", "tool-calls", 1000, seed: 3, sizes: "1-200", "d2927023ae88d0b76521ed9e5791be4122cd74b1d72cea754f391057d87f12cb"),
    Case("anthropic", "array", 1, seed: 1, sizes: "8-32", "a1e761b5826a38d256e076819a19905f2ea491dbcaec50884792d1081c415137"),
    Case("anthropic", "array", 10, seed: 1, sizes: "8-32", "f1ba00f5b7fc83cf7e6f07caeb6742d9ec6ca5d3e23b092a289f8d548c9716db"),
    Case("anthropic", "array", 100, seed: 1, sizes: "8-32", "b80c550610b0d439ebd028f7fae57df6895f2aa0e2d776133286121e41558095"),
    Case("anthropic", "array", 1000, seed: 1, sizes: "8-32", "951bcaa910eb8de48c4ab7a39f2c322445db183d59c22e5f6d461d839964b6f1"),
    Case("anthropic", "array", 100, seed: 7, sizes: "8-32", "4aa3aaccf02b95d3bfca06633583d8d9c12ebc09acfbc477b7fb0903870ea7b6"),
    Case("anthropic", "array", 100, seed: 1, sizes: "1-4", "c010ad083f4e920715fc68da4a5ec354f43c68fc9599676dc954ec449ab9af33"),
    Case("anthropic", "array", 1000, seed: 3, sizes: "1-200", "01135c803de7a871cc29276531b6c27997b0c73400e2cf641476d20496528a89"),
    Case("anthropic", "ndjson", 1, seed: 1, sizes: "8-32", "fd6c6c94e7e3b28f2ad9df8198a1cbae8a6e6bdb7ecfb70ce173c00c821e090f"),
    Case("anthropic", "ndjson", 10, seed: 1, sizes: "8-32", "d11973869d76a79e44da1ee4fed04eeaf6e4e45cae8be1125c2e216e325d533b"),
    Case("anthropic", "ndjson", 100, seed: 1, sizes: "8-32", "61f7c3b346f0bc6294ba842240c75da301a48acb0966cbc07c2aabdb70a59cc0"),
    Case("anthropic", "ndjson", 1000, seed: 1, sizes: "8-32", "d89701f0a17293c76676cd39d83491bc84c86eac0feea90edb917af08806d015"),
    Case("anthropic", "ndjson", 100, seed: 7, sizes: "8-32", "1d80e7983b026ecc8d8cf847ffa194935cefc40b629fff43dd0e09f5890cafcf"),
    Case("anthropic", "ndjson", 100, seed: 1, sizes: "1-4", "0c3d50b4366a683a14444d3583f88de447bd958eefe2587da014eeeb8b3cc9f8"),
    Case("anthropic", "ndjson", 1000, seed: 3, sizes: "1-200", "0a9a213637e55eb3df202205b7bd6cdded491ff485abd2e67a162d3408ad9fbe"),
    Case("anthropic", "tool-calls", 1, seed: 1, sizes: "8-32", "fcfb74f3de1eee715e502471f1b86ca97a3eeee848e93bc4fbbabf846f015e3a"),
    Case("anthropic", "tool-calls", 10, seed: 1, sizes: "8-32", "995e7e6cda77a7253c6f624dfbc51d6bc0bef68f60735d7483f9b14be89b8d99"),
    Case("anthropic", "tool-calls", 100, seed: 1, sizes: "8-32", "d41c2fb368896686b509f3e18c8c12afd3b8c10a4ed74c9ed14936b00c4003d1"),
    Case("anthropic", "tool-calls", 1000, seed: 1, sizes: "8-32", "0efbf08b2336c2a1ccd8c87f282050bb24e9b9d1c3ecb0ed0099ee3fad4f916b"),
    Case("anthropic", "tool-calls", 100, seed: 7, sizes: "8-32", "4396d66ceaee92bb3490477c803ebe58a4c05251fc27eb7823f6ed88684fa64d"),
    Case("anthropic", "tool-calls", 100, seed: 1, sizes: "1-4", "c4369a48b7e3741df0a78045c4760acc3055f4bb41da18adcaafa30b8ef0f788"),
    Case("anthropic", "tool-calls", 1000, seed: 3, sizes: "1-200", "828a44b2211670fc74e14ea5fdaa7b2a8366a5bd7026ad1656793c4226cea385"),
    Case("gemini", "array", 1, seed: 1, sizes: "8-32", "c2bc7bfec50270da8271ccd27522d8e16ccb35c65e8f5e45620c9f0b6e4e29f4"),
    Case("gemini", "array", 10, seed: 1, sizes: "8-32", "ab8159fd0f2634ad36611db2ad11daa8f6b54ded358ba3b67a2b6f4317b18f78"),
    Case("gemini", "array", 100, seed: 1, sizes: "8-32", "b2a48cf2f71f2df15082191721cbd828848841243ade4655a2a05df00ce0b2a4"),
    Case("gemini", "array", 1000, seed: 1, sizes: "8-32", "cf698cbf6d3ec65e049e268f1d357b8ff107e21c634215d08fe272a0392ee36e"),
    Case("gemini", "array", 100, seed: 7, sizes: "8-32", "2c82cb24ee973531db1bc75871fbcda3a18dd23c50ff6103f3d1f37521caf09f"),
    Case("gemini", "array", 100, seed: 1, sizes: "1-4", "223430b78c66aef90dd5fa5b6225bc7ffdfda87c42ac654a4cc68c174e6b6b17"),
    Case("gemini", "array", 1000, seed: 3, sizes: "1-200", "f3bed4b360615db987bb8d1b5a2f160ea73607d38f852d5a7088a18f1b64d30a"),
    Case("gemini", "ndjson", 1, seed: 1, sizes: "8-32", "037b00106f782094eb5589e7a48fa35cd09e01cae9f751a45bf515355126f271"),
    Case("gemini", "ndjson", 10, seed: 1, sizes: "8-32", "e9489002e8ac668f870f9d1248f9043923ebcd4eaefc9e240a01272189c7dd19"),
    Case("gemini", "ndjson", 100, seed: 1, sizes: "8-32", "470ca7f0b2ee407a16f045d18b1c3789af3de6d946082851fb282b53b72db981"),
    Case("gemini", "ndjson", 1000, seed: 1, sizes: "8-32", "278c76cfbbe5a034a5ba66f7665d06cb5bd87e8e904526540b114171325290df"),
    Case("gemini", "ndjson", 100, seed: 7, sizes: "8-32", "3715cee000e8437dfcb41ad7ca985a2cb4f481d8b90a838f29dd7e353417051e"),
    Case("gemini", "ndjson", 100, seed: 1, sizes: "1-4", "dc3b6fafad72431ae866ca137768ed2f5a4df55a8c3842c1ce0ce6a475dc7977"),
    Case("gemini", "ndjson", 1000, seed: 3, sizes: "1-200", "7a9b08147a7795959545c573dcc2f6d0fdfdd4d18b6de3e69c35a21e9ef00bf0"),
    Case("gemini", "tool-calls", 1, seed: 1, sizes: "8-32", "6484fbb897273ee7bc32267e4fcf4a4cb5018154e91635ed495a9ccdef77c689"),
    Case("gemini", "tool-calls", 10, seed: 1, sizes: "8-32", "e2d4b108e0aea59374c5cfcc3c7fc251650fc617c82a727b2033be4800625328"),
    Case("gemini", "tool-calls", 100, seed: 1, sizes: "8-32", "25c02bd31e660d15609a7ae425787e4f8276a297ab66b7c2ad2afc0ae7a7e13e"),
    Case("gemini", "tool-calls", 1000, seed: 1, sizes: "8-32", "52e1c0ad0066d956b2a947aa7d15097103006a542ce62d8f027336218798815a"),
    Case("gemini", "tool-calls", 100, seed: 7, sizes: "8-32", "7c80702ea31a51efd9405733b64a8bdfa101b5c699da9b72155bb17f50644126"),
    Case("gemini", "tool-calls", 100, seed: 1, sizes: "1-4", "25c02bd31e660d15609a7ae425787e4f8276a297ab66b7c2ad2afc0ae7a7e13e"),
    Case("gemini", "tool-calls", 1000, seed: 3, sizes: "1-200", "01293d91ded0b50be0f9306c1681083e079d68ef199c4d9ecad912d242d41868"),
    Case("text", "array", 1, seed: 1, sizes: "8-32", "cab68cb81eacdd0c5c71a4cb6694c09bc4d26701c5ba856e8fb6694049d3f624"),
    Case("text", "array", 10, seed: 1, sizes: "8-32", "827ae00c91f1fc037c74ff9f863dc838d13a67020755ef26f3e0812c346db450"),
    Case("text", "array", 100, seed: 1, sizes: "8-32", "64820757f5650a63bb735f462a6e42afd019e764428b67aa04d176eb7ab771a2"),
    Case("text", "array", 1000, seed: 1, sizes: "8-32", "77a56f1ae9149d2c67c0df74f4a3edc775ad4da3f6dd1b402e6a0bcea4d44132"),
    Case("text", "array", 100, seed: 7, sizes: "8-32", "68fd7bdc50f64f280566bd9a9d1ab6258a01f881905c8763ddca48c0c5263c86"),
    Case("text", "array", 100, seed: 1, sizes: "1-4", "64820757f5650a63bb735f462a6e42afd019e764428b67aa04d176eb7ab771a2"),
    Case("text", "array", 1000, seed: 3, sizes: "1-200", "df6eaa616dbe106dc3e2f710f9e648d044dad4dac33bec4eea07bbc4e92ab96e"),
    Case("text", "ndjson", 1, seed: 1, sizes: "8-32", "19c481154c54b4a615f4e27c08765ab14f8ddcdf3120b5a77147af16a8452f05"),
    Case("text", "ndjson", 10, seed: 1, sizes: "8-32", "824db65a8e00f732672d612e057d82f69185a7b890f398048fad70d7862ea883"),
    Case("text", "ndjson", 100, seed: 1, sizes: "8-32", "d438f49cfbea00ae716c2493d756742f6e9b06c201b498f8b189057743257aa6"),
    Case("text", "ndjson", 1000, seed: 1, sizes: "8-32", "fb38b28ec68314e7be6d08ae8d94dd32e6f4e4b060f915fa8d09125a4766c322"),
    Case("text", "ndjson", 100, seed: 7, sizes: "8-32", "0e89d6458c404288fae50daaa413d920b62bade34b7d9e653a57409e1028b52c"),
    Case("text", "ndjson", 100, seed: 1, sizes: "1-4", "d438f49cfbea00ae716c2493d756742f6e9b06c201b498f8b189057743257aa6"),
    Case("text", "ndjson", 1000, seed: 3, sizes: "1-200", "43e8a8df811b65fe5f1cf2a9ffd85dd597979fdad62f27bff2ea101a7643dd8c")
  ]

  @Test(arguments: GeneratorGoldenTests.cases)
  func heldStreamsAreTheGoldenBytes(_ c: Case) throws {
    let stream = try #require(SyntheticCorpus.generate(dialect: c.dialect, actions: c.actions, form: c.form, seed: c.seed, deltaSizes: c.sizes))
    #expect(SHA256.hash(stream.bytes).hex == c.digest)
  }

  @Test(arguments: zip(GeneratorGoldenTests.cases, GeneratorGoldenTests.cases.indices.map { [1, 777, 1 << 16][$0 % 3] }))
  func streamedStreamsAreTheGoldenBytesInBlocks(_ c: Case, _ blockSize: Int) {
    var hasher = SHA256()
    var blocks: [Int] = []
    let written = SyntheticCorpus.write(dialect: c.dialect, actions: c.actions, form: c.form, seed: c.seed, deltaSizes: c.sizes,
                                        blockSize: blockSize) { block in
      hasher.update(block)
      blocks.append(block.count)
    }
    #expect(written?.bytes == blocks.reduce(0, +))
    #expect(hasher.finalize().hex == c.digest)
    // Handed on as it is generated: every block but the last is at least the block size,
    // and none much larger (one step's events at most; Responses' response.completed
    // event repeats every call: one big event).
    #expect(blocks.dropLast().allSatisfy { $0 >= blockSize }, "\(blocks.min() ?? 0)")
    if !(c.dialect == .openaiResponses && c.form == .toolCalls) {
      #expect(blocks.allSatisfy { $0 < blockSize + 16384 }, "\(blocks.max() ?? 0)")
    }
    #expect(blocks.last.map { $0 > 0 } ?? false)
  }

  /// The command writes the same bytes as the library.
  @Test func theCommandWritesTheGoldenBytes() throws {
    guard let binary = SlateCLI.binary else { return }
    for c in Self.cases where c.actions == 1000 && c.seed == 1 && (c.dialect == .openaiChat || c.dialect == .gemini) {
      let process = Process()
      process.executableURL = binary
      process.arguments = c.arguments
      let output = Pipe()
      process.standardOutput = output
      try process.run()
      let bytes = output.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      #expect(SHA256.hash(bytes).hex == c.digest, "\(c.testDescription)")
    }
  }

  @Test func noStreamNoBytes() {
    var called = false
    #expect(SyntheticCorpus.write(dialect: .text, actions: 10, form: .toolCalls) { _ in called = true } == nil)
    #expect(SyntheticCorpus.write(dialect: .auto, actions: 10) { _ in called = true } == nil)
    #expect(!called)
  }
}
