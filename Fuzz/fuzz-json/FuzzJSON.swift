// libFuzzer target: one-shot JSON parsing (simdjson + the error locator + canonical form).
// Build: scripts/fuzz.sh builds it with -sanitize=fuzzer,address; a plain build replays
// the files named on the command line (regression inputs).
import FuzzChecks
import SlateJSON

nonisolated(unsafe) let parser = SimdjsonParser(limits: JSONLimits(maxDepth: 256, maxBytes: 1 << 20))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzReplay.one(data, size) { FuzzChecks.oneShotJSON($0, parser: parser) }
}

#if !FUZZING
  @main enum Replay { static func main() { FuzzReplay.main { FuzzChecks.oneShotJSON($0, parser: parser) } } }
#endif
