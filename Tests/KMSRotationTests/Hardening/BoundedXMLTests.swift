import Foundation
import Testing
@testable import KMSRotation

/// Row 3 of the hostile-server review: an STS answer nested 140,000 elements deep crashed the process
/// (the recursive release of a tree of nested arrays overflowed the stack).
@Suite("Bounded: XML depth")
struct BoundedXMLTests {
    @Test("140,000 nested elements (under the 1 MiB cap) are refused with an error naming the depth cap, never a crash")
    func deepDocument() throws {
        let depth = 140_000
        let body = Data(("<R>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) + "</R>").utf8)
        #expect(body.count < XMLDocumentNode.maximumSize)
        #expect(throws: XMLDocumentNode.ReadError.tooDeep) { try XMLDocumentNode.read(body) }
        #expect(XMLDocumentNode.parse(body) == nil)
        #expect(XMLDocumentNode.ReadError.tooDeep.description.contains("\(XMLDocumentNode.maximumDepth) levels"))
    }

    @Test("Exactly the cap is read; one more level is refused; unclosed deep input is refused too")
    func depthCapBoundary() throws {
        func nested(_ depth: Int) -> Data {
            Data((String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)).utf8)
        }
        let atCap = try XMLDocumentNode.read(nested(XMLDocumentNode.maximumDepth))
        #expect(atCap.name == "a")
        #expect(atCap.firstDescendant(named: "a") == atCap)
        #expect(throws: XMLDocumentNode.ReadError.tooDeep) { try XMLDocumentNode.read(nested(XMLDocumentNode.maximumDepth + 1)) }
        #expect(throws: XMLDocumentNode.ReadError.tooDeep) { try XMLDocumentNode.read(Data(String(repeating: "<a>", count: 100_000).utf8)) }
    }

    @Test("A wide document (100,000 siblings) is read, compared, hashed, described and freed without recursion")
    func wideDocument() throws {
        let body = Data(("<R>" + String(repeating: "<a>v</a>", count: 100_000) + "<last>end</last></R>").utf8)
        let root = try XMLDocumentNode.read(body)
        #expect(root.children.count == 100_001)
        #expect(root.firstDescendant(named: "last")?.text == "end")
        #expect(root == (try XMLDocumentNode.read(body)))
        #expect(root.hashValue == (try XMLDocumentNode.read(body)).hashValue)
        #expect(root.description.hasSuffix("<last>end</last></R>"))
    }

    @Test("Structure, not storage, decides equality; description nests as the document does")
    func valueSemantics() throws {
        let one = try XMLDocumentNode.read(Data("<A><B>1</B><C><D>2</D></C></A>".utf8))
        let same = try XMLDocumentNode.read(Data("<A> <B>1</B> <C><D>2</D></C> </A>".utf8))
        let other = try XMLDocumentNode.read(Data("<A><B>1</B><C><D>3</D></C></A>".utf8))
        #expect(one == same)
        #expect(one != other)
        #expect(one.description == "<A><B>1</B><C><D>2</D></C></A>")
        #expect(one.child("C")?.description == "<C><D>2</D></C>")
        #expect(throws: XMLDocumentNode.ReadError.malformed) { try XMLDocumentNode.read(Data("<a><b></a>".utf8)) }
        #expect(throws: XMLDocumentNode.ReadError.empty) { try XMLDocumentNode.read(Data()) }
    }

    @Test("The deep answer from a loopback STS: GetCallerIdentity fails with an AWSServiceError naming the cap")
    func deepAnswerOverTheWire() async throws {
        try await BoundedHostileServer.with { server in
            let sts = try STSClient(
                AWSClientConfiguration(
                    region: "us-east-1", credentialProvider: BoundedSupport.credentials, transport: URLSessionTransport(),
                    sleeper: BoundedSupport.noSleep, now: BoundedSupport.now), endpoint: try server.url("/sts/deep-xml").absoluteString)
            let error = await #expect(throws: AWSServiceError.self) { try await sts.getCallerIdentity() }
            #expect(error?.code == .invalidResponse)
            #expect(error?.message.contains("deeper than the cap of \(XMLDocumentNode.maximumDepth) levels") == true)
        }
    }
}
