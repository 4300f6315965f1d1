import Foundation
import Testing
@testable import KMSRotation
import KMSRotationTesting

@Suite("OrganizationsClient")
struct OrganizationsClientTests {
    static func client(
        _ transport: any HTTPTransport, region: String = "eu-west-1", endpoint: String? = nil, sleeps: SleepLog = SleepLog()
    ) throws -> OrganizationsClient {
        try OrganizationsClient(
            AWSClientConfiguration(
                region: region, credentialProvider: STSFixtures.caller, transport: transport, sleeper: sleeps.sleeper,
                now: { STSFixtures.now }), endpoint: endpoint)
    }

    static func account(_ id: String, status: String? = "ACTIVE", state: String? = "ACTIVE") -> String {
        var fields = [
            #""Id":"\#(id)""#, #""Arn":"arn:aws:organizations::111111111111:account/o-abc/\#(id)""#, #""Name":"acct-\#(id)""#,
            #""Email":"\#(id)@example.com""#, #""JoinedMethod":"CREATED""#, #""JoinedTimestamp":1795000000.5"#,
        ]
        if let status { fields.append(#""Status":"\#(status)""#) }
        if let state { fields.append(#""State":"\#(state)""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    @Test("ListAccounts is JSON 1.1 to the partition's global endpoint, signed for its home Region")
    func requestShape() async throws {
        let recorder = RequestRecorder()
        let organizations = try Self.client(
            MockTransport.json(#"{"Accounts":[\#(Self.account("222222222222"))]}"#).recording(into: recorder))
        #expect(
            organizations.endpoint
                == ServiceEndpoint(url: URL(string: "https://organizations.us-east-1.amazonaws.com")!, signingRegion: "us-east-1"))
        let page = try await organizations.listAccounts(maxResults: 20)
        #expect(page.nextToken == nil)
        #expect(
            page.accounts == [
                OrganizationAccount(
                    id: "222222222222", arn: "arn:aws:organizations::111111111111:account/o-abc/222222222222",
                    name: "acct-222222222222", status: .active, state: .active, joinedMethod: "CREATED",
                    joinedTimestamp: Date(timeIntervalSince1970: 1_795_000_000.5))
            ])
        let request = try #require(await recorder.last)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "https://organizations.us-east-1.amazonaws.com")
        #expect(request.headers["X-Amz-Target"] == "AWSOrganizationsV20161128.ListAccounts")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.1")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"MaxResults":20}"#)
        let authorization = try #require(request.headers["Authorization"])
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDCALLERTEST/20261118/us-east-1/organizations/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
            ))
    }

    @Test("allAccounts follows NextToken to the last page")
    func pagination() async throws {
        let recorder = RequestRecorder()
        let transport = MockTransport.sequence([
            .json(#"{"Accounts":[\#(Self.account("222222222222")),\#(Self.account("333333333333"))],"NextToken":"t1"}"#),
            .json(#"{"Accounts":[\#(Self.account("444444444444", status: "SUSPENDED", state: "CLOSED"))],"NextToken":"t2"}"#),
            .json(#"{"Accounts":[\#(Self.account("555555555555"))],"NextToken":null}"#),
        ]).recording(into: recorder)
        let accounts = try await Self.client(transport).allAccounts(pageSize: 2)
        #expect(accounts.map(\.id) == ["222222222222", "333333333333", "444444444444", "555555555555"])
        #expect(accounts.map(\.isActive) == [true, true, false, true])
        let bodies = await recorder.requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies == [#"{"MaxResults":2}"#, #"{"MaxResults":2,"NextToken":"t1"}"#, #"{"MaxResults":2,"NextToken":"t2"}"#])
    }

    @Test("A repeated NextToken stops the walk with an error instead of looping forever")
    func repeatedToken() async throws {
        let transport = MockTransport.sequence([
            .json(#"{"Accounts":[],"NextToken":"same"}"#),
            .json(#"{"Accounts":[],"NextToken":"same"}"#),
        ])
        let error = try await #require(throws: AWSServiceError.self) { try await Self.client(transport).allAccounts() }
        #expect(error.code == .invalidResponse)
    }

    @Test("Errors are decoded by __type; throttling and ServiceException are retried, AccessDenied is not")
    func errors() async throws {
        let sleeps = SleepLog()
        let retried = MockTransport.sequence([
            .json(status: 400, #"{"__type":"TooManyRequestsException","Message":"slow down","Type":"Throttling"}"#),
            .json(status: 500, #"{"__type":"ServiceException","Message":"oops"}"#),
            .json(#"{"Accounts":[]}"#),
        ])
        #expect(try await Self.client(retried, sleeps: sleeps).allAccounts().isEmpty)
        #expect(sleeps.all.count == 2)

        let recorder = RequestRecorder()
        let notInUse = MockTransport.json(
            status: 400, #"{"__type":"AWSOrganizationsNotInUseException","Message":"Your account is not a member of an organization."}"#
        )
        .recording(into: recorder)
        let error = try await #require(throws: AWSServiceError.self) { try await Self.client(notInUse).allAccounts() }
        #expect(error.code == .organizationsNotInUse)
        #expect(error.message == "Your account is not a member of an organization.")
        #expect(
            error.description
                == "ListAccounts: AWSOrganizationsNotInUseException: Your account is not a member of an organization. (HTTP 400)")
        #expect(await recorder.count == 1)

        let html = try await #require(throws: AWSServiceError.self) {
            try await Self.client(MockTransport.status(403, body: "<html>Forbidden</html>")).allAccounts()
        }
        #expect(html.code == .invalidResponse)
        #expect(html.message.contains("not Organizations JSON"), "\(html.message)")
        let garbled = try await #require(throws: AWSServiceError.self) {
            try await Self.client(MockTransport.json(#"{"Accounts":[{"Name":"no id"}]}"#)).allAccounts()
        }
        #expect(garbled.code == .invalidResponse)
        #expect(garbled.message.contains("Id"), "\(garbled.message)")
    }

    @Test("Account activity: State wins over Status; unknown values are not active")
    func activity() {
        #expect(OrganizationAccount(id: "1", status: .active, state: .active).isActive)
        #expect(OrganizationAccount(id: "1", status: .active).isActive)
        #expect(!OrganizationAccount(id: "1", status: .active, state: .pendingClosure).isActive)
        #expect(!OrganizationAccount(id: "1", status: .active, state: .unknown("MIGRATING")).isActive)
        #expect(!OrganizationAccount(id: "1", status: .suspended).isActive)
        #expect(!OrganizationAccount(id: "1").isActive)
        #expect(OrganizationAccount.State(rawValue: "PENDING_ACTIVATION") == .pendingActivation)
    }

    @Test("Endpoints per partition, FIPS, dual-stack and custom")
    func endpoints() throws {
        let resolver = EndpointResolver()
        func check(_ region: String, fips: Bool = false, dualStack: Bool = false, _ url: String, _ signingRegion: String) throws {
            let endpoint = try resolver.resolveOrganizations(region: region, useFIPS: fips, useDualStack: dualStack)
            #expect(endpoint.url.absoluteString == url)
            #expect(endpoint.signingRegion == signingRegion)
        }
        try check("eu-west-1", "https://organizations.us-east-1.amazonaws.com", "us-east-1")
        try check("us-west-2", fips: true, "https://organizations-fips.us-east-1.amazonaws.com", "us-east-1")
        try check("cn-north-1", "https://organizations.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1")
        try check("us-gov-east-1", "https://organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1")
        try check("us-gov-east-1", fips: true, "https://organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1")
        try check("us-iso-west-1", "https://organizations.us-iso-east-1.c2s.ic.gov", "us-iso-east-1")
        try check("eusc-de-east-1", "https://organizations.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1")
        try check("eu-west-1", dualStack: true, "https://organizations.eu-west-1.api.aws", "eu-west-1")
        let custom = try resolver.resolveOrganizations(region: "eu-west-1", customEndpoint: "http://localhost:4566")
        #expect(custom == ServiceEndpoint(url: URL(string: "http://localhost:4566")!, signingRegion: "eu-west-1"))
        let insecure = try #require(throws: EndpointError.self) {
            try resolver.resolveOrganizations(region: "eu-west-1", customEndpoint: "http://orgs.example.com")
        }
        #expect(insecure.kind == .insecureEndpoint)
    }
}
