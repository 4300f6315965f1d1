import Foundation
import KMSRotation

/// Finds and reads the plans and templates under some paths: what `kms-rotation iac PATH...` does.
///
/// A file given by name is always read. A directory is walked (symbolic links to directories are not
/// followed; `.git`, `.terraform` and `node_modules` are not entered) for `*.json`, `*.yaml`, `*.yml`
/// and `*.template` files; CDK's `cdk.out/*.template.json` are among them, and the cloud assembly's own
/// files (`manifest.json`, `tree.json`, `*.assets.json`, …) are passed over without a warning.
public struct IaCScan: Sendable {
    /// The most files a directory walk reads.
    public static let maximumFiles = 10_000
    /// The deepest a directory walk goes.
    public static let maximumDirectoryDepth = 32

    /// The plans and templates read, in path order.
    public var documents: [IaCDocument]
    /// Files that are neither a plan nor a template: skipped, each worth a warning.
    public var skipped: [IaCError]
    /// Files that could not be read or are malformed: each is an error.
    public var failures: [IaCError]

    /// Creates a scan result.
    public init(documents: [IaCDocument] = [], skipped: [IaCError] = [], failures: [IaCError] = []) {
        self.documents = documents
        self.skipped = skipped
        self.failures = failures
    }

    /// Reads every plan and template under the paths.
    /// - Parameter paths: Files or directories.
    /// - Returns: What was read, skipped and failed.
    /// - Throws: ``IaCError`` (`unreadable`) for a path that does not exist.
    public static func read(paths: [String]) throws(IaCError) -> IaCScan {
        var scan = IaCScan()
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw IaCError(kind: .unreadable, file: path, message: "no such file or directory")
            }
            if isDirectory.boolValue {
                files += walk(path)
            } else {
                files.append(path)
            }
        }
        var seen = Set<String>()
        for file in files where seen.insert(file).inserted {
            do {
                scan.documents.append(try IaCDocument(contentsOf: URL(fileURLWithPath: file), path: file))
            } catch  where error.kind == .notInfrastructureAsCode {
                scan.skipped.append(error)
            } catch {
                scan.failures.append(error)
            }
        }
        return scan
    }

    /// Every finding of every document.
    /// - Parameter policy: The policy.
    /// - Returns: The findings, document by document.
    public func findings(policy: RotationPolicy = .cis) -> [RotationFinding] {
        findings(policies: PolicyResolver(policy))
    }

    /// Every finding of every document, each key judged by the rule that covers it
    /// (see ``IaCDocument/findings(policies:accountId:region:)``).
    /// - Parameters:
    ///   - policies: The rules.
    ///   - accountId: The account the documents deploy to; `nil` when not known.
    ///   - region: The Region the documents deploy to; `nil` when not known.
    /// - Returns: The findings, document by document.
    public func findings(policies: PolicyResolver, accountId: String? = nil, region: String? = nil) -> [RotationFinding] {
        documents.flatMap { $0.findings(policies: policies, accountId: accountId, region: region) }
    }

    /// A report of every finding, ready for any output format. A file that failed is a scan error (its
    /// `region` is the file, its `operation` `ReadTemplate` or `ReadPlanOrTemplate`, its `code` the error
    /// kind), so the report's outcome is `incomplete` (exit status 4) when nothing is non-compliant but a
    /// file could not be read.
    /// - Parameters:
    ///   - policy: The policy.
    ///   - generatedAt: The report's time.
    /// - Returns: The report.
    public func report(policy: RotationPolicy = .cis, generatedAt: Date = Date()) -> RotationReport {
        report(policies: PolicyResolver(policy), generatedAt: generatedAt)
    }

    /// A report of every finding, each key judged by the rule that covers it; failures as in
    /// ``report(policy:generatedAt:)``. The report's `policy` is the rules' default.
    /// - Parameters:
    ///   - policies: The rules.
    ///   - accountId: The account the documents deploy to; `nil` when not known.
    ///   - region: The Region the documents deploy to; `nil` when not known.
    ///   - generatedAt: The report's time.
    /// - Returns: The report.
    public func report(
        policies: PolicyResolver, accountId: String? = nil, region: String? = nil,
        generatedAt: Date = Date()
    ) -> RotationReport {
        let errors = failures.map { failure in
            ScanError(
                region: failure.file, operation: failure.file.hasSuffix(".json") ? "ReadPlanOrTemplate" : "ReadTemplate",
                code: failure.kind.description,
                message: failure.line.map { line in
                    "line \(line)\(failure.column.map { ", column \($0)" } ?? ""): \(failure.message)"
                } ?? failure.message)
        }
        return RotationReport(
            findings: findings(policies: policies, accountId: accountId, region: region), errors: errors,
            policy: policies.defaultPolicy, regions: [], generatedAt: generatedAt)
    }

    // MARK: - Walking

    static let extensions: Set<String> = ["json", "yaml", "yml", "template"]
    static let skippedDirectories: Set<String> = [".git", ".terraform", "node_modules", ".build"]
    /// JSON files that tools write beside templates and plans, passed over quietly in a directory walk.
    static let knownNonIaCFiles: Set<String> = [
        "manifest.json", "tree.json", "cdk.json", "cdk.context.json", "package.json", "package-lock.json",
        "tsconfig.json", ".terraform.lock.hcl", "cdk.out",
    ]

    static func walk(_ directory: String) -> [String] {
        var result: [String] = []
        func visit(_ path: String, depth: Int) {
            guard depth <= maximumDirectoryDepth, result.count < maximumFiles else { return }
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
            for name in entries where result.count < maximumFiles {
                let child = path.hasSuffix("/") ? path + name : path + "/" + name
                let attributes = try? FileManager.default.attributesOfItem(atPath: child)
                let type = attributes?[.type] as? FileAttributeType
                if type == .typeDirectory {
                    if !skippedDirectories.contains(name) { visit(child, depth: depth + 1) }
                } else if type == .typeRegular {
                    let fileExtension = (name as NSString).pathExtension.lowercased()
                    guard extensions.contains(fileExtension), !knownNonIaCFiles.contains(name), !name.hasSuffix(".assets.json") else {
                        continue
                    }
                    result.append(child)
                }
            }
        }
        visit(directory, depth: 0)
        return result
    }
}
