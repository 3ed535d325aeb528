import SlateStream
import SlateJSON

/// A turn directory (`slate replay DIR`): the turn's plan (`plan.json`, the film pack's
/// `plan` action) and one stream per planned phase, named `N-PHASE.sse` so that the file
/// order is the phase order.
public struct SyntheticTurn: Sendable {
  public var name: String
  /// The `plan` action, `type` member first.
  public var plan: JSONValue
  /// The phase streams in order, each named `N-PHASE`.
  public var phases: [SyntheticStream]

  /// The files of the directory: `plan.json` and the phase streams, relative to it.
  public var files: [(path: String, bytes: [UInt8])] {
    [("plan.json", Array((plan.text(.spaced) + "\n").utf8))] + phases.map { ("\($0.name).sse", $0.bytes) }
  }
}

extension SyntheticCorpus {
  /// A film turn of `count` actions (a plan, then the others by phase) in `dialect`: each
  /// phase's actions are that phase stream's answer text, a JSON array. With `cutPhase`,
  /// the connection closes inside an action of that phase's stream and the phases after
  /// it never stream. Deterministic for a seed.
  public static func turn(name: String, dialect: DialectKind, actions count: Int, cutPhase: String? = nil,
                          seed: UInt64 = committedSeed) -> SyntheticTurn
  {
    let actions = FilmActions.make(count: count, seed: seed)
    var phases: [SyntheticStream] = []
    for (n, phase) in FilmActions.phases.enumerated() {
      let members = actions.dropFirst().filter { phase.types.contains(FilmActions.type(of: $0)) }
      guard !members.isEmpty else { continue }
      let turn = Turn(elements: Turn.elements(Array(members)), layout: .array)
      let cut = phase.name == cutPhase
      let script = TurnScript(turn: turn, ending: cut ? .cut : .normal, seed: seed &+ UInt64(n))
      phases.append(write(script, dialect: dialect, name: "\(n + 1)-\(phase.name)"))
      if cut { break }
    }
    return SyntheticTurn(name: name, plan: actions[0], phases: phases)
  }

  /// The committed turn directories under `Corpus/turns/`: `heist` (complete, the README's
  /// main command) and `heist-cut` (the scenes stream is cut: the debugging walkthrough).
  public static func committedTurns(seed: UInt64 = committedSeed) -> [SyntheticTurn] {
    [turn(name: "heist", dialect: .openaiChat, actions: 31, seed: seed),
     turn(name: "heist-cut", dialect: .openaiChat, actions: 31, cutPhase: "scenes", seed: seed)]
  }
}
