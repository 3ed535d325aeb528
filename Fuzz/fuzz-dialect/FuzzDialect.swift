// libFuzzer target: every dialect over SSE input (DialectFuzzInput documents the layout):
// whole against chunked, the delta contract, the final state, auto against explicit.
// A plain build replays the files named on the command line.
import FuzzChecks

nonisolated(unsafe) let fuzzer = DialectFuzzer()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  fuzzer.check(UnsafeRawBufferPointer(start: data, count: size))
  return 0
}

#if !FUZZING
  @main enum Replay {
    static func main() {
      FuzzReplay.run(CommandLine.arguments.dropFirst()) { bytes in
        bytes.withUnsafeBytes { fuzzer.check($0) }
      }
    }
  }
#endif
