// A small release driver for instruction-count profiles (valgrind --tool=callgrind), which
// are repeatable on a loaded machine where times are not. Not a benchmark suite: see
// scripts/callgrind.sh, which runs it with collection limited to `slate_profile_run`.
//
//   ProfileDriver <input> <chunk> [repetitions]
//   input: openai-chat-N | anthropic-N (a generated N-action turn), corpus-real, corpus,
//          corpus-real-PROVIDER (one folder of the recordings: anthropic, gemini, openai-chat,
//          openai-responses),
//          lower-openai-chat-N | lower-anthropic-N (the lower bound: one simdjson parse of
//          every envelope and of the final text), lower-corpus-real, lower-corpus,
//          cut-INPUT (issue 16's lower bound, the SSE cut included: `sseCutEnvelopes`),
//          pipeline-INPUT (any of the first four through `TurnPipeline` with the film pack:
//          the stream, validation, keys and batches; collected in `slate_profile_pipeline`)
//   chunk: bytes per feed (1, 8, 65536 …; 0 = whole)
//
// With scripts/malloc-count.c preloaded (LD_PRELOAD), it also prints the allocator calls
// made inside the measured passes, per pass. With SLATE_PROFILE_WARM=1 it runs one
// uncollected pass first (scripts/callgrind.sh --warm). With SLATE_PROFILE_TIMES=1 it prints
// every measured pass's time (scripts/times.sh).
import BenchSupport
import Foundation
import SlateFilm
import SlateJSON
import SlateStream
import SlateTurn

/// One pass of the action stream over `streams` in `chunk`-byte chunks; the values committed.
@_silgen_name("slate_profile_run")
@inline(never)
func run(_ streams: [[UInt8]], chunk: Int) -> Int { runPass(streams, chunk: chunk) }

/// ``run(_:chunk:)``'s work, also called uncollected for a warm-up pass.
@inline(never)
func runPass(_ streams: [[UInt8]], chunk: Int) -> Int {
  var values = 0
  var items: [StreamItem] = []
  for bytes in streams {
    var stream = ActionStream()
    forEachChunk(of: bytes, size: chunk) { piece in
      stream.feed(piece, into: &items)
      // Most small chunks complete nothing: emptying an empty array is not the stream's cost.
      if !items.isEmpty { items.removeAll(keepingCapacity: true) }
    }
    values += stream.finish(into: &items).values
    items.removeAll(keepingCapacity: true)
  }
  return values
}

/// One pass of the turn pipeline (film pack) over `streams`; the actions and rejections.
@_silgen_name("slate_profile_pipeline")
@inline(never)
func pipeline(_ streams: [[UInt8]], chunk: Int) -> Int { pipelinePass(streams, chunk: chunk) }

/// ``pipeline(_:chunk:)``'s work, also called uncollected for a warm-up pass.
@inline(never)
func pipelinePass(_ streams: [[UInt8]], chunk: Int) -> Int {
  var classified = 0
  var items: [TurnItem] = []
  for bytes in streams {
    var pipeline = TurnPipeline(pack: FilmPack.compiled)
    forEachChunk(of: bytes, size: chunk) { piece in
      pipeline.feed(piece, into: &items)
      if !items.isEmpty { items.removeAll(keepingCapacity: true) }  // as the stream's pass does
    }
    let summary = pipeline.finish(into: &items)
    classified += summary.actions + summary.rejected
    items.removeAll(keepingCapacity: true)
  }
  return classified
}

/// The lower bound's work: one simdjson parse of each document.
@_silgen_name("slate_profile_lower")
@inline(never)
func lower(_ documents: [PaddedBytes], parser: SimdjsonParser) -> Int { lowerPass(documents, parser: parser) }

/// ``lower(_:parser:)``'s work, also called uncollected for a warm-up pass.
@inline(never)
func lowerPass(_ documents: [PaddedBytes], parser: SimdjsonParser) -> Int {
  simdjsonEnvelopes(documents, parser: parser, watch: nil)
}

/// Issue 16's lower bound: the SSE cut of `streams`, then one simdjson parse of every
/// envelope and of each final text (``sseCutEnvelopes(_:finalTexts:parser:buffer:)``).
@_silgen_name("slate_profile_cut")
@inline(never)
func cut(_ streams: [[UInt8]], finalTexts: [PaddedBytes], parser: SimdjsonParser, buffer: inout PaddedBytes) -> Int {
  sseCutEnvelopes(streams, finalTexts: finalTexts, parser: parser, buffer: &buffer)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let chunkArgument = Int(arguments[2]) else {
  print("usage: ProfileDriver [lower-|cut-|pipeline-]<openai-chat-N|anthropic-N|corpus-real|corpus-real-PROVIDER|corpus> <chunk> [repetitions]")
  exit(2)
}
let chunk = chunkArgument == 0 ? ChunkSize.whole : chunkArgument
let repetitions = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1
var input = arguments[1]
let isLower = input.hasPrefix("lower-")
if isLower { input.removeFirst("lower-".count) }
let isCut = input.hasPrefix("cut-")
if isCut { input.removeFirst("cut-".count) }
let isPipeline = input.hasPrefix("pipeline-")
if isPipeline { input.removeFirst("pipeline-".count) }

var streams: [[UInt8]] = []
var documents: [PaddedBytes] = []
var finalTexts: [PaddedBytes] = []
switch input {
case "corpus-real": streams = SharedFiles.corpusRealStreams.map(\.bytes)
case let name where name.hasPrefix("corpus-real-"):  // one provider's recordings: corpus-real-gemini
  let folder = name.dropFirst("corpus-real-".count) + "/"
  streams = SharedFiles.corpusRealStreams.filter { $0.name.hasPrefix(folder) }.map(\.bytes)
  guard !streams.isEmpty else {
    print("no recordings under corpus-real/\(folder)")
    exit(2)
  }
case "corpus": streams = SharedFiles.corpusStreams.map(\.bytes)
default:
  let parts = input.split(separator: "-")
  guard let count = parts.last.flatMap({ Int($0) }),
        let dialect = DialectKind(rawValue: parts.dropLast().joined(separator: "-")),
        let stream = SyntheticCorpus.generate(dialect: dialect, actions: count)
  else {
    print("unknown input \(input)")
    exit(2)
  }
  streams = [stream.bytes]
  finalTexts = [PaddedBytes(stream.intent.answerText.utf8)]
  documents = SSEInput(stream.bytes).envelopes + finalTexts
}
if isLower && documents.isEmpty { documents = streams.flatMap { SSEInput($0).envelopes } }
var cutBuffer = PaddedBytes()
if isCut {
  // The cut is a bound only if it parses what the stream's SSE parser cuts.
  let envelopes = streams.reduce(0) { $0 + SSEInput($1).envelopes.count } + finalTexts.count
  let parsed = sseCutEnvelopes(streams, finalTexts: finalTexts, parser: SimdjsonParser(), buffer: &cutBuffer)
  guard parsed == envelopes else {
    print("the SSE cut parsed \(parsed) documents, the SSE parser cuts \(envelopes): not a bound of this input")
    exit(1)
  }
}

/// The preloaded allocator counter's `slate_malloc_count`, when there is one.
let mallocCount: (@convention(c) () -> UInt64)? = dlsym(nil, "slate_malloc_count").map {
  unsafeBitCast($0, to: (@convention(c) () -> UInt64).self)
}

var total = 0
let parser = SimdjsonParser()
if isPipeline { _ = FilmPack.compiled }  // compiled once, outside the measured passes
// SLATE_PROFILE_WARM=1: one pass first through the uncollected functions, so that what the
// process does once (type metadata instantiated on first use: conformance lookups over the
// whole binary) is not counted in the measured pass.
if ProcessInfo.processInfo.environment["SLATE_PROFILE_WARM"] == "1" {
  _ = isLower ? lowerPass(documents, parser: parser)
    : isCut ? sseCutEnvelopes(streams, finalTexts: finalTexts, parser: parser, buffer: &cutBuffer)
    : isPipeline ? pipelinePass(streams, chunk: chunk) : runPass(streams, chunk: chunk)
}
let mallocsBefore = mallocCount?() ?? 0
// SLATE_PROFILE_TIMES=1: each measured pass is timed (scripts/times.sh).
let timesPasses = ProcessInfo.processInfo.environment["SLATE_PROFILE_TIMES"] == "1"
var times: [UInt64] = []
if timesPasses { times.reserveCapacity(repetitions) }
for _ in 0..<repetitions {
  let start = timesPasses ? DispatchTime.now().uptimeNanoseconds : 0
  total += isLower ? lower(documents, parser: parser)
    : isCut ? cut(streams, finalTexts: finalTexts, parser: parser, buffer: &cutBuffer)
    : isPipeline ? pipeline(streams, chunk: chunk) : run(streams, chunk: chunk)
  if timesPasses { times.append(DispatchTime.now().uptimeNanoseconds - start) }
}
if timesPasses {
  print("times ms: " + times.map { String(format: "%.4f", Double($0) / 1e6) }.joined(separator: " "))
}
let mallocs = (mallocCount?() ?? 0) - mallocsBefore
print("\(input) chunk \(chunkArgument): \(streams.reduce(0) { $0 + $1.count }) bytes, \(total / repetitions) values"
  + (mallocCount == nil ? "" : ", \(mallocs / UInt64(repetitions)) mallocs"))
