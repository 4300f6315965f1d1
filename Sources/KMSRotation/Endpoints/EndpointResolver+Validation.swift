import Foundation

extension EndpointResolver {
    /// Checks that a string is a usable region name.
    ///
    /// A region name is a DNS label: 1 to 63 lower-case ASCII letters, digits and inner hyphens. Legacy
    /// FIPS pseudo-regions (`us-east-1-fips`, `fips-us-east-1`) and global pseudo-regions
    /// (`aws-global`) are refused because KMS has no endpoint of that name.
    /// - Parameter region: The candidate region name.
    /// - Throws: ``EndpointError`` of kind ``EndpointError/Kind/invalidRegion``, saying what is wrong.
    package static func validateRegion(_ region: String) throws {
        guard !region.isEmpty else {
            throw EndpointError(.invalidRegion, "The region name is empty; set a region such as 'us-east-1'.")
        }
        let shown = displayable(region)
        guard region.utf8.count <= 63 else {
            throw EndpointError(.invalidRegion, "The region name '\(shown)' is longer than 63 characters.")
        }
        if let bad = region.unicodeScalars.first(where: { !isRegionCharacter($0) }) {
            let hint =
                region.lowercased() != region && region.lowercased().unicodeScalars.allSatisfy(isRegionCharacter)
                ? " Region names are lower case: '\(region.lowercased())'."
                : ""
            throw EndpointError(
                .invalidRegion,
                "The region name '\(shown)' contains \(describe(bad)); only lower-case letters, digits and '-' are allowed.\(hint)"
            )
        }
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard !parts.contains(where: \.isEmpty) else {
            throw EndpointError(
                .invalidRegion,
                "The region name '\(shown)' starts or ends with '-' or contains '--'."
            )
        }
        if parts.contains("fips") {
            let base = parts.filter { $0 != "fips" }.joined(separator: "-")
            throw EndpointError(
                .invalidRegion,
                "'\(shown)' is a legacy FIPS pseudo-region, not a region. Use region '\(base)' with FIPS turned on (useFIPS, "
                    + "AWS_USE_FIPS_ENDPOINT=true)."
            )
        }
        if parts.last == "global" {
            throw EndpointError(
                .invalidRegion,
                "'\(shown)' is a global pseudo-region used by global services; KMS is regional. Use a region such as 'us-east-1'."
            )
        }
    }

    /// Checks a custom endpoint and returns it as a URL.
    ///
    /// The endpoint must be an absolute `https://` or `http://` URL with a host, an optional port and
    /// path, and no user information, query or fragment. Plain `http://` is accepted only for loopback
    /// hosts (`localhost`, `127.0.0.0/8`, `::1`): on any other host the session token and the signed
    /// requests, which can be replayed for several minutes, would travel unencrypted.
    /// - Parameter endpoint: The endpoint, for example `http://localhost:4566` or `https://kms.example.internal`.
    /// - Returns: The endpoint as a URL.
    /// - Throws: ``EndpointError`` of kind ``EndpointError/Kind/invalidEndpoint`` or
    ///   ``EndpointError/Kind/insecureEndpoint``.
    package static func validateCustomEndpoint(_ endpoint: String) throws -> URL {
        guard !endpoint.isEmpty else {
            throw EndpointError(.invalidEndpoint, "The custom endpoint is empty.")
        }
        guard !endpoint.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw EndpointError(.invalidEndpoint, "The custom endpoint contains whitespace or control characters.")
        }
        guard let components = URLComponents(string: endpoint) else {
            throw EndpointError(
                .invalidEndpoint,
                "The custom endpoint is not a valid URL; write it as https://host[:port] (or http://localhost:port for a local server)."
            )
        }
        // User information, query and fragment are checked before anything that echoes the endpoint,
        // so a password or a token in a query never reaches an error message or a log.
        if components.percentEncodedUser != nil || components.percentEncodedPassword != nil {
            throw EndpointError(
                .invalidEndpoint,
                "The custom endpoint must not contain user information ('user:password@'); requests are signed with the credentials of "
                    + "the credential provider."
            )
        }
        guard components.percentEncodedQuery == nil else {
            throw EndpointError(
                .invalidEndpoint, "The custom endpoint must not have a query ('?…'); give only scheme, host, port and path.")
        }
        guard components.percentEncodedFragment == nil else {
            throw EndpointError(
                .invalidEndpoint, "The custom endpoint must not have a fragment ('#…'); give only scheme, host, port and path.")
        }
        // `localhost:4566` parses as scheme `localhost` with no host: a missing scheme, not a wrong one.
        guard let scheme = components.scheme?.lowercased(),
            components.host != nil || scheme == "https" || scheme == "http"
        else {
            throw EndpointError(
                .invalidEndpoint,
                "The custom endpoint '\(endpoint)' is not an absolute URL; write it with its scheme, for example https://\(endpoint)."
            )
        }
        guard scheme == "https" || scheme == "http" else {
            throw EndpointError(
                .invalidEndpoint,
                "The custom endpoint '\(endpoint)' uses scheme '\(scheme)'; only https (and http for loopback hosts) is supported."
            )
        }
        guard let host = components.host, !host.isEmpty else {
            throw EndpointError(.invalidEndpoint, "The custom endpoint '\(endpoint)' has no host.")
        }
        guard isValidHost(host) else {
            throw EndpointError(
                .invalidEndpoint,
                "The custom endpoint '\(endpoint)' has an invalid host '\(host)': use a DNS name (letters, digits, '-', '.'), an IPv4 "
                    + "address or a bracketed IPv6 address."
            )
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw EndpointError(.invalidEndpoint, "The custom endpoint '\(endpoint)' has port \(port); a port is a number from 1 to 65535.")
        }
        if scheme == "http" && !isLoopbackHost(host) {
            throw EndpointError(
                .insecureEndpoint,
                "Refusing plain-HTTP endpoint '\(endpoint)': '\(host)' is not a loopback host, so the session token and signed requests "
                    + "would travel unencrypted and could be read or replayed on the network. Use https://, or http:// only for "
                    + "localhost, 127.0.0.0/8 or [::1]."
            )
        }
        guard let url = URL(string: endpoint) else {
            throw EndpointError(.invalidEndpoint, "The custom endpoint '\(endpoint)' is not a valid URL.")
        }
        return url
    }

    /// Whether a host name is a loopback address: `localhost`, an IPv4 address in `127.0.0.0/8`
    /// written as a dotted quad, or the IPv6 loopback `::1` in any spelling, with or without brackets.
    ///
    /// Names that merely resolve to loopback (`127.0.0.1.nip.io`, `foo.localhost`) do not count: DNS
    /// can change.
    /// - Parameter host: A host as it appears in a URL.
    /// - Returns: `true` for a loopback host.
    package static func isLoopbackHost(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        if isIPv4Loopback(host) { return true }
        var address = Substring(host)
        if address.hasPrefix("[") && address.hasSuffix("]") {
            address = address.dropFirst().dropLast()
        }
        return isIPv6Loopback(address)
    }

    private static func isIPv4Loopback(_ host: String) -> Bool {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCIIDigit) && Int(octet).map { $0 <= 255 } == true
        }
    }

    /// `::1`, `0:0:0:0:0:0:0:1`, `0::1` and the like; no zone index, no embedded IPv4.
    private static func isIPv6Loopback(_ address: Substring) -> Bool {
        func groups(_ text: Substring) -> [UInt16]? {
            if text.isEmpty { return [] }
            var values: [UInt16] = []
            for group in text.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        let halves = address.components(separatedBy: "::")
        let all: [UInt16]
        switch halves.count {
        case 1:
            guard let full = groups(address), full.count == 8 else { return false }
            all = full
        case 2:
            guard let head = groups(Substring(halves[0])), let tail = groups(Substring(halves[1])),
                head.count + tail.count <= 7
            else { return false }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return false
        }
        return all == [0, 0, 0, 0, 0, 0, 0, 1]
    }

    /// A DNS name (labels of letters, digits, `-` and `_`, joined by dots), an IPv4 dotted quad, or a
    /// bracketed IPv6 address. Anything else (`ex!ample.com`, `%2F`) cannot be connected to and would
    /// only fail later, per Region.
    static func isValidHost(_ host: String) -> Bool {
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return false }
            return host.dropFirst().dropLast().unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." }
        }
        guard host.utf8.count <= 253 else { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { scalar in
                    switch scalar {
                    case "a"..."z", "A"..."Z", "0"..."9", "-", "_": return true
                    default: return false
                    }
                }
        }
    }

    private static func isRegionCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "0"..."9", "-": return true
        default: return false
        }
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ": return "a space"
        case "\t", "\n", "\r": return "a whitespace character"
        default:
            return scalar.isASCII && scalar.value >= 0x20 && scalar.value != 0x7F
                ? "'\(Character(scalar))'"
                : "the character U+\(String(scalar.value, radix: 16, uppercase: true))"
        }
    }

    /// The region as safe to print: control characters escaped, length bounded.
    private static func displayable(_ region: String) -> String {
        let escaped = region.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
        return escaped.count > 80 ? String(escaped.prefix(80)) + "…" : escaped
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
