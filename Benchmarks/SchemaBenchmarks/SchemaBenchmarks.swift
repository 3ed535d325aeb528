// Validating film-pack actions, per action: Slate's compiled validator (SlateSchema)
// against decoding the same actions into Swift structs with Foundation's JSONDecoder (the
// peer: it checks types and presence only), and the canonical bytes of the value (the lower
// bound of computing a key), in the same run. One iteration is 1,000 actions (cycling
// through the representative set), so every metric reads per action.
//
// The pack and the actions are read from the root package's Corpus/schemas at start-up.
import Benchmark
import BenchSupport
import Foundation
import SlateJSON
import SlateSchema

/// The root package's `Corpus/schemas`.
let corpus = SharedFiles.projectRoot.appendingPathComponent("Corpus/schemas")

let packBytes = FilmPack.bytes
let film = FilmPack.compiled

/// The representative actions (`film-actions.jsonl`), as bytes and parsed once.
let lines: [PaddedBytes] = SharedFiles.load(corpus.appendingPathComponent("film-actions.jsonl"))
  .split(separator: UInt8(ascii: "\n")).map { PaddedBytes($0) }
let actions: [JSONValue] = {
  let parser = SimdjsonParser()
  return lines.map { line in
    do { return try parser.parse(line) } catch { fatalError("film-actions.jsonl: \(error)") }
  }
}()

/// The same actions as tool calls would carry them: (type, payload without the discriminator).
let payloads: [(String, JSONValue)] = actions.map { action in
  let object = action.objectValue!
  return (object["type"]!.stringValue!, .object(JSONObject(object.members.filter { $0.key != "type" })))
}

/// The same actions as JSON bytes, encoded outside the measured loops (canonical form).
let encoded: [Data] = actions.map { Data($0.canonicalBytes) }

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
  let count = actions.count

  measureEach("schema.per-action.Slate-validate(all-errors)") { i in
    let (type, payload) = payloads[i % count]
    return film.validate(payload, as: type)?.errors.count ?? -1
  }

  let firstError = ValidationOptions(mode: .firstError)
  measureEach("schema.per-action.Slate-validate(first-error)") { i in
    let (type, payload) = payloads[i % count]
    return film.validate(payload, as: type, options: firstError)?.errors.count ?? -1
  }

  measureEach("schema.per-action.Slate-classify(type,validate,key+SHA-256)") { i in
    film.classify(actions[i % count]).isSuccess ? 1 : 0
  }

  // From bytes, like JSONDecoder: one simdjson parse into a JSONValue, then classify.
  let parser = SimdjsonParser()
  measureEach("schema.per-action.Slate-parse+classify-from-bytes") { i in
    film.classify(try! parser.parse(lines[i % count])).isSuccess ? 1 : 0
  }

  measureEach("schema.per-action.JSONDecoder-structs-from-bytes(peer,types-and-presence-only)") { i in
    switch try! JSONDecoder().decode(FilmAction.self, from: encoded[i % count]) {
    case .plan: 0
    default: 1
    }
  }

  measureEach("schema.per-action.canonical-bytes(lower-bound-for-keying)") { i in
    actions[i % count].canonicalBytes.count
  }

  measure("schema.compile-film-pack.Slate-CompiledPack", heap: false,
          workload: { Workload(bytes: packBytes.count) }) { _ in
    (try! CompiledPack(bytes: packBytes)).pack.actions.count
  }
}

extension Result {
  var isSuccess: Bool { if case .success = self { true } else { false } }
}
