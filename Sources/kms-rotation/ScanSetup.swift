import ArgumentParser
import Foundation
import KMSRotation
import KMSRotationTesting
import Logging

#if NIOTransport
    import KMSRotationNIO
#endif

/// Which Regions to scan and how to make a client for each: from the AWS configuration, or the demo.
struct ScanSetup: Sendable {
    var regions: [String]
    var now: @Sendable () -> Date
    var clientFactory: @Sendable (String) async throws -> KMSClient
    /// Live setups only: what `--role-arn` and `--organization` need (AccountTargets.swift).
    var live: LiveAccess?
    /// Live setups only: the rate limiters of every account and Region scanned (progress shows their totals).
    var limiters: RateLimiterRegistry?

    /// How the scan treats throttling: `--max-wait`, `--max-requests-per-second`, `--concurrency`.
    struct Pacing {
        var maxWait: Duration
        var maxRequestsPerSecond: Double?
        var concurrency: Int
    }

    /// The retry mode for a scan: `retry_mode` / `AWS_RETRY_MODE` when set (`legacy` maps to standard, as
    /// in aws-sdk-swift and the other SDKs without a legacy mode of their own), else adaptive, because a
    /// scan shares its account's quota with production and must slow down, not give up.
    static func isAdaptive(_ configured: String?) -> Bool {
        switch configured {
        case "standard", "legacy": false
        default: true
        }
    }

    /// The real thing: AWS configuration, the default credential chain, the `--http-client` transport.
    /// - Throws: `ValidationError` for bad input (exit 64); anything else means the scan cannot run (exit 1).
    static func live(
        environment: [String: String], profile: String?, endpointURL: String?, regions requested: [String],
        allRegions: Bool, pacing: Pacing, httpClient: HTTPClientChoice, logger: Logger
    ) async throws -> ScanSetup {
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
            throw ValidationError(
                "No Region to scan: pass --region or --all-regions, set AWS_REGION, or set region in the profile "
                    + "'\(configuration.profile)'."
            )
        }
        for region in regions {
            do { try EndpointResolver.validateRegion(region) } catch { throw ValidationError("\(error)") }
        }
        // A bad endpoint (a scheme, host or port that cannot work) means nothing can be scanned: it is found
        // before any call and exits 1 with the reason (DESIGN.md's contract), never a per-Region scan
        // error (exit 4). The STS and Organizations endpoints configured are checked the same way.
        do {
            _ = try EndpointResolver().resolve(
                region: regions[0], useFIPS: configuration.useFIPSEndpoint,
                useDualStack: configuration.useDualStackEndpoint, customEndpoint: endpoint)
        } catch let error as EndpointError {
            throw SetupError("\(endpointURL != nil ? "--endpoint-url" : "the configured KMS endpoint"): \(error)")
        }
        for service in ["STS", "Organizations"] {
            guard
                let configured = try AWSConfiguration.endpointURL(
                    forService: service, environment: environment, files: files, profile: profile)
            else { continue }
            do {
                _ = try EndpointResolver.validateCustomEndpoint(configured.url)
            } catch {
                throw SetupError("the \(service) endpoint from \(configured.source): \(error)")
            }
        }

        // One transport (one connection pool) for every client, sized to the scan's concurrency: URLSession's
        // default of 6 connections per host capped every Region at 6 requests in flight. With a custom
        // endpoint every Region shares one host.
        // SwiftNIO by default: URLSession on Linux spends about three times its CPU per request.
        let caBundle = files.profile(configuration.profile)?["ca_bundle"].map { ($0, "ca_bundle in profile '\(configuration.profile)'") }
        #if NIOTransport
            logger.debug(
                "Swift Concurrency runs on \(EventLoopConcurrency.isInstalled ? "NIO's event loops (EventLoopConcurrency)" : "its own thread pool")"
            )
        #endif
        let transport = try LiveTransport.make(
            httpClient, maximumConnectionsPerHost: min(512, max(64, pacing.concurrency * regions.count)), environment: environment,
            caBundleSetting: caBundle, logger: logger)
        let credentials = CredentialProviderChain.default(environment: environment, files: files, transport: transport, profile: profile)
        do {
            _ = try await credentials.credentials()
        } catch {
            throw SetupError("no AWS credentials: \(error)")
        }
        let strategy = try RetryStrategy(maxAttempts: configuration.maxAttempts ?? 3)
        let adaptive = isAdaptive(configuration.retryMode)
        let limiters = RateLimiterRegistry(configuration: .init(maximumRequestsPerSecond: pacing.maxRequestsPerSecond, adaptive: adaptive))
        // Scan-wide: throttled calls and failed listing pages are retried until this deadline (adaptive mode).
        let patience: RetryPatience? = adaptive ? .for(pacing.maxWait) : nil
        let useLimiter = adaptive || pacing.maxRequestsPerSecond != nil
        let caller = AWSClientConfiguration(
            region: regions[0], credentialProvider: credentials, transport: transport,
            useFIPS: configuration.useFIPSEndpoint, useDualStack: configuration.useDualStackEndpoint,
            retryStrategy: strategy, retryPatience: patience, logger: logger)
        let live = try LiveAccess(
            environment: environment, files: files, profile: profile, configuration: configuration, regions: regions,
            caller: caller, kmsEndpoint: endpoint, limiters: useLimiter ? limiters : nil)
        var setup = ScanSetup(regions: regions, now: { Date() }) { region in try live.kmsClient(credentials, region) }
        setup.limiters = limiters
        setup.live = live
        return setup
    }

    /// The built-in sample account: several Regions, every kind of key, one Region not enabled; served by
    /// the in-memory KMS over MockTransport semantics, with no network and no credentials. Its clock is
    /// fixed at ``SampleAccount/referenceDate`` so the output is reproducible.
    static func demo(regions requested: [String], allRegions: Bool, logger: Logger) throws -> ScanSetup {
        let kms = SampleAccount.demo()
        let all = SampleAccount.enabledRegions + [SampleAccount.notEnabledRegion]
        let regions = requested.isEmpty ? all : requested
        let credentials = StaticCredentialProvider(
            AWSCredentials(accessKeyId: "AKIDDEMOACCOUNT", secretAccessKey: "demo-secret-not-used-for-anything"))
        return ScanSetup(regions: regions, now: { SampleAccount.referenceDate }) { region in
            try KMSClient(
                AWSClientConfiguration(
                    region: region, credentialProvider: credentials, transport: kms, logger: logger,
                    sleeper: { _ in }, now: { SampleAccount.referenceDate }))
        }
    }
}

/// The scan cannot run (exit status 1), with a message for people.
struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
