// libFuzzer target: every dialect over SSE input (DialectFuzzInput documents the layout):
// whole against chunked, the delta contract, the final state, auto against explicit.
// A plain build replays the files named on the command line.
import FuzzChecks

nonisolated(unsafe) let fuzzer = DialectFuzzer()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzReplay.one(data, size, fuzzer.check)
}

#if !FUZZING
  @main enum Replay { static func main() { FuzzReplay.main(fuzzer.check) } }
#endif
