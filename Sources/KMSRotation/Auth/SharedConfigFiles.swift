import Foundation

/// The AWS shared credentials and config files (`~/.aws/credentials`, `~/.aws/config`), parsed.
///
/// Load them once with ``load(environment:readFile:)`` and hand the value to the providers and to
/// `AWSConfiguration/resolve(environment:files:profile:)`. The parser follows the AWS SDKs' shared
/// file format:
/// - `#` and `;` start a comment line; in a property value they start a comment only after whitespace
///   (`region = eu-west-1 # Ireland`), so a value such as a URL fragment survives. The exception is
///   `credential_process`, kept verbatim as botocore keeps every value (its `RawConfigParser` has no
///   inline comments): in `credential_process = helper --sep ; --tag #1` the `;` and `#1` reach the
///   command as arguments.
/// - In the credentials file every `[name]` section is a profile. In the config file profiles are
///   `[profile name]`; `[default]` and `[profile default]` both name `default` (when both exist,
///   `[profile default]` wins, as in the other SDKs). `[services name]` and `[sso-session name]` sections
///   are kept; any other section is ignored.
/// - Property names are case-insensitive (stored lower-cased, as botocore does); values are trimmed.
/// - A property with an empty value followed by indented `key = value` lines holds sub-properties
///   (`kms =` then `  endpoint_url = …` in a services section); an indented line after a non-empty value
///   continues that value on a new line.
///
/// Every textual representation lists profile names only: the files hold secret keys.
package struct SharedConfigFiles: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// One section of a shared file: its properties and, for properties written as a nested block,
    /// their sub-properties.
    package struct Section: Sendable, Hashable {
        /// Property names (lower-cased) to values. A nested block's property has the value `""`.
        package internal(set) var properties: [String: String]
        /// Nested blocks: property name to its sub-properties (`kms` → [`endpoint_url`: …]).
        package internal(set) var subProperties: [String: [String: String]]

        /// Creates a section.
        /// - Parameters:
        ///   - properties: Property names (lower case) to values.
        ///   - subProperties: Nested blocks by property name.
        package init(properties: [String: String] = [:], subProperties: [String: [String: String]] = [:]) {
            self.properties = properties
            self.subProperties = subProperties
        }

        /// The value of a property (name compared case-insensitively), or `nil` when absent or empty.
        /// - Parameter key: The property name.
        package subscript(key: String) -> String? {
            guard let value = properties[key.lowercased()], !value.isEmpty else { return nil }
            return value
        }

        /// Returns this section with another's properties laid over it.
        func overlaid(with other: Section) -> Section {
            Section(
                properties: properties.merging(other.properties) { _, new in new },
                subProperties: subProperties.merging(other.subProperties) { _, new in new }
            )
        }
    }

    /// A shared file that could not be read or parsed. Names the file and line, never the line's text,
    /// which may hold a secret key.
    package struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The file's path, or "credentials" / "config" for text not read from disk.
        package var file: String
        /// The 1-based line number, or `nil` when the whole file could not be read.
        package var line: Int?
        /// What is wrong.
        package var reason: String

        /// Creates a parse error.
        /// - Parameters:
        ///   - file: The file's path.
        ///   - line: The 1-based line, if the error is on one line.
        ///   - reason: What is wrong, without the line's content.
        package init(file: String, line: Int?, reason: String) {
            self.file = file
            self.line = line
            self.reason = reason
        }

        /// `file:line: reason`.
        package var description: String {
            if let line { return "\(file):\(line): \(reason)" }
            return "\(file): \(reason)"
        }
    }

    /// Profiles of the credentials file, by name.
    package internal(set) var credentialsProfiles: [String: Section]
    /// Profiles of the config file, by name (without the `profile ` prefix).
    package internal(set) var configProfiles: [String: Section]
    /// `[services name]` sections of the config file, by name; each service's settings are the
    /// sub-properties under its service ID (`kms`).
    package internal(set) var services: [String: Section]
    /// `[sso-session name]` sections of the config file, by name (IAM Identity Center sign-in).
    var ssoSessions: [String: Section] = [:]
    /// The path the credentials file was read from (whether or not it existed), if any.
    package internal(set) var credentialsFilePath: String?
    /// The path the config file was read from (whether or not it existed), if any.
    package internal(set) var configFilePath: String?

    /// No files: no profiles and no services.
    package static let empty = SharedConfigFiles()

    private init() {
        credentialsProfiles = [:]
        configProfiles = [:]
        services = [:]
    }

    /// Parses the contents of the two files.
    /// - Parameters:
    ///   - credentials: The text of the credentials file (`""` when there is none).
    ///   - config: The text of the config file (`""` when there is none).
    ///   - credentialsFilePath: Where the credentials text came from, for error messages.
    ///   - configFilePath: Where the config text came from, for error messages.
    /// - Throws: `ParseError` for a line that is neither a comment, a section header nor a property.
    package init(credentials: String, config: String, credentialsFilePath: String? = nil, configFilePath: String? = nil) throws {
        self.init()
        self.credentialsFilePath = credentialsFilePath
        self.configFilePath = configFilePath
        let credentialSections = try Self.parse(credentials, file: credentialsFilePath ?? "credentials")
        for (header, section) in credentialSections {
            credentialsProfiles[header] = credentialsProfiles[header].map { $0.overlaid(with: section) } ?? section
        }
        var bareDefault: Section?
        var prefixedDefault: Section?
        for (header, section) in try Self.parse(config, file: configFilePath ?? "config") {
            let words = header.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if header == "default" {
                bareDefault = bareDefault.map { $0.overlaid(with: section) } ?? section
            } else if words.count == 2, words[0] == "profile" {
                let name = String(words[1])
                if name == "default" {
                    prefixedDefault = prefixedDefault.map { $0.overlaid(with: section) } ?? section
                } else {
                    configProfiles[name] = configProfiles[name].map { $0.overlaid(with: section) } ?? section
                }
            } else if words.count == 2, words[0] == "services" {
                let name = String(words[1])
                services[name] = services[name].map { $0.overlaid(with: section) } ?? section
            } else if words.count == 2, words[0] == "sso-session" {
                let name = String(words[1])
                ssoSessions[name] = ssoSessions[name].map { $0.overlaid(with: section) } ?? section
            }
            // Unknown sections are ignored, as the SDKs ignore them.
        }
        if let chosenDefault = prefixedDefault ?? bareDefault {
            configProfiles["default"] = chosenDefault
        }
    }

    /// Reads and parses the shared files named by an environment.
    ///
    /// The credentials file is `AWS_SHARED_CREDENTIALS_FILE`, else `$HOME/.aws/credentials`; the config
    /// file is `AWS_CONFIG_FILE`, else `$HOME/.aws/config`. A leading `~/` expands to `$HOME`. A file
    /// that does not exist is treated as empty, as the AWS CLI does.
    /// - Parameters:
    ///   - environment: The environment variables to read (inject them; see ``live``).
    ///   - readFile: Reads a file, returning `nil` when it does not exist; `nil` reads the disk.
    /// - Returns: The parsed files.
    /// - Throws: An error naming the file (and line) when a file exists but cannot be read or parsed.
    package static func load(
        environment: [String: String],
        readFile: ((String) throws -> Data?)? = nil
    ) throws -> SharedConfigFiles {
        let readFile = readFile ?? SharedConfigFiles.readFileIfPresent
        let env = RedactedEnvironment(environment)
        let home = env["HOME"]
        let credentialsPath = expand(env["AWS_SHARED_CREDENTIALS_FILE"], home: home) ?? home.map { "\($0)/.aws/credentials" }
        let configPath = expand(env["AWS_CONFIG_FILE"], home: home) ?? home.map { "\($0)/.aws/config" }
        func text(_ path: String?) throws -> String {
            guard let path else { return "" }
            let data: Data?
            do {
                data = try readFile(path)
            } catch {
                throw ParseError(file: path, line: nil, reason: "cannot be read (\(error.localizedDescription))")
            }
            guard let data else { return "" }
            guard let string = String(data: data, encoding: .utf8) else {
                throw ParseError(file: path, line: nil, reason: "is not UTF-8 text")
            }
            return string
        }
        return try SharedConfigFiles(
            credentials: text(credentialsPath),
            config: text(configPath),
            credentialsFilePath: credentialsPath,
            configFilePath: configPath
        )
    }

    /// The shared files named by this process's environment.
    /// - Throws: An error naming the file (and line) when a file exists but cannot be read or parsed.
    package static var live: SharedConfigFiles {
        get throws { try load(environment: ProcessInfo.processInfo.environment) }
    }

    /// The profile an environment selects: `AWS_PROFILE`, else `default`.
    /// - Parameter environment: The environment variables.
    /// - Returns: The profile name.
    package static func profileName(environment: [String: String]) -> String {
        RedactedEnvironment(environment)["AWS_PROFILE"] ?? "default"
    }

    /// A profile's settings: the config file's section with the credentials file's laid over it (the
    /// credentials file wins, as in botocore).
    /// - Parameter name: The profile name (`default`, `dev`).
    /// - Returns: The merged section, or `nil` when neither file has the profile.
    package func profile(_ name: String) -> Section? {
        switch (configProfiles[name], credentialsProfiles[name]) {
        case (nil, nil): return nil
        case let (config?, nil): return config
        case let (nil, credentials?): return credentials
        case let (config?, credentials?): return config.overlaid(with: credentials)
        }
    }

    /// Whether either file has the profile.
    /// - Parameter name: The profile name.
    /// - Returns: `true` when the credentials or the config file defines it.
    package func hasProfile(_ name: String) -> Bool {
        credentialsProfiles[name] != nil || configProfiles[name] != nil
    }

    /// Reads a file from disk, `nil` when it does not exist.
    /// - Parameter path: The file's path.
    /// - Returns: Its bytes, or `nil` when there is no file at `path`.
    /// - Throws: The underlying error when the file exists but cannot be read.
    package static func readFileIfPresent(_ path: String) throws -> Data? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        // FileHandle, not Data(contentsOf:): the latter refuses character devices, and people point
        // AWS_CONFIG_FILE at /dev/null to mean "no config", as the AWS CLI allows.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        return try handle.readToEnd() ?? Data()
    }

    /// Profile names only, never values.
    package var description: String {
        "SharedConfigFiles(credentials: \(credentialsFilePath ?? "none") \(credentialsProfiles.keys.sorted()), "
            + "config: \(configFilePath ?? "none") \(configProfiles.keys.sorted()), services: \(services.keys.sorted()))"
    }

    /// Same as ``description``.
    package var debugDescription: String { description }

    /// Profile names only, never values.
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "credentialsFilePath": credentialsFilePath as Any,
                "credentialsProfiles": credentialsProfiles.keys.sorted(),
                "configFilePath": configFilePath as Any,
                "configProfiles": configProfiles.keys.sorted(),
                "services": services.keys.sorted(),
            ], displayStyle: .struct)
    }
}

// MARK: - Parsing

extension SharedConfigFiles {
    private static func expand(_ path: String?, home: String?) -> String? {
        guard let path else { return nil }
        if path == "~" { return home ?? path }
        if path.hasPrefix("~/"), let home { return home + path.dropFirst() }
        return path
    }

    /// Splits a file into `(section header, section)` pairs in file order; repeated headers appear
    /// repeatedly and are merged by the caller.
    static func parse(_ text: String, file: String) throws -> [(String, Section)] {
        var result: [(String, Section)] = []
        var header: String?
        var section = Section()
        var property: String?  // the last property of the current section, for continuation lines
        var nested = false  // whether that property opened a nested block (empty value)

        func flush() {
            if let header { result.append((header, section)) }
        }

        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let lineNumber = index + 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }

            let indented = line.first == " " || line.first == "\t"
            if indented, header != nil, let property {
                if nested {
                    let (key, value) = try splitProperty(trimmed, file: file, line: lineNumber)
                    section.subProperties[property, default: [:]][key] = value
                } else {
                    section.properties[property, default: ""] +=
                        "\n" + (Self.verbatimProperties.contains(property) ? trimmed : stripComment(trimmed))
                }
                continue
            }

            if trimmed.hasPrefix("[") {
                guard let close = trimmed.firstIndex(of: "]") else {
                    throw ParseError(file: file, line: lineNumber, reason: "section header has no closing ']'")
                }
                let rest = trimmed[trimmed.index(after: close)...].trimmingCharacters(in: .whitespaces)
                guard rest.isEmpty || rest.hasPrefix("#") || rest.hasPrefix(";") else {
                    throw ParseError(file: file, line: lineNumber, reason: "unexpected text after section header")
                }
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else {
                    throw ParseError(file: file, line: lineNumber, reason: "section header has no name")
                }
                flush()
                header = name
                section = Section()
                property = nil
                nested = false
                continue
            }

            let (key, value) = try splitProperty(trimmed, file: file, line: lineNumber)
            // Properties before the first section belong to no profile; the SDKs ignore them.
            guard header != nil else { continue }
            section.properties[key] = value
            property = key
            nested = value.isEmpty
        }
        flush()
        return result
    }

    private static func splitProperty(_ line: String, file: String, line lineNumber: Int) throws -> (String, String) {
        guard let equals = line.firstIndex(of: "=") else {
            throw ParseError(file: file, line: lineNumber, reason: "expected 'name = value', a '[section]' header or a comment")
        }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        guard !key.isEmpty else {
            throw ParseError(file: file, line: lineNumber, reason: "property has no name")
        }
        let rawValue = String(line[line.index(after: equals)...])
        let value = verbatimProperties.contains(key) ? rawValue.trimmingCharacters(in: .whitespaces) : stripComment(rawValue)
        return (key, value)
    }

    /// Properties whose values keep `#` and `;` (no inline comments), as botocore reads every value.
    static let verbatimProperties: Set<String> = ["credential_process"]

    /// Removes a trailing comment: `#` or `;` preceded by whitespace. Returns the trimmed value.
    private static func stripComment(_ value: String) -> String {
        var previous: Character = " "
        var end = value.endIndex
        var index = value.startIndex
        while index < value.endIndex {
            let character = value[index]
            if (character == "#" || character == ";") && (previous == " " || previous == "\t") && index != value.startIndex {
                end = index
                break
            }
            previous = character
            index = value.index(after: index)
        }
        return value[..<end].trimmingCharacters(in: .whitespaces)
    }
}
