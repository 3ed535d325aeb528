// libFuzzer target: the SSE parser, whole input against a chunking derived from the input.
import FuzzChecks

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  FuzzChecks.sseChunkInvariance(UnsafeRawBufferPointer(start: data, count: size))
  return 0
}

#if !FUZZING
  @main enum Replay {
    static func main() {
      FuzzReplay.run(CommandLine.arguments.dropFirst()) { bytes in
        bytes.withUnsafeBytes { FuzzChecks.sseChunkInvariance($0) }
      }
    }
  }
#endif
