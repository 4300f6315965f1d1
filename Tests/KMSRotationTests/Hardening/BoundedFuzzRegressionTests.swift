import Foundation
import Testing
@testable import KMSRotation

/// Inputs the fuzz targets under `Fuzz/` found to crash the process, kept as regression tests
/// (`Scripts/fuzz.sh` runs the fuzzers; CI runs these).
@Suite("Bounded: fuzz regressions")
struct BoundedFuzzRegressionTests {
    /// Fuzz/STSXML.swift, crash-633d5f0d: a GetCallerIdentity answer with a 0xFF byte inside an element
    /// name and no encoding declaration. libxml2 passed the name through and FoundationXML trapped
    /// (SIGILL) converting it to a String, killing the process.
    static let invalidUTF8ElementName =
        "PEdldENhbGxlcklkZW50aXR5UmVzcG9uc2UgeG1sbnM9Imh0dHBzOi8vc3RzLmFtYXpvbmF3cy5jb20vZG9jLzIwMTEtMDYtMTUvIj48R2V0Q2H/bGxlcklkZW50aXR5UmVzdWx0PjxBcm4+YXJuOmF3czppYW06OjExMTEyMjIyMzMzMzp1c2VyL0FsaWNlPC9Bcm4+PFVzZXJJZD5BSURBRVhBTVBMRTwvVXNlcklkPjxBY2NvdW50PjExMTEyMjIyMzMzMzwvQWNjb3VudD48L0dldENhbGxlcklkZW50aXR5UmVzdWx0PjxSZXNwb25zZU1ldGFkYXRhPjxSZXF1ZXN0SWQ+MDEyMzQ1NjctODlhYi1jZGVmLTAxMjMtNDU2Nzg5YWJjZGVmPC9SZXF1ZXN0SWQ+PC9SZXNwb25zZU1ldGFkYXRhPjwvR2V0Q2FsbGVySWRlbnRpdHlSZXNwb25zZT4K"

    @Test("An element name that is not UTF-8 is refused before FoundationXML sees it (was: SIGILL)")
    func invalidUTF8ElementName() throws {
        let body = try #require(Data(base64Encoded: Self.invalidUTF8ElementName))
        #expect(throws: XMLDocumentNode.ReadError.notUTF8) { try XMLDocumentNode.read(body) }
        #expect(XMLDocumentNode.parse(body) == nil)
        // The same path STS errors take.
        #expect(
            AWSServiceError.decodeQuery(service: "sts", from: HTTPResponse(status: 403, body: body), operation: "AssumeRole").code
                == .invalidResponse)
    }

    /// Fuzz/STSXML.swift, crash-59677de0: a processing instruction without data (`<?xml-TPrsion?>`) in
    /// the middle of an answer. FoundationXML called strlen on its NULL data: SIGSEGV.
    static let processingInstructionWithoutData =
        "PEFzc3VtZVJvbGVSZXNwb25zZSB4bWxkZWZhdWx0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS9kb2MvMjAxMS0wNi0xNS8iPjxBc3N1bWVSb2xlUmVzdWx0PjxTb3VyY2VJZGVudGl0eT54PC9Tb3VyY2VJZGVudGl0eT48QXNzdW1lZFJvbGVVc2VyPjxBcm4+YXJuOmF3czpzdHM6OjExMTEyMlFvWGR6RUxERFkvLy8vLy8vLy8vd0Vhb0FLMXd2eEpZMTJyMklyREZUL1JlcXVlc3RJZD48P3htbC1UUHJzaW9uPz48RXJyb3JSZXNwb25zZSB4bWxucz0iaHR0cHM6Ly88RXJvZGU+QWNjZXNzRGVuaWVkPC9Db2RlPsSyZXNzYWdlPjwhW0NEQVRBW1VzZXIgaXMgbm90IGF1dGhvcml6PC9SZXNwb25zZU1ldGFkYXQtPjwvQXNzdW1lUjo6MTExMTIyMjIzMzMzOmFzc3VtZWQtcm9sZS9BdVJvbGVJZD48L0Fzc3VtZWRSb2VuX1VTbGVVb2tlbj5BUW9lZF1dPjwvWGR6RUxERFkvLzovLy8vdy8yLy8tMTFlMC04MTU0LWNiYzdjY2Y4OTZjNzwvUmVxdWVzdElkPjwvUmVzcG9uc2VNZXRhZGF0YT48L0Fzc3VtZVJvbGVSZXNwb25xTWVzc2FnZT48L0Vycm9yPjxSZXFldWVzdEk+ZAo="

    @Test("A processing instruction is refused before FoundationXML sees it (was: SIGSEGV)")
    func processingInstructionWithoutData() throws {
        let body = try #require(Data(base64Encoded: Self.processingInstructionWithoutData))
        #expect(throws: XMLDocumentNode.ReadError.processingInstruction) { try XMLDocumentNode.read(body) }
        #expect(throws: XMLDocumentNode.ReadError.processingInstruction) { try XMLDocumentNode.read(Data("<?pi?><a/>".utf8)) }
        #expect(throws: XMLDocumentNode.ReadError.processingInstruction) { try XMLDocumentNode.read(Data("<?xml-x?><a/>".utf8)) }
        #expect(throws: XMLDocumentNode.ReadError.processingInstruction) { try XMLDocumentNode.read(Data("<a><?x?></a>".utf8)) }
        // The XML declaration is not a processing instruction.
        #expect(try XMLDocumentNode.read(Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>1</a>".utf8)).text == "1")
    }

    @Test("The UTF-8 check: stray, truncated and overlong sequences and surrogates are refused; real text is not")
    func utf8Check() {
        #expect(XMLDocumentNode.isValidUTF8(Data("<a>é € 𝄞</a>".utf8)))
        #expect(XMLDocumentNode.isValidUTF8(Data()))
        for bad: [UInt8] in [[0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x61, 0xE2, 0x82]] {
            #expect(!XMLDocumentNode.isValidUTF8(Data(bad)), "\(bad)")
        }
    }
}
