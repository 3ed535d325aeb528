// libFuzzer target: the SSE parser, whole input against a chunking derived from the input.
// A plain build replays the files named on the command line.
import FuzzChecks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzReplay.one(data, size, FuzzChecks.sseChunkInvariance)
}

#if !FUZZING
  @main enum Replay { static func main() { FuzzReplay.main(FuzzChecks.sseChunkInvariance) } }
#endif
