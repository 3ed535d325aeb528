import Foundation

/// What SDKs do with streamed JSON: append each delta to the accumulated text and parse
/// all of it again with JSONSerialization (a partial text fails, after a scan of all of
/// it). Quadratic in the text's length. Returns how many parses succeeded.
public func reparseAccumulated(_ text: [UInt8], delta: Int, watch: HeapWatch? = nil) -> Int {
  var accumulated = Data()
  accumulated.reserveCapacity(text.count)
  var parsed = 0
  forEachChunk(of: text, size: delta) { piece in
    accumulated.append(contentsOf: piece)
    if (try? JSONSerialization.jsonObject(with: accumulated)) != nil { parsed += 1 }
    watch?.sample()
  }
  return parsed
}
