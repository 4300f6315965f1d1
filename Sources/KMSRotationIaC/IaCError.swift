/// A file that could not be judged: unreadable, malformed, too large, or not a Terraform plan or
/// CloudFormation template. Its ``description`` names the file, and the line and column when known
/// (`infra/kms.yaml:12:5: …`), in the form compilers and editors link.
public struct IaCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable category.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        let code: String

        /// The file could not be read (missing, a directory, no permission).
        public static let unreadable = Kind(code: "unreadable")
        /// The file is JSON or YAML with a syntax error, or a plan or template with a structural error.
        public static let malformed = Kind(code: "malformed")
        /// The file is larger than the limit for its kind.
        public static let tooLarge = Kind(code: "tooLarge")
        /// The file is neither a Terraform plan nor a CloudFormation template: it is skipped.
        public static let notInfrastructureAsCode = Kind(code: "notInfrastructureAsCode")

        /// The category's name (`malformed`, `notInfrastructureAsCode`, …).
        public var description: String { code }
    }

    /// The category.
    public var kind: Kind
    /// The file, as given.
    public var file: String
    /// The 1-based line of the problem, when known.
    public var line: Int?
    /// The 1-based column of the problem, when known.
    public var column: Int?
    /// What is wrong, for people.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, the line and column when known.
    public var description: String {
        var prefix = file
        if let line {
            prefix += ":\(line)"
            if let column { prefix += ":\(column)" }
        }
        return "\(prefix): \(message)"
    }
}
