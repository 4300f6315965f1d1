import ArgumentParser
import Foundation
import KMSRotation
import Logging

#if NIOTransport
    import KMSRotationNIO
#endif

/// `--http-client`: which HTTP stack a live scan sends with.
enum HTTPClientChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// `NIOHTTPTransport`: HTTP/1.1 on SwiftNIO, the least CPU per request; the default. A setup error in a
    /// build without the NIOTransport trait (`--disable-default-traits`).
    case nio
    /// `URLSessionTransport` (Foundation; libcurl on Linux): for a setup only libcurl handles, such as curl's
    /// own variables (`CURL_CA_BUNDLE`) or a proxy `NIOHTTPTransport` cannot use (SOCKS).
    case urlsession

    /// What a run uses without `--http-client`: SwiftNIO when this build has it.
    static var `default`: HTTPClientChoice {
        #if NIOTransport
            .nio
        #else
            .urlsession
        #endif
    }
}

/// The transport of a live run, and the shutdown it needs.
enum LiveTransport {
    /// The CA bundles FoundationNetworking hands libcurl on Linux, the first that exists being used: a
    /// `AWS_CA_BUNDLE` naming one of them (as images that export the system bundle do) changes nothing for
    /// URLSession, so it earns no warning.
    static let systemBundles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/usr/share/ssl/certs/ca-bundle.crt",
        "/usr/local/share/certs/ca-root-nss.crt", "/etc/ssl/cert.pem",
    ]

    /// Whether `path` is (a link to) the system bundle URLSession uses anyway.
    static func isSystemBundle(_ path: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard
            let system = systemBundles.first(where: { FileManager.default.fileExists(atPath: $0) })
                .map({ URL(fileURLWithPath: $0).resolvingSymlinksInPath().path })
        else { return false }
        return resolved == system
    }

    /// The transport for a live scan: one connection pool for every client, sized to the scan's concurrency.
    /// - Parameters:
    ///   - choice: `--http-client`.
    ///   - maximumConnectionsPerHost: The pool size per host.
    ///   - environment: The process environment: proxies (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) and `AWS_CA_BUNDLE`.
    ///   - caBundleSetting: The profile's `ca_bundle`, used when `AWS_CA_BUNDLE` is not set.
    ///   - logger: Where the warning about a CA bundle URLSession cannot use goes.
    /// - Returns: The transport; a `NIOHTTPTransport` is registered with ``OpenTransports``.
    /// - Throws: `SetupError` for a proxy variable or CA bundle that cannot be used.
    static func make(
        _ choice: HTTPClientChoice, maximumConnectionsPerHost: Int, environment: [String: String],
        caBundleSetting: (path: String, source: String)?, logger: Logger
    ) throws -> any HTTPTransport {
        let caBundle: (path: String, source: String)? =
            environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : ($0, "AWS_CA_BUNDLE") } ?? caBundleSetting
        switch choice {
        case .urlsession:
            if let caBundle, !isSystemBundle(caBundle.path) {
                logger.warning("\(caBundle.source) is not used with --http-client urlsession (use --http-client nio)")
            }
            return URLSessionTransport(configuration: .init(maximumConnectionsPerHost: maximumConnectionsPerHost))
        case .nio:
            #if NIOTransport
                let proxy: ProxySettings?
                do {
                    proxy = try ProxySettings.fromEnvironment(environment)
                } catch {
                    // libcurl reads the same variables itself and supports SOCKS proxies.
                    throw SetupError("\(error); --http-client urlsession sends through libcurl, which supports SOCKS proxies")
                }
                let configuration = NIOHTTPTransport.Configuration(
                    maximumConnectionsPerHost: maximumConnectionsPerHost, proxy: proxy, caBundlePath: caBundle?.path)
                do {
                    let transport = try NIOHTTPTransport(configuration: configuration)
                    OpenTransports.register(transport)
                    return transport
                } catch let error as TransportSetupError {
                    throw SetupError(caBundle.map { "\($0.source): \(error)" } ?? "\(error)")
                }
            #else
                throw SetupError(
                    "--http-client \(choice.rawValue): this kms-rotation was built without the NIOTransport trait (--disable-default-traits); build it with the default traits, `swift build -c release`, or use --http-client urlsession"
                )
            #endif
        }
    }
}

#if NIOTransport
    /// The transports the command made, shut down before the process exits (``KMSRotationCommand/main()``
    /// calls ``shutDownAll()`` after the command returns or throws, whatever its exit status).
    enum OpenTransports {
        private static let lock = NSLock()
        nonisolated(unsafe) private static var transports: [any ShutDownTransport] = []

        static func register(_ transport: any ShutDownTransport) {
            lock.withLock { transports.append(transport) }
        }

        /// Shuts every registered transport down, once; a failure to close cleanly is not worth an exit status.
        static func shutDownAll() async {
            let open = lock.withLock {
                defer { transports = [] }
                return transports
            }
            for transport in open {
                try? await transport.shutdown()
            }
        }
    }

    /// A transport that holds connections until it is shut down.
    protocol ShutDownTransport: AnyObject, Sendable {
        func shutdown() async throws
    }

    extension NIOHTTPTransport: ShutDownTransport {}
#else
    /// Without the NIOTransport trait no transport needs shutting down.
    enum OpenTransports {
        static func shutDownAll() async {}
    }
#endif
