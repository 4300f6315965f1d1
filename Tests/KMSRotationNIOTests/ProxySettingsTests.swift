// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import Foundation
    import KMSRotation
    import Testing
    import TestSupport

    @testable import KMSRotationNIO

    @Suite("ProxySettings")
    struct ProxySettingsTests {
        @Test("No proxy variable: no settings, whatever NO_PROXY says")
        func noProxy() throws {
            #expect(try ProxySettings.fromEnvironment([:]) == nil)
            #expect(try ProxySettings.fromEnvironment(["NO_PROXY": "*", "HTTPS_PROXY": "", "http_proxy": "  "]) == nil)
        }

        struct Row: Sendable, CustomTestStringConvertible {
            var environment: [String: String]
            var https: String?
            var http: String?
            var testDescription: String { environment.keys.sorted().joined(separator: ",") }
        }

        @Test(
            "Variables are read as curl and botocore read them; lower case wins",
            arguments: [
                Row(environment: ["HTTPS_PROXY": "http://proxy.example:3128"], https: "http://proxy.example:3128"),
                Row(environment: ["https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2"], https: "http://lower:1"),
                Row(environment: ["HTTP_PROXY": "http://proxy.example:8080"], http: "http://proxy.example:8080"),
                Row(environment: ["http_proxy": "http://lower:1", "HTTP_PROXY": "http://upper:2"], http: "http://lower:1"),
                Row(environment: ["HTTPS_PROXY": "proxy.example:3128"], https: "http://proxy.example:3128"),
                Row(environment: ["HTTPS_PROXY": "http://proxy.example"], https: "http://proxy.example:80"),
                Row(environment: ["HTTPS_PROXY": "http://proxy.example:3128/"], https: "http://proxy.example:3128"),
                Row(environment: ["HTTPS_PROXY": "http://[::1]:3128"], https: "http://[::1]:3128"),
                Row(environment: ["HTTPS_PROXY": "HTTP://Proxy.Example:3128"], https: "http://Proxy.Example:3128"),
                Row(environment: ["HTTPS_PROXY": "https://proxy.example:3129"], https: "https://proxy.example:3129"),
                Row(environment: ["HTTPS_PROXY": "https://proxy.example"], https: "https://proxy.example:443"),
                Row(environment: ["HTTP_PROXY": "HTTPS://[::1]"], http: "https://[::1]:443"),
                Row(
                    environment: ["HTTPS_PROXY": "http://a:1", "HTTP_PROXY": "http://b:2"], https: "http://a:1", http: "http://b:2"),
            ])
        func parsing(_ row: Row) throws {
            let settings = try #require(try ProxySettings.fromEnvironment(row.environment))
            #expect(settings.httpsProxy?.description == row.https)
            #expect(settings.httpProxy?.description == row.http)
        }

        @Test(
            "Unusable proxy URLs fail when read, naming the variable and never the value",
            arguments: [
                "socks5://proxy.example:1080", "ftp://proxy.example:21", "http://", "https://", "http://proxy.example:99999",
                "http://proxy.example:3128/path", "http://secret-password@proxy.example:3128?x=1",
            ])
        func errors(_ value: String) {
            let error = #expect(throws: TransportSetupError.self) { try ProxySettings.fromEnvironment(["HTTPS_PROXY": value]) }
            #expect(error?.message.hasPrefix("HTTPS_PROXY: ") == true, "\(error?.message ?? "")")
            for secret in ["secret-password", "p@ss", "proxy.example"] {
                #expect(error?.message.contains(secret) == false, "\(error?.message ?? "")")
            }
        }

        @Test("Credentials are decoded for the proxy and never shown by description, debugDescription or dump")
        func credentialsNeverShown() throws {
            let settings = try #require(
                try ProxySettings.fromEnvironment([
                    "HTTPS_PROXY": "http://user%40corp:s%3Acret-pa55@proxy.example:3128", "NO_PROXY": ".internal",
                ]))
            let server = try #require(settings.httpsProxy)
            #expect(server.hasCredentials)
            #expect(server.credentials?.username == "user@corp")
            #expect(server.credentials?.password == "s:cret-pa55")
            var dumped = ""
            dump(settings, to: &dumped)
            for text in [
                settings.description, server.description, server.debugDescription, "\(settings)", String(reflecting: server), dumped,
            ] {
                #expect(!text.contains("cret-pa55"), "\(text)")
                #expect(!text.contains("s%3Acret"), "\(text)")
                #expect(!text.contains("user"), "\(text)")
            }
            #expect(server.description == "http://proxy.example:3128 (with credentials)")
            #expect(settings.description == "ProxySettings(https: http://proxy.example:3128 (with credentials); no proxy: .internal)")
        }

        struct BypassRow: Sendable, CustomTestStringConvertible {
            var noProxy: String
            var url: String
            var bypassed: Bool
            var testDescription: String { "\(noProxy) \(url) \(bypassed)" }
        }

        @Test(
            "NO_PROXY: *, host suffix with or without a dot, IP address by value, CIDR range, optional port",
            arguments: [
                BypassRow(noProxy: "*", url: "https://kms.us-east-1.amazonaws.com/", bypassed: true),
                BypassRow(noProxy: "amazonaws.com", url: "https://kms.us-east-1.amazonaws.com/", bypassed: true),
                BypassRow(noProxy: ".amazonaws.com", url: "https://kms.us-east-1.amazonaws.com/", bypassed: true),
                BypassRow(noProxy: "*.amazonaws.com", url: "https://kms.us-east-1.amazonaws.com/", bypassed: true),
                BypassRow(noProxy: "amazonaws.com", url: "https://amazonaws.com/", bypassed: true),
                BypassRow(noProxy: "AmazonAWS.com", url: "https://KMS.amazonaws.com/", bypassed: true),
                BypassRow(noProxy: "zonaws.com", url: "https://kms.amazonaws.com/", bypassed: false),
                BypassRow(noProxy: "example.com, amazonaws.com", url: "https://kms.amazonaws.com/", bypassed: true),
                BypassRow(noProxy: "example.com", url: "https://kms.amazonaws.com/", bypassed: false),
                BypassRow(noProxy: "127.0.0.1", url: "http://127.0.0.1:8080/", bypassed: true),
                BypassRow(noProxy: "127.0.0.1", url: "http://127.0.0.10:8080/", bypassed: false),
                BypassRow(noProxy: "127.0.0.1:8080", url: "http://127.0.0.1:8080/", bypassed: true),
                BypassRow(noProxy: "127.0.0.1:8080", url: "http://127.0.0.1:9090/", bypassed: false),
                BypassRow(noProxy: "kms.example:443", url: "https://kms.example/", bypassed: true),
                BypassRow(noProxy: "kms.example:80", url: "https://kms.example/", bypassed: false),
                BypassRow(noProxy: "::1", url: "http://[::1]:8080/", bypassed: true),
                BypassRow(noProxy: "[::1]:8080", url: "http://[::1]:8080/", bypassed: true),
                BypassRow(noProxy: "[::1]:8080", url: "http://[::1]:9090/", bypassed: false),
                BypassRow(noProxy: "", url: "https://kms.amazonaws.com/", bypassed: false),
                // IP addresses by value, and CIDR ranges (curl since 7.86); a name never matches a range.
                BypassRow(noProxy: "0:0::1", url: "http://[::1]:8080/", bypassed: true),
                BypassRow(noProxy: "::1", url: "http://[::2]:8080/", bypassed: false),
                BypassRow(noProxy: "10.0.0.0/8", url: "https://10.20.30.40/", bypassed: true),
                BypassRow(noProxy: "10.0.0.0/8", url: "https://11.0.0.1/", bypassed: false),
                BypassRow(noProxy: "169.254.169.254/32", url: "http://169.254.169.254/latest/api/token", bypassed: true),
                BypassRow(noProxy: "169.254.0.0/16", url: "http://169.254.170.2/v2/credentials", bypassed: true),
                BypassRow(noProxy: "172.16.0.0/12", url: "https://172.31.255.255/", bypassed: true),
                BypassRow(noProxy: "172.16.0.0/12", url: "https://172.32.0.1/", bypassed: false),
                BypassRow(noProxy: "192.168.1.0/25", url: "https://192.168.1.127/", bypassed: true),
                BypassRow(noProxy: "192.168.1.0/25", url: "https://192.168.1.128/", bypassed: false),
                BypassRow(noProxy: "0.0.0.0/0", url: "https://203.0.113.9/", bypassed: true),
                BypassRow(noProxy: "0.0.0.0/0", url: "https://kms.amazonaws.com/", bypassed: false),
                BypassRow(noProxy: "fd00::/8", url: "http://[fd00:ec2::254]/latest/api/token", bypassed: true),
                BypassRow(noProxy: "[fd00::]/8", url: "http://[fd12::1]/", bypassed: true),
                BypassRow(noProxy: "fd00::/8", url: "http://[fe80::1]/", bypassed: false),
                BypassRow(noProxy: "fd00::/8", url: "https://10.0.0.1/", bypassed: false),
                BypassRow(noProxy: "10.0.0.0/33", url: "https://10.0.0.1/", bypassed: false),
                BypassRow(noProxy: "10.0.0.0/x", url: "https://10.0.0.1/", bypassed: false),
                BypassRow(noProxy: "amazonaws.com/8", url: "https://kms.amazonaws.com/", bypassed: false),
                BypassRow(noProxy: "10.0.0.0/8", url: "https://10.example.com/", bypassed: false),
            ])
        func bypass(_ row: BypassRow) throws {
            let settings = try #require(
                try ProxySettings.fromEnvironment([
                    "https_proxy": "http://proxy:1", "http_proxy": "http://proxy:2", "no_proxy": row.noProxy,
                ]))
            let url = try #require(URL(string: row.url))
            #expect(settings.bypassesProxy(for: url) == row.bypassed)
            #expect((settings.server(for: url) == nil) == row.bypassed)
        }

        @Test("The proxy is chosen by the URL's scheme")
        func byScheme() throws {
            let settings = ProxySettings(httpsProxy: .init(host: "secure", port: 1))
            #expect(settings.server(for: URL(string: "https://kms.amazonaws.com/")!)?.host == "secure")
            #expect(settings.server(for: URL(string: "http://127.0.0.1:8080/")!) == nil)
        }
    }
#endif
