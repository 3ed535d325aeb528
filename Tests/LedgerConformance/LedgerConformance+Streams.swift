import SlateDispatch

/// Kept stream bytes (``StreamChunkRecord``): what a live turn keeps of a phase stream so
/// that recovery can read it again.
extension LedgerConformance {
  static func streamChunks(_ ledger: any DispatchLedger) async throws {
    @Sendable func chunk(_ turn: TurnID, _ stream: String, _ offset: Int64, _ text: String) -> StreamChunkRecord {
      StreamChunkRecord(turn: turn, stream: stream, offset: offset, bytes: Array(text.utf8))
    }
    func read(_ turn: TurnID, _ stream: String) async throws -> [StreamChunkRecord] {
      try await ledger.read { tx throws(LedgerError) in try tx.streamChunks(turn: turn, stream: stream) }
    }
    try await ledger.write { tx throws(LedgerError) in
      try tx.insertTurn(Fixture.turn("t1"))
      try tx.insertTurn(Fixture.turn("t2"))
      // Out of order, with every byte value: read back by offset.
      try tx.putStreamChunk(StreamChunkRecord(turn: "t1", stream: "answer", offset: 5, bytes: (0...255).map { UInt8($0) }))
      try tx.putStreamChunk(chunk("t1", "answer", 0, "data:"))
      try tx.putStreamChunk(chunk("t1", "design", 0, "other stream"))
      try tx.putStreamChunk(chunk("t2", "answer", 0, "other turn"))
    }
    let kept = try await read("t1", "answer")
    try expect(kept.map(\.offset) == [0, 5] && kept[1].bytes == (0...255).map { UInt8($0) } && kept[0].turn == "t1"
                 && kept[0].stream == "answer", "chunks by offset, bytes intact: \(kept.map(\.offset))")
    try expect(StreamChunkRecord.contiguousBytes(kept).count == 261, "chunks join from offset 0")
    let none = try await read("t1", "nope")
    try expect(none.isEmpty, "a stream with no kept bytes has no chunks")

    // A chunk at a known offset replaces; a rolled-back write leaves nothing.
    try await ledger.write { tx throws(LedgerError) in try tx.putStreamChunk(chunk("t1", "answer", 0, "DATA:")) }
    try await expectError(forcedRollback.code) {
      try await ledger.write { tx throws(LedgerError) in
        try tx.putStreamChunk(chunk("t1", "answer", 261, "lost"))
        try tx.deleteStreamChunks(turn: "t1", stream: "design")
        throw forcedRollback
      }
    }
    let after = try await read("t1", "answer")
    try expect(after.map(\.offset) == [0, 5] && after[0].bytes == Array("DATA:".utf8),
               "a put at an existing offset replaces; rolled-back chunks are invisible: \(after.map(\.offset))")
    let design = try await read("t1", "design")
    try expect(design.count == 1, "a rolled-back delete deleted nothing")

    // Deleting one stream leaves the others; a missing turn and bad records are refused.
    try await ledger.write { tx throws(LedgerError) in
      try tx.deleteStreamChunks(turn: "t1", stream: "answer")
      try tx.deleteStreamChunks(turn: "t1", stream: "never")
    }
    let deleted = try await read("t1", "answer")
    try expect(deleted.isEmpty, "deleted")
    let designAfter = try await read("t1", "design")
    let other = try await read("t2", "answer")
    try expect(designAfter.count == 1 && other.count == 1, "other streams and turns keep their chunks")
    try await expectError("ledger.not_found") {
      try await ledger.write { tx throws(LedgerError) in try tx.putStreamChunk(chunk("nope", "answer", 0, "x")) }
    }
    try await expectError("ledger.invalid_record") {
      try await ledger.write { tx throws(LedgerError) in try tx.putStreamChunk(chunk("t1", "answer", -1, "x")) }
    }
  }
}
