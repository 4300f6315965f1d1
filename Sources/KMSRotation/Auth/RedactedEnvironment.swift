import Foundation

/// Environment variables held by a provider, wrapped so that printing, debug-printing or `dump`ing the
/// provider shows only how many variables there are, never a value: the dictionary a provider is given
/// usually contains `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
struct RedactedEnvironment: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let values: [String: String]

    init(_ values: [String: String]) {
        self.values = values
    }

    /// The variable's value, or `nil` when it is unset or empty: the AWS SDKs treat an empty variable as
    /// unset, so `AWS_PROFILE=` does not name a profile called "".
    subscript(name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// The variable read as a boolean (`true` / `false`, any case), `nil` when unset.
    /// - Throws: ``AWSConfigurationError`` naming the variable when it is set to anything else.
    func bool(_ name: String) throws -> Bool? {
        guard let raw = self[name] else { return nil }
        guard let value = parseBool(raw) else {
            throw AWSConfigurationError.invalidValue(source: "environment variable \(name)", value: raw, expected: "true or false")
        }
        return value
    }

    var description: String { "<\(values.count) environment variables, values redacted>" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["count": values.count], displayStyle: .struct) }
}

/// `true` / `false` in any case, with surrounding whitespace ignored; anything else is `nil`.
func parseBool(_ raw: String) -> Bool? {
    switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
    case "true": return true
    case "false": return false
    default: return nil
    }
}
