/// The ARN of an IAM role, `arn:{partition}:iam::{account}:role/{path}{name}`: what `AssumeRole` takes,
/// and what a multi-account scan builds for each account of an organization.
///
/// ```swift
/// let role = try IAMRoleARN(parsing: "arn:aws:iam::111122223333:role/security/Audit")
/// role.accountId   // "111122223333"
/// IAMRoleARN(partition: "aws", accountId: "444455556666", roleName: "OrganizationAccountAccessRole").description
/// // "arn:aws:iam::444455556666:role/OrganizationAccountAccessRole"
/// ```
public struct IAMRoleARN: Sendable, Hashable, CustomStringConvertible {
    /// Why a string is not a role ARN, or a role name is not valid.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, for people.
        public var message: String
        /// Creates an error.
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// The partition (`aws`, `aws-cn`, `aws-us-gov`, …).
    public var partition: String
    /// The 12-digit account that owns the role.
    public var accountId: String
    /// The role's name, with its path if it has one (`security/Audit` for path `/security/`).
    public var roleName: String

    /// Creates a role ARN from its parts. The parts are not validated: use ``validateRoleName(_:)`` for
    /// user input.
    /// - Parameters:
    ///   - partition: The partition.
    ///   - accountId: The account.
    ///   - roleName: The role name, optionally prefixed with its path (`path/Name`).
    public init(partition: String, accountId: String, roleName: String) {
        self.partition = partition
        self.accountId = accountId
        self.roleName = roleName
    }

    /// Parses and checks a role ARN.
    /// - Parameter text: `arn:{partition}:iam::{12 digits}:role/{name}`.
    /// - Throws: ``ParseError`` saying what is wrong.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[3].isEmpty, parts[5].hasPrefix("role/") else {
            throw ParseError("'\(Self.shown(text))' is not an IAM role ARN; expected arn:aws:iam::111122223333:role/RoleName.")
        }
        guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ParseError("'\(Self.shown(text))' has no valid partition (aws, aws-cn, aws-us-gov, …).")
        }
        let account = String(parts[4])
        guard Self.isAccountId(account) else {
            throw ParseError("'\(Self.shown(text))' has no valid account ID: expected 12 digits, got '\(Self.shown(account))'.")
        }
        let name = String(parts[5].dropFirst("role/".count))
        try Self.validateRoleName(name)
        self.init(partition: String(parts[1]), accountId: account, roleName: name)
    }

    /// The ARN.
    public var description: String { "arn:\(partition):iam::\(accountId):role/\(roleName)" }

    /// Checks a role name as IAM allows it: 1–64 characters of `[A-Za-z0-9_+=,.@-]`, optionally
    /// preceded by a path (`path/to/Name`, at most 512 characters in all, no empty segment).
    /// - Parameter name: The role name, with its path if any.
    /// - Throws: ``ParseError`` saying what is wrong.
    public static func validateRoleName(_ name: String) throws {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-")
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = segments.last, !name.isEmpty, name.count <= 512 + 64,
              segments.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) }), (1...64).contains(last.count) else {
            throw ParseError("'\(shown(name))' is not a valid IAM role name: use 1 to 64 letters, digits and _+=,.@- (optionally after a path, path/Name).")
        }
    }

    /// Whether a string is a 12-digit account ID.
    /// - Parameter text: The candidate.
    /// - Returns: `true` for exactly 12 ASCII digits.
    public static func isAccountId(_ text: String) -> Bool {
        text.count == 12 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The text as safe to print: control characters replaced, length bounded.
    private static func shown(_ text: String) -> String {
        let printable = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return printable.count > 120 ? String(printable.prefix(120)) + "…" : printable
    }
}
