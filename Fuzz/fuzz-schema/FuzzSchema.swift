// libFuzzer target: schema compile and validate, and film-pack classification
// (SchemaFuzzInput documents the layout). A plain build replays the files named on the
// command line.
import FuzzChecks
import SlateSchema

/// Corpus/schemas/film.json of the checkout this binary was built from.
nonisolated(unsafe) let fuzzer: SchemaFuzzer = {
  let root = #filePath.split(separator: "/").dropLast(3).reduce("") { $0 + "/" + $1 }
  guard let bytes = FuzzReplay.read(root + "/Corpus/schemas/film.json"), let pack = try? CompiledPack(bytes: bytes) else {
    fatalError("cannot compile \(root)/Corpus/schemas/film.json")
  }
  return SchemaFuzzer(filmPack: pack)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzReplay.one(data, size, fuzzer.check)
}

#if !FUZZING
  @main enum Replay { static func main() { FuzzReplay.main(fuzzer.check) } }
#endif
