import ArgumentParser
import Foundation
import KMSRotation
import KMSRotationTesting
import Logging

/// Which Regions to scan and how to make a client for each: from the AWS configuration, or the demo.
struct ScanSetup: Sendable {
    var regions: [String]
    var now: @Sendable () -> Date
    var clientFactory: @Sendable (String) async throws -> KMSClient
    /// Live setups only: what `--role-arn` and `--organization` need (AccountTargets.swift).
    var live: LiveAccess?

    /// The real thing: AWS configuration, the default credential chain, URLSession.
    /// - Throws: `ValidationError` for bad input (exit 64); anything else means the scan cannot run (exit 1).
    static func live(environment: [String: String], profile: String?, endpointURL: String?, regions requested: [String],
                     allRegions: Bool, logger: Logger) async throws -> ScanSetup {
        let files = try SharedConfigFiles.load(environment: environment)
        let configuration = try AWSConfiguration.resolve(environment: environment, files: files, profile: profile)
        let endpoint = endpointURL ?? configuration.endpointURL

        let regions: [String]
        if allRegions {
            let partition = EndpointResolver().partition(for: configuration.region ?? "us-east-1")
            regions = KMSRegions.names(inPartition: partition.id)
        } else if !requested.isEmpty {
            regions = requested
        } else if let region = configuration.region {
            regions = [region]
        } else {
            throw ValidationError("No Region to scan: pass --region or --all-regions, set AWS_REGION, or set region in the profile '\(configuration.profile)'.")
        }
        for region in regions {
            do { try EndpointResolver.validateRegion(region) } catch { throw ValidationError("\(error)") }
        }
        // A bad endpoint (a scheme, host or port that cannot work) means nothing can be scanned: it is found
        // before any call and exits 1 with the reason (DESIGN.md's contract), never a per-Region scan
        // error (exit 4). The STS and Organizations endpoints configured are checked the same way.
        do {
            _ = try EndpointResolver().resolve(region: regions[0], useFIPS: configuration.useFIPSEndpoint,
                                               useDualStack: configuration.useDualStackEndpoint, customEndpoint: endpoint)
        } catch let error as EndpointError {
            throw SetupError("\(endpointURL != nil ? "--endpoint-url" : "the configured KMS endpoint"): \(error)")
        }
        for service in ["STS", "Organizations"] {
            guard let configured = try AWSConfiguration.endpointURL(forService: service, environment: environment, files: files, profile: profile)
            else { continue }
            do {
                _ = try EndpointResolver.validateCustomEndpoint(configured.url)
            } catch {
                throw SetupError("the \(service) endpoint from \(configured.source): \(error)")
            }
        }

        let transport = URLSessionTransport()
        let credentials = CredentialProviderChain.default(environment: environment, files: files, transport: transport, profile: profile)
        do {
            _ = try await credentials.credentials()
        } catch {
            throw SetupError("no AWS credentials: \(error)")
        }
        let strategy = try RetryStrategy(maxAttempts: configuration.maxAttempts ?? 3)
        let useFIPS = configuration.useFIPSEndpoint, useDualStack = configuration.useDualStackEndpoint
        var setup = ScanSetup(regions: regions, now: { Date() }) { region in
            try KMSClient(region: region, endpoint: endpoint, useFIPS: useFIPS, useDualStack: useDualStack, credentialProvider: credentials,
                          transport: transport, retryStrategy: strategy, logger: logger)
        }
        setup.live = try LiveAccess(environment: environment, files: files, profile: profile, configuration: configuration, regions: regions,
                                    credentials: credentials, transport: transport, retryStrategy: strategy, kmsEndpoint: endpoint, logger: logger)
        return setup
    }

    /// The built-in sample account: several Regions, every kind of key, one Region not enabled; served by
    /// the in-memory KMS over MockTransport semantics, with no network and no credentials. Its clock is
    /// fixed at ``SampleAccount/referenceDate`` so the output is reproducible.
    static func demo(regions requested: [String], allRegions: Bool, logger: Logger) throws -> ScanSetup {
        let kms = SampleAccount.demo()
        let all = SampleAccount.enabledRegions + [SampleAccount.notEnabledRegion]
        let regions = requested.isEmpty ? all : requested
        let credentials = StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDDEMOACCOUNT", secretAccessKey: "demo-secret-not-used-for-anything"))
        return ScanSetup(regions: regions, now: { SampleAccount.referenceDate }) { region in
            try KMSClient(region: region, credentialProvider: credentials, transport: kms, sleeper: { _ in }, logger: logger,
                          now: { SampleAccount.referenceDate })
        }
    }
}

/// The scan cannot run (exit status 1), with a message for people.
struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
