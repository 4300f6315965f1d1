// swift-tools-version:6.1
// Benchmarks for swift-kms-rotation, a separate package so users of the library never build them.
// Run: cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // NIOTransport (a default trait, named so the intent is plain): StreamingScan measures NIOHTTPTransport as
        // well as URLSessionTransport.
        .package(name: "swift-kms-rotation", path: "..", traits: ["NIOTransport"]),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        // StreamingScan runs Swift Concurrency on NIO's event loops, as the CLI does.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    ],
    targets: [
        .executableTarget(
            name: "RotationBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "KMSRotation", package: "swift-kms-rotation"),
                .product(name: "KMSRotationTesting", package: "swift-kms-rotation"),
            ],
            path: "Benchmarks/RotationBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // A plain executable, measured from outside (/usr/bin/time) by Scripts/bench-scale.sh.
        .executableTarget(
            name: "StreamingScan",
            dependencies: [
                .product(name: "KMSRotation", package: "swift-kms-rotation"),
                .product(name: "KMSRotationNIO", package: "swift-kms-rotation"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/StreamingScan"
        ),
    ],
    swiftLanguageModes: [.v6]
)
