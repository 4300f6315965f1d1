// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

// The SwiftNIO transport (KMSRotationNIO, the CLI's default HTTP client) sits behind the NIOTransport trait,
// on by default. `--disable-default-traits` (or `traits: []` on the dependency) builds without SwiftNIO: the
// CLI then sends with URLSession, and SwiftPM resolves neither swift-nio nor swift-nio-ssl.
let nio: TargetDependencyCondition? = .when(traits: ["NIOTransport"])

let package = Package(
    name: "swift-kms-rotation",
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9)],
    products: [
        .library(name: "KMSRotation", targets: ["KMSRotation"]),
        .library(name: "KMSRotationTesting", targets: ["KMSRotationTesting"]),
        .library(name: "KMSRotationIaC", targets: ["KMSRotationIaC"]),
        .library(name: "KMSRotationNIO", targets: ["KMSRotationNIO"]),
        .executable(name: "kms-rotation", targets: ["kms-rotation"]),
    ],
    traits: [
        .trait(
            name: "NIOTransport",
            description:
                "NIOHTTPTransport (SwiftNIO: NIOPosix, NIOHTTP1, NIOSSL), and the CLI sending with it by default: about a third of the CPU per request of URLSession on Linux."
        ),
        .default(enabledTraits: ["NIOTransport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // YAML for CloudFormation templates: KMSRotationIaC only, so `import KMSRotation` never links it.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // The SwiftNIO transport: KMSRotationNIO and the CLI only (NIOTransport trait), so `import KMSRotation`
        // never links NIO.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
    ],
    targets: [
        .target(
            name: "KMSRotation",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KMSRotationTesting",
            dependencies: ["KMSRotation"],
            swiftSettings: strict
        ),
        .target(
            name: "KMSRotationIaC",
            dependencies: [
                "KMSRotation",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KMSRotationNIO",
            dependencies: [
                "KMSRotation",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio", condition: nio),
                .product(name: "NIOCore", package: "swift-nio", condition: nio),
                .product(name: "NIOFoundationCompat", package: "swift-nio", condition: nio),
                .product(name: "NIOHTTP1", package: "swift-nio", condition: nio),
                .product(name: "NIOPosix", package: "swift-nio", condition: nio),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: nio),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "kms-rotation",
            dependencies: [
                "KMSRotation",
                "KMSRotationNIO",
                "KMSRotationIaC",
                "KMSRotationTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // Swift Concurrency runs on NIO's event loops in a NIOTransport build (KMSRotationCommand.main).
                .product(name: "NIOCore", package: "swift-nio", condition: nio),
                .product(name: "NIOPosix", package: "swift-nio", condition: nio),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "EmbeddingExample",
            dependencies: ["KMSRotation"],
            path: "Examples/EmbeddingExample",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "AccountScanExample",
            dependencies: ["KMSRotation"],
            path: "Examples/AccountScanExample",
            swiftSettings: strict
        ),
        // Examples/CustomComplianceTool: the tool's logic is a library so that TestingYourTool can test it.
        .target(
            name: "ComplianceToolCore",
            dependencies: ["KMSRotation"],
            path: "Examples/CustomComplianceTool/Sources/ComplianceToolCore",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "CustomComplianceTool",
            dependencies: ["ComplianceToolCore", "KMSRotation", "KMSRotationTesting"],
            path: "Examples/CustomComplianceTool/Sources/CustomComplianceTool",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "OrganizationReport",
            dependencies: ["KMSRotation", "KMSRotationTesting"],
            path: "Examples/OrganizationReport",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "StreamingScan",
            dependencies: ["KMSRotation", "KMSRotationTesting"],
            path: "Examples/StreamingScan",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TestingYourToolTests",
            dependencies: ["ComplianceToolCore", "KMSRotation", "KMSRotationTesting"],
            path: "Examples/TestingYourTool/Tests",
            swiftSettings: strict
        ),
        .target(
            name: "TestSupport",
            dependencies: ["KMSRotation"],
            path: "Tests/Support",
            swiftSettings: strict
        ),
        .testTarget(
            name: "KMSRotationTests",
            dependencies: ["KMSRotation", "KMSRotationTesting", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KMSRotationIaCTests",
            dependencies: ["KMSRotationIaC", "KMSRotation", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KMSRotationNIOTests",
            dependencies: [
                "KMSRotationNIO", "KMSRotation", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio", condition: nio),
                .product(name: "NIOPosix", package: "swift-nio", condition: nio),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KMSRotationIntegrationTests",
            dependencies: ["KMSRotation", "KMSRotationTesting", "TestSupport"],
            exclude: ["Support"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
