import SlateJSON

/// A deterministic generator of distinct film actions, every one valid for the film pack
/// (`Corpus/schemas/film.json`).
///
/// The first action is a `plan` declaring the turn's phases (with their counts where the
/// pack allows them, ≤ 200); the others cycle through `add_character`, `create_set`,
/// `add_prop`, `create_scene`, `update_scene`, `generate_poster`, `generate_image`,
/// `generate_video`, `generate_reference`, `generate_frame`. Each action's key (the
/// fields `x-slate-key` names) differs from every other action's of its queue, so no two
/// actions of a turn are duplicates: scenes `s1…` are created, `update_scene` changes
/// scenes of an earlier turn (`s5001…`), images, frames and references take unique
/// (scene, shot), (scene, frame) and (kind, subject) pairs, names repeat the pools with a
/// number (`Mara Voss 2`). Keys stay within the pack's patterns for up to 49,990 actions.
///
/// Optional members are drawn from a ``SplitMix64`` seeded with `seed`; members are in
/// the order a model writes them (`type` first, then the key fields), not sorted.
/// Complexity: O(count) actions of bounded size.
public enum FilmActions {
  /// The action types after the plan, in the order the generator cycles through them.
  public static let cycle = [
    "add_character", "create_set", "add_prop", "create_scene", "update_scene",
    "generate_poster", "generate_image", "generate_video", "generate_reference", "generate_frame",
  ]

  /// The film pack's phase of each action type (`x-slate-phase`).
  public static let phases: [(name: String, types: [String])] = [
    ("cast", ["add_character"]),
    ("design", ["create_set", "add_prop"]),
    ("scenes", ["create_scene", "update_scene"]),
    ("media", ["generate_poster", "generate_image", "generate_video", "generate_reference", "generate_frame"]),
  ]

  /// `count` actions (a plan first when `count` ≥ 1), each an object whose first member
  /// is `"type"`.
  public static func make(count: Int, seed: UInt64 = 1) -> [JSONValue] {
    Array(ActionSequence(count: count, seed: seed))
  }

  /// The actions of ``make(count:seed:)``, drawn one at a time: O(1) memory whatever the
  /// count (the plan needs only how many actions of each type follow, known from `count`).
  public struct ActionSequence: Sequence, IteratorProtocol, Sendable {
    public let count: Int
    private var builder: Builder
    private var index = 0

    public init(count: Int, seed: UInt64 = 1) {
      self.count = Swift.max(0, count)
      builder = Builder(seed: seed)
    }

    public var underestimatedCount: Int { count - index }

    public mutating func next() -> JSONValue? {
      guard index < count else { return nil }
      defer { index += 1 }
      if index == 0 { return FilmActions.plan(after: count - 1, &builder.random) }
      return builder.action(FilmActions.cycle[(index - 1) % FilmActions.cycle.count])
    }
  }

  /// The action's `type` member.
  public static func type(of action: JSONValue) -> String { action["type"]?.stringValue ?? "" }

  /// The action without its `type` member: the arguments of the tool call that carries it.
  public static func arguments(of action: JSONValue) -> JSONValue {
    guard let object = action.objectValue else { return action }
    return .object(JSONObject(object.members.filter { $0.key != "type" }))
  }

  /// How many of the first `steps` actions after the plan have type `type` (the types
  /// cycle through ``cycle``). O(1).
  static func count(of type: String, in steps: Int) -> Int {
    guard let k = cycle.firstIndex(of: type) else { return 0 }
    return steps / cycle.count + (k < steps % cycle.count ? 1 : 0)
  }

  /// The plan declaring the phases the `steps` actions after it fall in, in the pack's
  /// phase order. O(1).
  static func plan(after steps: Int, _ random: inout SplitMix64) -> JSONValue {
    var phases: [JSONValue] = []
    for phase in Self.phases {
      let used = phase.types.filter { count(of: $0, in: steps) > 0 }
      guard !used.isEmpty else { continue }
      var members: [(String, JSONValue)] = [("name", .string(phase.name)), ("actions", .array(used.map { .string($0) }))]
      let total = used.reduce(0) { $0 + count(of: $1, in: steps) }
      if total <= 200 { members.append(("expected_count", .number(JSONNumber(total)))) }
      phases.append(.members(members))
    }
    if phases.isEmpty {
      phases.append(.members([("name", "cast"), ("actions", ["add_character"])]))
    }
    let summary = "Cast first, then sets and props, then scenes, then media — \(steps) step\(steps == 1 ? "" : "s")."
    var members: [(String, JSONValue)] = [("type", "plan")]
    if random.chance(80) { members.append(("summary", .string(summary))) }
    members.append(("phases", .array(phases)))
    return .members(members)
  }

  /// Draws the actions after the plan, keeping the per-type counters that make keys unique.
  struct Builder {
    var random: SplitMix64
    var made: [String: Int] = [:]

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// The `n`-th name of a pool, numbered from its second round (`Mara Voss 2`).
    static func name(_ pool: [String], _ n: Int) -> String {
      let base = pool[n % pool.count]
      return n < pool.count ? base : "\(base) \(n / pool.count + 1)"
    }

    /// One of the names already made for `type` (from `pool`), or nil when none was.
    mutating func madeName(_ type: String, _ pool: [String]) -> String? {
      let count = made[type] ?? 0
      return count > 0 ? Self.name(pool, random.below(count)) : nil
    }

    mutating func string(_ pool: [String]) -> JSONValue { .string(random.pick(pool)) }

    mutating func action(_ type: String) -> JSONValue {
      let n = made[type] ?? 0
      defer { made[type] = n + 1 }
      var m: [(String, JSONValue)] = [("type", .string(type))]
      switch type {
      case "add_character": character(n, &m)
      case "create_set": set(n, &m)
      case "add_prop": prop(n, &m)
      case "create_scene": scene(id: "s\(n + 1)", title: true, &m)
      case "update_scene": scene(id: "s\(5001 + n)", title: false, &m)
      case "generate_poster": poster(n, &m)
      case "generate_image": image(n, &m)
      case "generate_video": video(n, &m)
      case "generate_reference": reference(n, &m)
      default: frame(n, &m)
      }
      return .members(m)
    }

    mutating func character(_ n: Int, _ m: inout [(String, JSONValue)]) {
      m.append(("name", .string(Self.name(FilmActions.characterNames, n))))
      m.append(("role", string(FilmActions.roles)))
      if random.chance(60) { m.append(("description", string(FilmActions.sentences))) }
      if random.chance(70) { m.append(("age", .number(JSONNumber(random.within(8...90))))) }
      let scenes = made["create_scene"] ?? 0
      if scenes > 0 && random.chance(50) {
        let first = random.below(scenes)
        m.append(("appears_in", .array(Set([first, random.below(scenes)]).sorted().map { .string("s\($0 + 1)") })))
      }
      if random.chance(30) { m.append(("voice", string(FilmActions.voices))) }
    }

    mutating func set(_ n: Int, _ m: inout [(String, JSONValue)]) {
      m.append(("name", .string(Self.name(FilmActions.setNames, n))))
      if random.chance(70) { m.append(("location", string(FilmActions.places))) }
      if random.chance(70) { m.append(("interior", .bool(random.chance(50)))) }
      if random.chance(60) { m.append(("time_of_day", string(FilmActions.timesOfDay))) }
      if random.chance(50) { m.append(("description", string(FilmActions.sentences))) }
    }

    mutating func prop(_ n: Int, _ m: inout [(String, JSONValue)]) {
      m.append(("name", .string(Self.name(FilmActions.propNames, n))))
      if random.chance(60), let set = madeName("create_set", FilmActions.setNames) { m.append(("set", .string(set))) }
      if random.chance(50) { m.append(("description", string(FilmActions.sentences))) }
      let scenes = made["create_scene"] ?? 0
      if scenes > 0 && random.chance(40) { m.append(("scenes", [.string("s\(random.below(scenes) + 1)")])) }
      if random.chance(40) { m.append(("quantity", .number(JSONNumber(random.within(1...12))))) }
    }

    mutating func scene(id: String, title: Bool, _ m: inout [(String, JSONValue)]) {
      m.append(("scene_id", .string(id)))
      if title { m.append(("title", string(FilmActions.titles))) }
      if random.chance(title ? 60 : 30) { m.append(("description", string(FilmActions.sentences))) }
      if title, random.chance(70) { m.append(("order", .number(JSONNumber(Int(id.dropFirst())!)))) }
      if random.chance(60), let set = madeName("create_set", FilmActions.setNames) { m.append(("set", .string(set))) }
      if random.chance(60), let first = madeName("add_character", FilmActions.characterNames),
         let second = madeName("add_character", FilmActions.characterNames)
      {
        m.append(("characters", .array((first == second ? [first] : [first, second]).map { .string($0) })))
      }
      if random.chance(50) { m.append(("time_of_day", string(FilmActions.timesOfDay))) }
      if random.chance(40) { m.append(("interior", .bool(random.chance(50)))) }
      // Tenths of a second: the pack's multipleOf 0.1, spelled as a model would (95.5, 240).
      let tenths = random.within(50...3000)
      if random.chance(60) {
        m.append(("duration_seconds", .decimal(tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)")))
      }
      // update_scene needs a member besides its id: the mood is always there.
      if !title || random.chance(40) { m.append(("mood", string(FilmActions.moods))) }
    }

    mutating func poster(_ n: Int, _ m: inout [(String, JSONValue)]) {
      m.append(("poster_id", .string("p\(n + 1)")))
      m.append(("prompt", string(FilmActions.prompts)))
      if random.chance(50) { m.append(("title_text", string(FilmActions.titles))) }
      if random.chance(50) { m.append(("tagline", string(FilmActions.sentences))) }
      if random.chance(60) { m.append(("style", string(FilmActions.styles))) }
      if random.chance(60) { m.append(("aspect_ratio", string(FilmActions.aspectRatios))) }
    }

    mutating func image(_ n: Int, _ m: inout [(String, JSONValue)]) {
      m.append(("scene_id", .string("s\(n / 200 + 1)")))
      m.append(("shot", .number(JSONNumber(n % 200 + 1))))
      m.append(("prompt", string(FilmActions.prompts)))
      if random.chance(50) { m.append(("style", string(FilmActions.styles))) }
      if random.chance(50) { m.append(("aspect_ratio", string(FilmActions.aspectRatios))) }
      if random.chance(40) { m.append(("seed", .number(JSONNumber(Int64(random.next() % 4_294_967_296))))) }
    }

    mutating func video(_ n: Int, _ m: inout [(String, JSONValue)]) {
      m.append(("scene_id", .string("s\(n + 1)")))
      m.append(("prompt", string(FilmActions.prompts)))
      let halves = random.within(2...120)  // multipleOf 0.5, 1…60
      m.append(("duration_seconds", .decimal(halves % 2 == 0 ? "\(halves / 2)" : "\(halves / 2).5")))
      if random.chance(40) { m.append(("from_frame", .number(JSONNumber(random.below(10))))) }
      if random.chance(60) { m.append(("resolution", string(FilmActions.resolutions))) }
      if random.chance(40) { m.append(("aspect_ratio", string(FilmActions.aspectRatios))) }
      if random.chance(50) { m.append(("camera", string(FilmActions.cameras))) }
    }

    mutating func reference(_ n: Int, _ m: inout [(String, JSONValue)]) {
      let kinds = [("character", FilmActions.characterNames), ("set", FilmActions.setNames), ("prop", FilmActions.propNames)]
      let (kind, pool) = kinds[n % 3]
      m.append(("subject_kind", .string(kind)))
      m.append(("subject", .string(Self.name(pool, n / 3))))
      m.append(("prompt", string(FilmActions.prompts)))
      if random.chance(60) { m.append(("views", .number(JSONNumber(random.within(1...8))))) }
      if random.chance(50) { m.append(("style", string(FilmActions.styles))) }
    }

    mutating func frame(_ n: Int, _ m: inout [(String, JSONValue)]) {
      m.append(("scene_id", .string("s\(n / 100 + 1)")))
      m.append(("frame", .number(JSONNumber(n % 100))))
      let quarter = random.below(400)  // quarter seconds, 0…99.75
      if random.chance(60) {
        m.append(("at_seconds", .decimal(quarter % 4 == 0 ? "\(quarter / 4)" : "\(quarter / 4).\(["", "25", "5", "75"][quarter % 4])")))
      }
      m.append(("prompt", string(FilmActions.prompts)))
      if random.chance(40) { m.append(("style", string(FilmActions.styles))) }
    }
  }
}
