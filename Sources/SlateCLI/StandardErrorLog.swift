import ArgumentParser
import Logging

/// `--log-level LEVEL` (``DispatchOptions``): the engine's `trace`/`debug` records on
/// standard error through swift-log's `StreamLogHandler`, for the commands that dispatch.
/// No global `LoggingSystem` bootstrap: the logger is passed to the dispatcher and the
/// ledger, which are silent without one.
enum StandardErrorLog {
  static func logger(level: Logger.Level) -> Logger {
    var logger = Logger(label: "slate", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = level
    return logger
  }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
