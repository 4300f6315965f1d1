// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import Foundation
    import KMSRotation
    import Testing
    import TestSupport

    @testable import KMSRotationNIO

    @Suite("NIOHTTPTransport: proxies", .serialized)
    struct ProxyTransportTests {
        @Test(
            "Requests go through the proxy with Basic Proxy-Authorization; NO_PROXY hosts go directly")
        func throughTheProxy() async throws {
            try await LoopbackServer.with { server in
                try await LoopbackProxy.with(credentials: "proxy-user:proxy-s3cret") { proxy in
                    let port = server.baseURL.port ?? 0
                    let settings = try #require(
                        try ProxySettings.fromEnvironment([
                            "HTTP_PROXY": "http://proxy-user:proxy-s3cret@127.0.0.1:\(proxy.port)", "NO_PROXY": "localhost:\(port)",
                        ]))
                    try await withTransport(.init(proxy: settings)) { transport in
                        let response = try await transport.send(
                            HTTPRequest(method: "POST", url: URL(string: "\(server.baseURL)/echo?q=1")!, body: Data("body".utf8)))
                        #expect(response.status == 200)
                        let echo = try JSONDecoder().decode(TransportConformance.Echo.self, from: response.body)
                        #expect(echo.bodyData == Data("body".utf8))
                        #expect(echo.headers["proxy-authorization"] == nil, "the credentials are for the proxy only")

                        // localhost:<port> is in NO_PROXY: sent directly, the proxy never sees it.
                        let direct = try await transport.send(
                            HTTPRequest(method: "GET", url: URL(string: "http://localhost:\(port)/status/204")!))
                        #expect(direct.status == 204)

                        let records = try await withTransport { direct in try await proxy.records(using: direct) }
                        #expect(records.count == 1, "\(records.map(\.line))")
                        // An http request is forwarded with its absolute URL, as curl does.
                        #expect(records.first?.line == "POST http://127.0.0.1:\(port)/echo?q=1 HTTP/1.1")
                        let expected = "Basic " + Data("proxy-user:proxy-s3cret".utf8).base64EncodedString()
                        #expect(records.first?.authorization == expected)
                    }
                }
            }
        }

        @Test(
            "A proxy that refuses the credentials is a connection failure whose message holds no credential")
        func refusedCredentials() async throws {
            try await LoopbackServer.with { server in
                try await LoopbackProxy.with(credentials: "proxy-user:right") { proxy in
                    let settings = try #require(
                        try ProxySettings.fromEnvironment(["http_proxy": "http://proxy-user:wrong-pa55@127.0.0.1:\(proxy.port)"]))
                    try await withTransport(.init(proxy: settings)) { transport in
                        let error = await #expect(throws: TransportError.self) {
                            try await transport.send(HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("echo")))
                        }
                        #expect(error?.kind == .connectionFailed)
                        #expect(error?.message.contains("wrong-pa55") == false)
                        #expect(error?.message.contains("proxy-user") == false)
                    }
                }
            }
        }

        @Test("HTTPS_PROXY does not apply to http URLs")
        func schemeMatters() async throws {
            try await LoopbackServer.with { server in
                // Nothing listens on the closed port: a request sent through this "proxy" would fail.
                let closed = server.closedPortURL.port ?? 9
                let settings = ProxySettings(httpsProxy: .init(host: "127.0.0.1", port: closed))
                try await withTransport(.init(proxy: settings)) { transport in
                    let response = try await transport.send(
                        HTTPRequest(method: "GET", url: server.baseURL.appendingPathComponent("status/200")))
                    #expect(response.status == 200)
                }
            }
        }
    }

    @Suite("NIOHTTPTransport: CA bundle", .serialized)
    struct CABundleTests {
        static func temporaryFile(_ contents: String?) throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem").path
            if let contents { try contents.write(toFile: path, atomically: true, encoding: .utf8) }
            return path
        }

        @Test("An unusable CA bundle fails when the transport is made, saying why")
        func unusableBundles() throws {
            let missing = try Self.temporaryFile(nil)
            let notPEM = try Self.temporaryFile("this is not a certificate\n")
            let emptyPEM = try Self.temporaryFile("")
            let directory = FileManager.default.temporaryDirectory.path
            defer {
                for path in [notPEM, emptyPEM] { try? FileManager.default.removeItem(atPath: path) }
            }
            for (path, reason) in [
                (missing, "no such file"), (directory, "it is a directory"), (notPEM, "no PEM certificate"),
                (emptyPEM, "no PEM certificate"),
            ] {
                let error = #expect(throws: TransportSetupError.self) { try NIOHTTPTransport(configuration: .init(caBundlePath: path)) }
                #expect(error?.message.hasPrefix("CA bundle \(path): ") == true, "\(error?.message ?? "")")
                #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
            }
        }

        @Test("A corrupt certificate in PEM armour is refused")
        func corruptCertificate() throws {
            let path = try Self.temporaryFile("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let error = #expect(throws: TransportSetupError.self) { try NIOHTTPTransport(configuration: .init(caBundlePath: path)) }
            #expect(error?.message.contains("CA bundle \(path)") == true)
        }

        @Test("A PEM bundle of certificates is read and trusted")
        func validBundle() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let certificate = directory.appendingPathComponent("ca.pem").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory.appendingPathComponent("key.pem").path,
                "-out", certificate, "-days", "2", "-subj", "/CN=kms-rotation test CA",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return }  // no openssl: nothing to test with
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return }
            let certificates = try NIOHTTPTransport.loadCABundle(certificate)
            #expect(certificates.count == 1)
            let transport = try NIOHTTPTransport(configuration: .init(caBundlePath: certificate))
            try await transport.shutdown()
        }
    }
#endif
