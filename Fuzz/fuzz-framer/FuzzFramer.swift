// libFuzzer target: the incremental framer (FramerFuzzInput documents the input layout):
// whole against chunked, against its own syntax-only scan, and against simdjson one-shot.
// A plain build replays the files named on the command line.
import FuzzChecks

nonisolated(unsafe) let fuzzer = FramerFuzzer()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzReplay.one(data, size, fuzzer.check)
}

#if !FUZZING
  @main enum Replay { static func main() { FuzzReplay.main(fuzzer.check) } }
#endif
