import SlateJSON

/// Properties checked on arbitrary bytes by the fuzz targets and, for every saved crash or
/// interesting input, by the regression tests. Each check traps (precondition) on a
/// violation, which libFuzzer reports as a crash with the input saved.
public enum FuzzChecks {
  /// One-shot parsing: simdjson's verdict matches the strict locator's, an error offset is
  /// inside the input, and a parsed value survives a canonical round trip unchanged.
  public static func oneShotJSON(_ bytes: UnsafeRawBufferPointer, parser: SimdjsonParser) {
    let located = SimdjsonParser.locateSyntaxError(in: bytes, maxDepth: parser.limits.maxDepth)
    do {
      let value = try parser.parse(bytes)
      precondition(located == nil, "simdjson accepted what the locator rejects: \(String(describing: located))")
      let canonical = value.canonicalBytes
      let again = try parser.parse(canonical)
      precondition(again == value, "canonical round trip changed the value")
      precondition(again.canonicalBytes == canonical, "canonical form is not stable")
    } catch {
      precondition((0...bytes.count).contains(error.offset), "error offset \(error.offset) outside the input")
      if error.code != .jsonNumberOutOfRange && error.code != .jsonValueTooLarge {
        precondition(located != nil, "simdjson rejected (\(error.simdjsonError)) what the locator accepts")
        precondition(located!.offset == error.offset, "offsets differ")
      }
    }
  }
}
