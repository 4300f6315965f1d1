#!/usr/bin/env bash
# Builds the Examples (and the TestingYourTool tests) as a package outside this one would: through the
# products only, so `package` and internal symbols are invisible. Inside this package `package` access
# crosses targets, so `swift build` alone cannot tell whether an example leans on something that is not
# public API. Run by .ci/run; usage: Scripts/check-examples-public-api.sh [SCRATCH_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
scratch=${1:-$work/.build}
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/Sources" "$work/Tests"
for target in EmbeddingExample AccountScanExample OrganizationReport StreamingScan; do
  ln -s "$root/Examples/$target" "$work/Sources/$target"
done
ln -s "$root/Examples/CustomComplianceTool/Sources/ComplianceToolCore" "$work/Sources/ComplianceToolCore"
ln -s "$root/Examples/CustomComplianceTool/Sources/CustomComplianceTool" "$work/Sources/CustomComplianceTool"
ln -s "$root/Examples/TestingYourTool/Tests" "$work/Tests/TestingYourToolTests"

cat > "$work/Package.swift" <<SWIFT
// swift-tools-version:6.1
import PackageDescription

let core: Target.Dependency = .product(name: "KMSRotation", package: "swift-kms-rotation")
let testing: Target.Dependency = .product(name: "KMSRotationTesting", package: "swift-kms-rotation")
let package = Package(
    name: "examples-public-api",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "swift-kms-rotation", path: "$root")],
    targets: [
        .executableTarget(name: "EmbeddingExample", dependencies: [core]),
        .executableTarget(name: "AccountScanExample", dependencies: [core]),
        .executableTarget(name: "OrganizationReport", dependencies: [core, testing]),
        .executableTarget(name: "StreamingScan", dependencies: [core, testing]),
        .target(name: "ComplianceToolCore", dependencies: [core]),
        .executableTarget(name: "CustomComplianceTool", dependencies: ["ComplianceToolCore", core, testing]),
        .testTarget(name: "TestingYourToolTests", dependencies: ["ComplianceToolCore", core, testing]),
    ],
    swiftLanguageModes: [.v6]
)
SWIFT

cd "$work"
swift build --build-tests --scratch-path "$scratch"
echo "The Examples build against the public API only."
