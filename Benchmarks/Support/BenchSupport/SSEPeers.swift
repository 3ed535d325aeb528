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

/// Issue 16's lower bound of the action stream, the SSE cut included: each stream cut into
/// events by the least a reader of these streams must do, then every event's data and each
/// of `finalTexts` parsed once by simdjson. The cut: every line found once by memchr, a CR
/// before its LF dropped; a `data:` line's value is the text after one optional space; a
/// blank line ends the event. An event of one `data:` line is parsed where it lies (as
/// Slate's own SSE parser hands it on) when simdjson's padding is readable after it; one of
/// several lines, or too near the end, is copied into a padded buffer (joined by line
/// feeds) first. No other field, no CR-only line ends, no BOM: less than a WHATWG parser
/// does, so a bound below it, but only of inputs it cuts as that parser does (the driver
/// checks that it parses as many documents as ``SSEInput`` cuts). Returns the documents
/// that parsed.
public func sseCutEnvelopes(_ streams: [[UInt8]], finalTexts: [PaddedBytes], parser: SimdjsonParser,
                            buffer: inout PaddedBytes) -> Int
{
  var valid = 0
  let data: StaticString = "data:"
  for stream in streams {
    stream.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      var position = 0
      var lines = 0
      var single = 0..<0  // the value of the event's only `data:` line so far
      while position < raw.count {
        let end = memchr(base + position, 0x0A, raw.count - position).map { UnsafeRawPointer($0) - base } ?? raw.count
        let length = end > position && raw[end - 1] == 0x0D ? end - 1 - position : end - position
        if length == 0 {
          if lines == 1 && raw.count - single.upperBound >= PaddedBytes.padding {
            if (try? parser.parseDocument(UnsafeRawBufferPointer(rebasing: raw[single]),
                                          readableAfter: raw.count - single.upperBound)) != nil { valid += 1 }
          } else if lines > 0 {
            if lines == 1 { buffer.replaceAll(with: UnsafeRawBufferPointer(rebasing: raw[single])) }
            if parser.validate(buffer) == nil { valid += 1 }
          }
          lines = 0
        } else if length >= 5, memcmp(base + position, data.utf8Start, 5) == 0 {
          let skip = length > 5 && raw[position + 5] == 0x20 ? 6 : 5
          let value = (position + skip)..<(position + length)
          switch lines {
          case 0: single = value
          case 1:
            buffer.replaceAll(with: UnsafeRawBufferPointer(rebasing: raw[single]))
            fallthrough
          default:
            buffer.append(contentsOf: CollectionOfOne(0x0A))
            buffer.append(UnsafeRawBufferPointer(rebasing: raw[value]))
          }
          lines += 1
        }
        position = end + 1
      }
      // "If the file ends in the middle of an event, before the final empty line, the
      // incomplete event is not dispatched."
    }
  }
  for text in finalTexts where parser.validate(text) == nil { valid += 1 }
  return valid
}
