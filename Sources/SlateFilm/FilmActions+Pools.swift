/// The words film actions are made of: names with accents, marks and a non-BMP character
/// (the first name of each pool is not ASCII, so even a short turn has multi-byte text),
/// prose with quotes, backslashes, newlines and tabs, so that every generated turn
/// exercises JSON escapes and multi-byte UTF-8 (2, 3 and 4 bytes).
extension FilmActions {
  static let characterNames = [
    "Élodie Brun", "Mara Voss", "The Curator", "Søren Ødegaard", "Zoë Nakamura", "Iñaki Etxeberria",
    "Ada Okafor", "José Álvarez", "Mei Lin 林美", "Kofi Mensah", "Nadia \"Knuckles\" Petrova", "Björn Åberg",
  ]
  static let setNames = [
    "Café Lumière", "Vault Level B", "Harbour Road", "Night Market — Rooftop", "Old Observatory",
    "Train Yard 9", "Église Saint-Roch", "Studio \\ Backlot", "Lighthouse Keeper's Room", "Ice Rink",
  ]
  static let propNames = [
    "Film reel 🎞", "Diamond drill", "Getaway van", "Brass key", "Polaroid camera", "Forged passport",
    "Red umbrella ☂", "Cello case", "Night-vision goggles", "Tin of ½-moon biscuits",
  ]
  static let roles = ["protagonist", "antagonist", "supporting", "minor", "extra"]
  static let timesOfDay = ["dawn", "morning", "day", "afternoon", "dusk", "evening", "night"]
  static let styles = ["photoreal", "cinematic", "storyboard", "sketch", "watercolor", "anime", "noir"]
  static let aspectRatios = ["1:1", "4:3", "16:9", "2.39:1", "9:16", "2:3", "27:40"]
  static let resolutions = ["480p", "720p", "1080p", "4k"]
  static let moods = ["wary", "tense", "tender", "giddy", "bleak", "électrique", "hushed"]
  static let cameras = ["dolly in", "handheld", "crane up", "slow pan left", "locked-off wide", "Steadicam — follow"]
  static let voices = ["low, unhurried", "bright, fast", "a whisper", "gravel; Marseille accent"]
  static let places = ["Geneva", "Marseille", "Lisbon", "Reykjavík", "Kraków", "Osaka 大阪"]

  /// Sentences for descriptions: plain, with `"` quotes, a backslash, a newline, a tab,
  /// typographic quotes and dashes, and an emoji outside the BMP.
  static let sentences = [
    "A safecracker who retired too early.",
    "She says \"not tonight\" and leaves.",
    "Steel, cold light, a single camera dome.",
    "Notes:\n1. enter\n2. wait\n3. leave",
    "Cue\tsound\tlights",
    "The map reads C:\\vault\\b — don't trust it.",
    "Rain on the window; “one more job,” he says.",
    "Everything has a combination 🎬",
    "Dawn breaks over the harbour, gulls wheeling.",
    "Ça commence à l'aube, près du café.",
  ]

  /// Prompts for media generation (at least 3 characters each).
  static let prompts = [
    "Silhouette of a woman against a vault door, teal and orange",
    "Two women at a café table, morning light through blinds",
    "A drill bit biting into a steel door, sparks",
    "A van on an empty harbour road at dawn",
    "Wide establishing shot of a rooftop market at night — lanterns, steam",
    "Close-up: a brass key turning, shallow depth of field",
    "Front, side and back views, grey coat, short hair",
    "Snow falling past the observatory dome 🌌",
  ]

  static let titles = [
    "The pitch", "Into the vault", "Harbour at dawn", "A quiet café", "The double-cross",
    "Rooftop chase", "Après la pluie", "Last train", "The \"clean\" exit", "Coda",
  ]
}
