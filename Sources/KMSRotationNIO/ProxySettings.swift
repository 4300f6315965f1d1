// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import Foundation

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Musl)
        import Musl
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// Which HTTP proxy, if any, a request goes through: the settings curl and botocore read from
    /// `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`.
    ///
    /// `URLSession` on Linux (libcurl) honoured those variables without being asked; an
    /// ``NIOHTTPTransport`` honours exactly the settings it is given, so a tool reads them once
    /// with ``fromEnvironment(_:)`` and passes them in ``NIOHTTPTransport/Configuration/proxy``.
    ///
    /// ```swift
    /// let proxy = try ProxySettings.fromEnvironment(ProcessInfo.processInfo.environment)
    /// let transport = try NIOHTTPTransport(configuration: .init(proxy: proxy))
    /// ```
    ///
    /// Descriptions never show proxy credentials.
    public struct ProxySettings: Sendable, Hashable, CustomStringConvertible {
        /// The proxy for `https` URLs; `nil` sends them directly.
        public var httpsProxy: Server?
        /// The proxy for `http` URLs; `nil` sends them directly.
        public var httpProxy: Server?
        /// The hosts reached directly whatever the proxies: `NO_PROXY`'s entries (see ``bypassesProxy(for:)``).
        public var noProxy: [String] {
            didSet { bypass = Bypass(noProxy) }
        }
        private var bypass: Bypass

        /// Creates proxy settings.
        /// - Parameters:
        ///   - httpsProxy: The proxy for `https` URLs. Default none.
        ///   - httpProxy: The proxy for `http` URLs. Default none.
        ///   - noProxy: `NO_PROXY` entries: `*`, a host name (matching it and its subdomains, with or without a
        ///     leading dot), an IP address, each optionally with `:port`, or a CIDR range of IP addresses
        ///     (`10.0.0.0/8`, `fd00::/8`). Default none.
        public init(httpsProxy: Server? = nil, httpProxy: Server? = nil, noProxy: [String] = []) {
            self.httpsProxy = httpsProxy
            self.httpProxy = httpProxy
            self.noProxy = noProxy
            self.bypass = Bypass(noProxy)
        }

        /// Reads the proxy variables as curl and botocore do: `https_proxy` or `HTTPS_PROXY` for `https`
        /// URLs, `http_proxy` or `HTTP_PROXY` for `http` URLs, `no_proxy` or `NO_PROXY` for the hosts
        /// reached directly; the lower-case spelling wins when both are set, and an empty value counts as unset.
        /// - Parameter environment: The process environment (or a test's).
        /// - Returns: The settings, or `nil` when neither proxy variable is set.
        /// - Throws: ``TransportSetupError`` naming the variable whose value is not a usable proxy URL (the
        ///   value itself is not repeated: it may hold a password).
        public static func fromEnvironment(_ environment: [String: String]) throws -> ProxySettings? {
            func value(_ name: String) -> (name: String, value: String)? {
                for spelling in [name.lowercased(), name.uppercased()] {
                    if let value = environment[spelling]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                        return (spelling, value)
                    }
                }
                return nil
            }
            let https = try value("HTTPS_PROXY").map { try Server(url: $0.value, source: $0.name) }
            let http = try value("HTTP_PROXY").map { try Server(url: $0.value, source: $0.name) }
            guard https != nil || http != nil else { return nil }
            let noProxy = value("NO_PROXY")?.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
            return ProxySettings(httpsProxy: https, httpProxy: http, noProxy: noProxy.filter { !$0.isEmpty })
        }

        /// The proxy a request to `url` goes through, or `nil` to send it directly.
        /// - Parameter url: The request's URL.
        /// - Returns: ``httpsProxy`` for an `https` URL, ``httpProxy`` for an `http` one, unless ``noProxy`` matches.
        public func server(for url: URL) -> Server? {
            let server: Server?
            switch url.scheme?.lowercased() {
            case "https": server = httpsProxy
            case "http": server = httpProxy
            default: server = nil
            }
            guard let server, !bypassesProxy(for: url) else { return nil }
            return server
        }

        /// Whether ``noProxy`` sends a request to `url` directly: an entry `*`; an entry equal to the host
        /// or a parent domain of it (`example.com` and `.example.com` both match `kms.example.com`); an IP
        /// address equal to the host's, compared by value (`::1` matches `[0:0::1]`); a CIDR range holding the
        /// host's address (`10.0.0.0/8`, `169.254.0.0/16`, `fd00::/8`, as curl reads them since 7.86; a host
        /// name never matches a range: nothing is resolved). An entry with `:port` matches that port only.
        /// Case is ignored.
        /// - Parameter url: The request's URL.
        /// - Returns: `true` when the URL is reached directly.
        public func bypassesProxy(for url: URL) -> Bool {
            guard let host = url.host else { return false }
            let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
            return bypass.matches(host: host, port: port)
        }

        public var description: String {
            var parts: [String] = []
            if let httpsProxy { parts.append("https: \(httpsProxy)") }
            if let httpProxy { parts.append("http: \(httpProxy)") }
            if !noProxy.isEmpty { parts.append("no proxy: \(noProxy.joined(separator: ","))") }
            return "ProxySettings(\(parts.joined(separator: "; ")))"
        }

        public static func == (lhs: ProxySettings, rhs: ProxySettings) -> Bool {
            lhs.httpsProxy == rhs.httpsProxy && lhs.httpProxy == rhs.httpProxy && lhs.noProxy == rhs.noProxy
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(httpsProxy)
            hasher.combine(httpProxy)
            hasher.combine(noProxy)
        }
    }

    extension ProxySettings {
        /// One HTTP proxy: its host and port, whether it is reached over TLS (an `https://` proxy URL), and the
        /// credentials sent to it as `Proxy-Authorization: Basic`.
        ///
        /// Its description and mirror show the host and port and whether there are credentials, never the
        /// credentials themselves.
        public struct Server: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
            /// The proxy's host name or IP address (an IPv6 address without brackets).
            public var host: String
            /// The proxy's port.
            public var port: Int
            /// Whether the connection to the proxy itself is TLS (`https://proxy:443`), verified against the
            /// same trust roots as the targets. What goes through it is unchanged: an `https` target's own TLS
            /// inside the tunnel, an `http` target's request forwarded.
            public var usesTLS: Bool
            /// The user name and password for the proxy, percent-decoded; `nil` for none.
            var credentials: (username: String, password: String)?

            /// Whether the proxy URL carried credentials.
            public var hasCredentials: Bool { credentials != nil }

            /// Creates a proxy server without credentials.
            /// - Parameters:
            ///   - host: The proxy's host name or IP address.
            ///   - port: The proxy's port.
            ///   - usesTLS: Whether the proxy is reached over TLS. Default `false`.
            public init(host: String, port: Int, usesTLS: Bool = false) {
                self.host = host
                self.port = port
                self.usesTLS = usesTLS
            }

            /// Parses a proxy URL as found in `HTTPS_PROXY`: `http://[user[:password]@]host[:port]`, the same
            /// without `http://`, or `https://…` for a proxy reached over TLS. The port defaults to 80 for
            /// `http` and 443 for `https` (as in botocore; curl would use 1080 for `http`). User and password
            /// may be percent-encoded.
            /// - Parameter url: The proxy URL.
            /// - Throws: ``TransportSetupError`` for anything else (a SOCKS proxy, a path, no host, a bad
            ///   port); the message never repeats the URL.
            public init(url: String) throws {
                try self.init(url: url, source: "proxy URL")
            }

            init(url text: String, source: String) throws {
                func failure(_ reason: String) -> TransportSetupError {
                    TransportSetupError("\(source): \(reason) (expected http[s]://[user:password@]host[:port])")
                }
                let withScheme = text.contains("://") ? text : "http://" + text
                guard let components = URLComponents(string: withScheme) else { throw failure("not a URL") }
                let scheme = components.scheme?.lowercased()
                guard scheme == "http" || scheme == "https" else {
                    throw failure("only http:// and https:// proxies are supported, not \(components.scheme ?? "this scheme")://")
                }
                usesTLS = scheme == "https"
                guard let rawHost = components.host, !rawHost.isEmpty else { throw failure("no host") }
                guard components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil else {
                    throw failure("a proxy URL has no path or query")
                }
                if let port = components.port, !(1...65535).contains(port) { throw failure("the port must be 1-65535") }
                host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
                port = components.port ?? (usesTLS ? 443 : 80)
                if let user = components.user {
                    credentials = (user, components.password ?? "")
                } else if components.password != nil {
                    throw failure("a password without a user name")
                }
            }

            /// `http://host:port` (or `https://`), with `(with credentials)` when there are some: never the
            /// credentials.
            public var description: String {
                let shown = host.contains(":") ? "[\(host)]" : host
                return "\(usesTLS ? "https" : "http")://\(shown):\(port)\(hasCredentials ? " (with credentials)" : "")"
            }

            public var debugDescription: String { description }

            public var customMirror: Mirror {
                Mirror(
                    self, children: ["host": host, "port": port, "usesTLS": usesTLS, "hasCredentials": hasCredentials],
                    displayStyle: .struct)
            }

            public static func == (lhs: Server, rhs: Server) -> Bool {
                lhs.host.lowercased() == rhs.host.lowercased() && lhs.port == rhs.port && lhs.usesTLS == rhs.usesTLS
                    && lhs.credentials?.username == rhs.credentials?.username && lhs.credentials?.password == rhs.credentials?.password
            }

            public func hash(into hasher: inout Hasher) {
                hasher.combine(host.lowercased())
                hasher.combine(port)
                hasher.combine(usesTLS)
                hasher.combine(credentials?.username)
                hasher.combine(credentials?.password)
            }
        }
    }

    /// `NO_PROXY` entries, parsed once.
    private struct Bypass: Sendable {
        enum Entry: Sendable {
            /// A host name, lower case, without a leading dot: itself and its subdomains.
            case name(String, port: Int?)
            /// An IP address (all its bits) or a CIDR range (`10.0.0.0/8`, `fd00::/8`), compared by value.
            case network(IPAddressBytes, bits: Int, port: Int?)
        }
        var all = false
        var entries: [Entry] = []

        init(_ list: [String]) {
            for raw in list {
                var text = Substring(raw.trimmingCharacters(in: .whitespaces).lowercased())
                if text == "*" {
                    all = true
                    continue
                }
                var port: Int?
                var bits: Substring?
                if text.hasPrefix("[") {
                    // [IPv6], [IPv6]:port or [IPv6]/bits
                    guard let close = text.firstIndex(of: "]") else { continue }
                    let rest = text[text.index(after: close)...]
                    if rest.hasPrefix(":") { port = Int(rest.dropFirst()) }
                    if rest.hasPrefix("/") { bits = rest.dropFirst() }
                    text = text[text.index(after: text.startIndex)..<close]
                } else if let slash = text.firstIndex(of: "/") {
                    // A CIDR range, as curl reads them since 7.86: address/bits, no port.
                    bits = text[text.index(after: slash)...]
                    text = text[..<slash]
                } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
                    port = Int(text[text.index(after: colon)...])
                    text = text[..<colon]
                }
                if let address = IPAddressBytes(text) {
                    let width = address.bytes.count * 8
                    if let bits {
                        // A range whose prefix length is not a number from 0 to the address's width is ignored.
                        guard let count = Int(bits), (0...width).contains(count) else { continue }
                        entries.append(.network(address, bits: count, port: port))
                    } else {
                        entries.append(.network(address, bits: width, port: port))
                    }
                    continue
                }
                // A range of something that is not an IP address matches nothing.
                guard bits == nil else { continue }
                if text.hasPrefix("*.") { text = text.dropFirst(2) }
                if text.hasPrefix(".") { text = text.dropFirst() }
                guard !text.isEmpty else { continue }
                entries.append(.name(String(text), port: port))
            }
        }

        func matches(host rawHost: String, port: Int) -> Bool {
            if all { return true }
            guard !entries.isEmpty else { return false }
            var host = rawHost.lowercased()
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if host.hasSuffix(".") { host.removeLast() }
            let address = IPAddressBytes(Substring(host))
            return entries.contains { entry in
                switch entry {
                case .name(let name, let entryPort):
                    guard entryPort == nil || entryPort == port else { return false }
                    return address == nil && (host == name || host.hasSuffix("." + name))
                case .network(let network, let bits, let entryPort):
                    guard entryPort == nil || entryPort == port, let address else { return false }
                    return network.contains(address, bits: bits)
                }
            }
        }
    }

    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address in network order, read with `inet_pton`.
    struct IPAddressBytes: Sendable, Equatable {
        let bytes: [UInt8]

        /// Reads a dotted IPv4 address or an IPv6 address (without brackets); `nil` for anything else.
        init?(_ text: Substring) {
            guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
            let string = String(text)
            var v4 = [UInt8](repeating: 0, count: 4)
            if string.withCString({ inet_pton(AF_INET, $0, &v4) }) == 1 {
                bytes = v4
                return
            }
            var v6 = [UInt8](repeating: 0, count: 16)
            if string.withCString({ inet_pton(AF_INET6, $0, &v6) }) == 1 {
                bytes = v6
                return
            }
            return nil
        }

        /// Whether `address` (of the same family) has this address's first `bits` bits.
        func contains(_ address: IPAddressBytes, bits: Int) -> Bool {
            guard address.bytes.count == bytes.count, bits <= bytes.count * 8 else { return false }
            let whole = bits / 8
            guard bytes[..<whole] == address.bytes[..<whole] else { return false }
            let rest = bits % 8
            guard rest > 0 else { return true }
            let mask = UInt8(0xFF) << (8 - rest)
            return bytes[whole] & mask == address.bytes[whole] & mask
        }
    }
#endif
