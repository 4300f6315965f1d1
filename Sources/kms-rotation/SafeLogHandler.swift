import KMSRotation
import Logging

/// The CLI's log handler: every message and metadata value passes through ``sanitize`` (control characters
/// made visible, secrets removed) before a wrapped handler (standard error) prints it. Key ARNs, aliases and
/// error messages in the `--verbose` log come from servers; none may move the cursor, retitle the terminal
/// or carry a credential.
struct SafeLogHandler: LogHandler {
    private var wrapped: any LogHandler

    init(wrapping wrapped: any LogHandler) {
        self.wrapped = wrapped
    }

    /// What every logged string passes through.
    static func sanitize(_ text: String) -> String {
        Terminal.escaped(SecretScrubber.scrub(text))
    }

    static func sanitize(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(sanitize(text))
        case .stringConvertible(let convertible): .string(sanitize(convertible.description))
        case .array(let values): .array(values.map(sanitize))
        case .dictionary(let values): .dictionary(values.mapValues(sanitize))
        }
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.MetadataValue? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(Self.sanitize(event.message.description))"
        event.metadata = event.metadata?.mapValues(Self.sanitize)
        wrapped.log(event: event)
    }
}
