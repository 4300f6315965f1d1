import ArgumentParser
import Foundation
import KMSRotation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Scan KMS keys and report which ones do not rotate.",
        discussion: """
            Credentials, Region and endpoint follow the AWS conventions (AWS_ACCESS_KEY_ID, AWS_PROFILE, \
            AWS_REGION, AWS_ENDPOINT_URL_KMS, the shared config files). Only read operations are used: see \
            Docs/iam-permissions.md. `--demo` audits a built-in sample account with no network and no credentials.
            """
    )

    @OptionGroup var scan: ScanArguments

    @Option(help: "Output format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: table.")
    var format: ReportFormat?

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let report = try await scan.scan(environment: environment).report

        let toFile = output != nil
        // Always the table by default, piped or not, so `audit --demo | less` shows what a terminal shows;
        // machines ask for a format explicitly.
        let chosen = format ?? .table
        let renderOptions = RenderOptions(
            color: !toFile && Terminal.wantsColor(fd: Terminal.standardOutput, environment: environment),
            terminalWidth: toFile ? nil : Terminal.width(fd: Terminal.standardOutput),
            exitStatus: ExitStatus.of(report.outcome))
        let text = try ReportRenderer().render(report, as: chosen, options: renderOptions)
        try Self.deliver(text, to: output)
        throw ExitCode(ExitStatus.of(report.outcome))
    }

    /// Writes a rendered report to `--output` or standard output. A reader that went away (`| head`) ends
    /// the command quietly; a full disk or a closed descriptor is an error (exit 1): the report was not
    /// delivered.
    static func deliver(_ text: String, to output: String?) throws {
        do {
            if let output {
                try OutputFile.withUTF8Data(of: text) { data throws(OutputError) in try OutputFile.write(data, to: output) }
            } else {
                try Terminal.writeOutput(text)
            }
        } catch {
            guard error.isBrokenPipe else {
                Terminal.writeError("kms-rotation: \(error)\n")
                throw ExitCode(ExitStatus.failure)
            }
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
