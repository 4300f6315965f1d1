import Benchmark
import Foundation
@_spi(Benchmarking) import KMSRotation
import KMSRotationTesting

/// What the library costs per key: the pure verdict, a signed request, a whole in-memory account scan
/// (signing, JSON, retries, the scanner's concurrency), and rendering a report.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(5))

    let key = KMSKey(
        keyId: "1234abcd-12ab-34cd-56ef-1234567890ab", arn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        keyState: .enabled, origin: .awsKMS, keyManager: .customer, keySpec: .symmetricDefault)
    let status = KeyRotationStatus(keyRotationEnabled: false)
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    Benchmark("RotationPolicy.evaluate (one key)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(RotationPolicy.cis.evaluate(key: key, rotation: .status(status), now: now))
        }
    }

    let cached = BenchmarkSigner(service: "kms", region: "us-east-1")
    let uncached = BenchmarkSigner(service: "kms", region: "us-east-1", cachesSigningKeys: false)
    let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let request = HTTPRequest(
        method: "POST", url: URL(string: "https://kms.us-east-1.amazonaws.com/")!,
        headers: ["Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"], body: Data("{}".utf8))
    // The signing key is cached per secret, day, Region and service: what every request after a Region's
    // first one pays.
    Benchmark("SigV4Signer.sign (ListKeys)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(cached.sign(request, credentials: credentials, date: now))
        }
    }
    // The key derived on every request (four more HMACs): what signing cost before the cache.
    Benchmark("SigV4Signer.sign (ListKeys, no key cache)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(uncached.sign(request, credentials: credentials, date: now))
        }
    }

    // A DescribeKey answer as KMS sends it: what every key's first call returns.
    let describeKeyAnswer = Data(
        #"{"KeyMetadata":{"AWSAccountId":"111122223333","Arn":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","CreationDate":1.700000000123E9,"CustomerMasterKeySpec":"SYMMETRIC_DEFAULT","Description":"orders","Enabled":true,"EncryptionAlgorithms":["SYMMETRIC_DEFAULT"],"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","KeyManager":"CUSTOMER","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","KeyUsage":"ENCRYPT_DECRYPT","MultiRegion":false,"Origin":"AWS_KMS"}}"#
            .utf8)
    Benchmark("Read a DescribeKey answer (AnswerJSON + AnswerDecoder)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try BenchmarkAnswerReader.describeKey(describeKeyAnswer))
        }
    }
    Benchmark("Read a DescribeKey answer (JSONDecoder, before)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try BenchmarkAnswerReader.describeKeyWithJSONDecoder(describeKeyAnswer))
        }
    }

    Benchmark(
        "Scan 3 Regions x 1,000 keys (in-memory KMS)",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(20), maxIterations: 5)
    ) { benchmark in
        let kms = SampleAccount.large(keysPerRegion: 1_000)
        let provider = StaticCredentialProvider(credentials)
        let checker = RotationChecker(options: .init(regions: SampleAccount.enabledRegions)) { region in
            try KMSClient(AWSClientConfiguration(region: region, credentialProvider: provider, transport: kms, sleeper: { _ in }))
        }
        benchmark.startMeasurement()
        let report = try await checker.report()
        benchmark.stopMeasurement()
        precondition(report.findings.count == 3_000)
        blackHole(report)
    }

    Benchmark(
        "ReportRenderer json (3,000 findings)",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        let findings = (0..<3_000).map { index in
            RotationPolicy.cis.evaluate(
                key: KMSKey(
                    keyId: "k\(index)", arn: "arn:aws:kms:us-east-1:111122223333:key/k\(index)", keyState: .enabled,
                    origin: .awsKMS, keyManager: .customer, keySpec: .symmetricDefault),
                rotation: .status(KeyRotationStatus(keyRotationEnabled: index.isMultiple(of: 3))), now: now)
        }
        let report = RotationReport(findings: findings, generatedAt: now)
        benchmark.startMeasurement()
        blackHole(try ReportRenderer().render(report, as: .json))
        benchmark.stopMeasurement()
    }
}
