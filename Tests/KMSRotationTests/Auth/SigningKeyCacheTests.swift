import Crypto
import Foundation
import Testing
@testable import KMSRotation

/// The signing-key cache and the allocation-light canonicalisation (issue #10, item 10) sign exactly what
/// the uncached, calendar-based signer signed.
@Suite struct SigningKeyCacheTests {
    let credentials = AuthFixtures.suiteCredentials
    let request = HTTPRequest(
        method: "POST", url: URL(string: "https://kms.eu-west-1.amazonaws.com/")!,
        headers: [
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys",
            "X-Odd": "  a   b\tc  ",
        ],
        body: Data(#"{"Limit":1000}"#.utf8))

    @Test("Signatures with and without the cache are identical, on the first request and after")
    func cachedEqualsDerived() {
        let cached = SigV4Signer(service: "kms", region: "eu-west-1")
        let derived = SigV4Signer(service: "kms", region: "eu-west-1", cachesSigningKeys: false)
        for offset: TimeInterval in [0, 1, 86_400, 34_560_000] {
            let date = AuthFixtures.suiteDate.addingTimeInterval(offset)
            let first = cached.sign(request, credentials: credentials, date: date)
            let second = cached.sign(request, credentials: credentials, date: date)
            let reference = derived.sign(request, credentials: credentials, date: date)
            #expect(first.headers["Authorization"] == reference.headers["Authorization"])
            #expect(second.headers["Authorization"] == reference.headers["Authorization"])
        }
    }

    @Test("Another secret, day, Region or service never reuses a key")
    func keyedBySecretDayRegionService() {
        let cache = SigningKeyCache(capacity: 8)
        var derivations = 0
        func key(_ secret: String, _ day: String, _ region: String, _ service: String) -> HMAC<SHA256> {
            cache.mac(for: .init(secretAccessKey: secret, day: day, region: region, service: service)) {
                derivations += 1
                return SymmetricKey(data: Data("\(secret)|\(day)|\(region)|\(service)".utf8))
            }
        }
        _ = key("s1", "20150830", "us-east-1", "kms")
        _ = key("s1", "20150830", "us-east-1", "kms")
        #expect(derivations == 1)
        _ = key("s2", "20150830", "us-east-1", "kms")
        _ = key("s1", "20150831", "us-east-1", "kms")
        _ = key("s1", "20150830", "eu-west-1", "kms")
        _ = key("s1", "20150830", "us-east-1", "sts")
        #expect(derivations == 5)
        #expect(cache.count == 5)
    }

    @Test("The cache is bounded")
    func bounded() {
        let cache = SigningKeyCache(capacity: 4)
        for day in 0..<100 {
            _ = cache.mac(for: .init(secretAccessKey: "s", day: "\(day)", region: "r", service: "kms")) { SymmetricKey(size: .bits256) }
        }
        #expect(cache.count <= 4)
    }

    @Test("An entry describes itself by its scope, never its secret")
    func neverPrintsTheSecret() {
        let entry = SigningKeyCache.Entry(
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", day: "20150830",
            region: "us-east-1", service: "kms")
        var dumped = ""
        dump(entry, to: &dumped)
        for text in [String(describing: entry), String(reflecting: entry), "\(entry)", dumped] {
            #expect(!text.contains("wJalrXUtnFEMI"), "\(text)")
            #expect(text.contains("20150830/us-east-1/kms"))
        }
    }

    @Test("The arithmetic timestamp equals the calendar's, across leap years, centuries, 1970 and the Gregorian start")
    func timestampMatchesTheCalendar() {
        var generator = SystemRandomNumberGenerator()
        var seconds: [Double] = [
            0, -1, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_400, -2_208_988_800,
            -12_219_292_800, -12_219_292_801,
        ]
        for _ in 0..<2_000 { seconds.append(Double.random(in: -12_219_292_800...253_000_000_000, using: &generator).rounded(.down)) }
        for _ in 0..<200 { seconds.append(Double.random(in: -1e6...1e6, using: &generator)) }
        for value in seconds {
            let date = Date(timeIntervalSince1970: value)
            #expect(SigV4Signer.timestamp(date) == SigV4Signer.calendarTimestamp(date), "\(value)")
        }
    }

    @Test("Header values are trimmed and inner blanks collapsed; clean values pass through")
    func trimAll() {
        #expect(SigV4Signer.trimAll("  a   b\tc  ") == "a b c")
        #expect(SigV4Signer.trimAll("a\tb") == "a b")
        #expect(SigV4Signer.trimAll("application/x-amz-json-1.1") == "application/x-amz-json-1.1")
        #expect(SigV4Signer.trimAll("a b") == "a b")
        #expect(SigV4Signer.trimAll(" ") == "")
        #expect(SigV4Signer.trimAll("") == "")
    }

    @Test("Header names match ignoring ASCII case only")
    func headerNames() {
        var headers: HTTPHeaders = ["X-Amz-Target": "a"]
        #expect(headers["x-amz-target"] == "a")
        #expect(headers["X-AMZ-TARGET"] == "a")
        #expect(headers["X-Amz-Targe"] == nil)
        #expect(headers["X-Amz-Target2"] == nil)
        headers["x-amz-target"] = "b"
        #expect(headers.fields.count == 1 && headers["X-Amz-Target"] == "b")
        #expect(!HTTPHeaders.sameName("a-b", "a\rb"))
        #expect(!HTTPHeaders.sameName("[", "{"))
        // Field names are ASCII tokens (RFC 9110): other bytes match only exactly.
        #expect(!HTTPHeaders.sameName("Ünïcode", "ünïcode"))
        #expect(HTTPHeaders.sameName("Ünïcode", "Ünïcode"))
    }
}
