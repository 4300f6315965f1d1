import Foundation
import KMSRotation
import TestSupport
import Testing

/// `--http-client`: both transports stay covered end to end, and the settings only NIOHTTPTransport reads
/// (proxy variables, `AWS_CA_BUNDLE`) fail at setup, exit 1, with a message that holds no credential. The
/// SwiftNIO cases run in the default build (the NIOTransport trait); `.ci/run` also runs the suite without it.
@Suite("kms-rotation --http-client (the real binary)", .enabled(if: CLIBinary.path != nil), .serialized)
struct HTTPClientCLITests {
    static let credentials = ["AWS_ACCESS_KEY_ID": "AKIDHTTPCLIENTTEST", "AWS_SECRET_ACCESS_KEY": "http-client-test-secret"]

    @Test(
        "--http-client urlsession: every key gets its true verdict over URLSession, with more than 6 requests in flight",
        .enabled(if: KMSStandIn.isAvailable, Comment(rawValue: KMSStandIn.skipMessage)))
    func urlSession() async throws {
        let standIn = try KMSStandIn(.init(regions: ["us-east-1"], keysPerRegion: 120, latency: 0.02))
        let output = try standIn.audit(["--region", "us-east-1", "--concurrency", "16", "--http-client", "urlsession"])
        let stats = try await standIn.stats()
        try StandInAcceptanceTests.expectTrueVerdicts(output, stats)
        #expect(stats.maxInFlight > 6, "\(stats.maxInFlight) in flight: the 6-connection cap is back")
        #expect(stats.maxInFlight <= 16)
    }

    @Test("--http-client urlsession warns that AWS_CA_BUNDLE is not used, unless it names the system bundle URLSession uses anyway")
    func urlSessionCABundleWarning() throws {
        // --max-wait 1: the refused endpoint is retried no longer than a second (listings are patient).
        let arguments = [
            "audit", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "--http-client", "urlsession", "--max-wait", "1",
        ]
        var environment = Self.credentials
        environment["AWS_CA_BUNDLE"] = "/nonexistent/corporate-ca.pem"
        let custom = try CLIBinary.run(arguments, environment: environment)
        #expect(custom.stderr.contains("AWS_CA_BUNDLE is not used with --http-client urlsession"), "\(custom.stderr)")
        let system = "/etc/ssl/certs/ca-certificates.crt"
        if FileManager.default.fileExists(atPath: system) {
            environment["AWS_CA_BUNDLE"] = system
            let run = try CLIBinary.run(arguments, environment: environment)
            #expect(!run.stderr.contains("AWS_CA_BUNDLE"), "\(run.stderr)")
        }
    }

    @Test("An unknown --http-client is a usage error (exit 64)")
    func unknownClient() throws {
        let run = try CLIBinary.run(["audit", "--demo", "--http-client", "curl"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--http-client"), "\(run.stderr)")
    }

    #if NIOTransport
        @Test(
            "--http-client nio: every key gets its true verdict over NIOHTTPTransport, with the scan's concurrency in flight",
            .enabled(if: KMSStandIn.isAvailable, Comment(rawValue: KMSStandIn.skipMessage)))
        func nio() async throws {
            let standIn = try KMSStandIn(.init(regions: ["us-east-1"], keysPerRegion: 120, latency: 0.02))
            let output = try standIn.audit(["--region", "us-east-1", "--concurrency", "16", "--http-client", "nio"])
            let stats = try await standIn.stats()
            try StandInAcceptanceTests.expectTrueVerdicts(output, stats)
            #expect(stats.maxInFlight > 6, "\(stats.maxInFlight) in flight")
            #expect(stats.maxInFlight <= 16)
        }

        @Test(
            "The CLI runs Swift Concurrency on NIO's event loops (EventLoopConcurrency), and every verdict is still true",
            .enabled(if: KMSStandIn.isAvailable, Comment(rawValue: KMSStandIn.skipMessage)))
        func concurrencyOnTheEventLoops() async throws {
            let standIn = try KMSStandIn(.init(regions: ["us-east-1", "eu-west-1"], keysPerRegion: 60))
            let output = try standIn.audit(["--region", "us-east-1", "--region", "eu-west-1", "--concurrency", "8", "--verbose"])
            try StandInAcceptanceTests.expectTrueVerdicts(output, try await standIn.stats())
            #expect(output.stderr.contains("Swift Concurrency runs on NIO's event loops (EventLoopConcurrency)"), "\(output.stderr)")
        }

        @Test(
            "HTTP_PROXY with credentials: the scan's http requests are forwarded by the proxy with their absolute URL, authenticated, and nothing prints the password",
            .enabled(if: KMSStandIn.isAvailable, Comment(rawValue: KMSStandIn.skipMessage)))
        func throughAProxy() async throws {
            let standIn = try KMSStandIn(.init(regions: ["us-east-1"], keysPerRegion: 5))
            try await LoopbackProxy.with(credentials: "scan-user:proxy-pa55word") { proxy in
                let run = try CLIBinary.run(
                    [
                        "audit", "--endpoint-url", standIn.endpoint, "--format", "json", "--region", "us-east-1", "--verbose",
                    ],
                    environment: [
                        "AWS_ACCESS_KEY_ID": KMSStandIn.accessKeyId, "AWS_SECRET_ACCESS_KEY": KMSStandIn.secretAccessKey,
                        "AWS_REGION": "us-east-1", "HTTP_PROXY": "http://scan-user:proxy-pa55word@127.0.0.1:\(proxy.port)",
                    ])
                try StandInAcceptanceTests.expectTrueVerdicts(run, try await standIn.stats())
                let records = try await proxy.records(using: URLSessionTransport())
                let port = URL(string: standIn.endpoint)?.port ?? 0
                #expect(!records.isEmpty)
                #expect(records.allSatisfy { $0.line.hasPrefix("POST http://127.0.0.1:\(port)/") }, "\(records.map(\.line))")
                let expected = "Basic " + Data("scan-user:proxy-pa55word".utf8).base64EncodedString()
                #expect(records.allSatisfy { $0.authorization == expected })
                #expect(!run.stderr.contains("proxy-pa55word") && !run.stdout.contains("proxy-pa55word"))
            }
        }

        @Test("An unusable HTTPS_PROXY stops the scan before any request (exit 1), naming the variable, never the password")
        func badProxy() throws {
            var environment = Self.credentials
            environment["HTTPS_PROXY"] = "socks5://proxy-user:proxy-pa55word@127.0.0.1:1080"
            let run = try CLIBinary.run(
                ["audit", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"], environment: environment)
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stderr.contains("HTTPS_PROXY: only http:// and https:// proxies are supported"), "\(run.stderr)")
            #expect(run.stderr.contains("--http-client urlsession sends through libcurl"), "\(run.stderr)")
            #expect(!run.stderr.contains("proxy-pa55word"))
            #expect(!run.stderr.contains("proxy-user"))
        }

        @Test("A missing AWS_CA_BUNDLE stops the scan before any request (exit 1), saying which setting and why")
        func missingCABundle() throws {
            var environment = Self.credentials
            environment["AWS_CA_BUNDLE"] = "/nonexistent/kms-rotation-ca.pem"
            let run = try CLIBinary.run(
                ["audit", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"], environment: environment)
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stderr.contains("AWS_CA_BUNDLE: CA bundle /nonexistent/kms-rotation-ca.pem: no such file"), "\(run.stderr)")
        }

        @Test("The profile's ca_bundle is read when AWS_CA_BUNDLE is not set")
        func profileCABundle() throws {
            let config = FileManager.default.temporaryDirectory.appendingPathComponent("kms-rotation-config-\(UUID().uuidString)")
            try "[default]\nca_bundle = /nonexistent/profile-ca.pem\n".write(to: config, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: config) }
            var environment = Self.credentials
            environment["AWS_CONFIG_FILE"] = config.path
            let run = try CLIBinary.run(
                ["audit", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"], environment: environment)
            #expect(run.status == 1, "\(run.stderr)")
            #expect(
                run.stderr.contains("ca_bundle in profile 'default': CA bundle /nonexistent/profile-ca.pem: no such file"), "\(run.stderr)")
        }

    #else
        @Test("Without the NIOTransport trait, --http-client nio is a setup error (exit 1) that says how to build it")
        func nioNotBuilt() throws {
            let run = try CLIBinary.run(
                ["audit", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "--http-client", "nio", "--max-wait", "1"],
                environment: Self.credentials)
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stderr.contains("--http-client nio: this kms-rotation was built without the NIOTransport trait"), "\(run.stderr)")
        }
    #endif
}
