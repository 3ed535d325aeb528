// `import Slate` gives a host the whole engine: what every layer shares (SlateCore), the
// SSE parser, JSON values and the framer, schema packs and the validator, provider dialects
// and the action stream, the dispatcher and its ledgers (in memory and the embedded SQLite
// default), and the turn layer (live turns, the turn runner, replay bundles). The
// reference domain and the CLI are not part of it.
@_exported import SlateCore
@_exported import SlateDispatch
@_exported import SlateJSON
@_exported import SlateSQLite
@_exported import SlateSSE
@_exported import SlateSchema
@_exported import SlateStream
@_exported import SlateTurn
