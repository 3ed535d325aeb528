import Foundation
import SlateJSON

// The peer and the lower bounds the SSE parser is measured against, on the same bytes.
//
// The issue asked for mattt/EventSource 1.1.1's parser as the peer, but that package does
// not build on Linux (it calls URLSession.bytes, which FoundationNetworking lacks), and its
// code is not ours to copy; the peer here is our own rendering of the common SDK pattern.

/// The peer: what many SDKs hand-roll. Append each chunk to a buffer, search the buffer
/// from its start for a blank line ("\n\n", LF only), cut the event off, decode it as a
/// String and split its lines. Every search rescans the unfinished event, so the cost of
/// an event grows with the number of chunks it arrives in. Calls `body` with the data of
/// each event that has some (its `data:` lines joined by LF, one leading space dropped)
/// and returns how many there were.
@discardableResult
public func naiveReaderEvents(_ bytes: [UInt8], chunk: Int, watch: HeapWatch? = nil,
                              _ body: (String) -> Void = { _ in }) -> Int
{
  var buffer: [UInt8] = []
  var events = 0
  forEachChunk(of: bytes, size: chunk) { piece in
    buffer.append(contentsOf: piece)
    while let cut = firstBlankLine(buffer) {
      let block = String(decoding: buffer[..<cut], as: UTF8.self)
      var data: [Substring] = []
      for line in block.split(separator: "\n") where line.hasPrefix("data:") {
        let value = line.dropFirst(5)
        data.append(value.first == " " ? value.dropFirst() : value)
      }
      if !data.isEmpty {
        events += 1
        body(data.joined(separator: "\n"))
      }
      buffer.removeFirst(cut + 2)
    }
    watch?.sample()
  }
  return events
}

func firstBlankLine(_ buffer: [UInt8]) -> Int? {
  var i = 0
  while i + 1 < buffer.count {
    if buffer[i] == 0x0A && buffer[i + 1] == 0x0A { return i }
    i += 1
  }
  return nil
}

/// The lower bound of any line-based parser: find every line feed once (memchr).
public func lineFeeds(_ bytes: [UInt8]) -> Int {
  bytes.withUnsafeBytes { all in
    guard let base = all.baseAddress else { return 0 }
    var count = 0
    var position = base
    let end = base + all.count
    while position < end, let found = memchr(position, 0x0A, end - position) {
      count += 1
      position = UnsafeRawPointer(found) + 1
    }
    return count
  }
}

/// The memory limit: a plain copy of the bytes into a destination of the same size
/// (allocated once per copy, as any consumer that keeps the bytes must).
public func plainCopy(_ bytes: [UInt8], watch: HeapWatch? = nil) -> Int {
  let copy = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
    count = bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0); return $0.count }
  }
  watch?.sample()
  return Int(copy[copy.count / 2])
}

/// The lower bound of any incremental approach to provider streams: one simdjson DOM parse
/// of every envelope, already cut out of the stream, with no SSE parsing, no value built
/// and nothing kept. Returns how many parsed.
public func simdjsonEnvelopes(_ envelopes: [PaddedBytes], parser: SimdjsonParser, watch: HeapWatch? = nil) -> Int {
  var valid = 0
  for envelope in envelopes where parser.validate(envelope) == nil { valid += 1 }
  watch?.sample()
  return valid
}
