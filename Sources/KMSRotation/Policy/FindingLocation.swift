/// Where a finding's key is declared in an infrastructure-as-code file: a CloudFormation template or a
/// Terraform plan (see the `KMSRotationIaC` library and `Docs/iac.md`).
///
/// Findings from a live scan have none. When present, SARIF results carry it as a `physicalLocation`
/// (so that GitHub code scanning annotates the line), and the JSON report as the finding's `location`.
public struct FindingLocation: Sendable, Hashable, Codable {
    /// The file, as it was given (relative paths stay relative, so SARIF URIs match the repository).
    public var file: String
    /// The resource: a CloudFormation logical ID, or a Terraform resource instance address.
    public var resource: String
    /// The 1-based line of the resource's declaration.
    public var line: Int?
    /// The 1-based column of the resource's declaration.
    public var column: Int?
    /// The attribute the verdict turned on (`EnableKeyRotation`, `enable_key_rotation`), when one did.
    public var attribute: String?
    /// The 1-based line of ``attribute``, when the file sets it.
    public var attributeLine: Int?
    /// The 1-based column of ``attribute``, when the file sets it.
    public var attributeColumn: Int?

    /// Creates a source location.
    package init(
        file: String, resource: String, line: Int? = nil, column: Int? = nil, attribute: String? = nil,
        attributeLine: Int? = nil, attributeColumn: Int? = nil
    ) {
        self.file = file
        self.resource = resource
        self.line = line
        self.column = column
        self.attribute = attribute
        self.attributeLine = attributeLine
        self.attributeColumn = attributeColumn
    }

    /// The line to point a reader at: the attribute's when the file sets it, else the resource's.
    package var bestLine: Int? { attributeLine ?? line }

    /// The column that goes with ``bestLine``.
    package var bestColumn: Int? { attributeLine != nil ? attributeColumn : column }
}
