import Testing
import KMSRotation

@Test func versionIsSet() {
    #expect(!KMSRotationVersion.current.isEmpty)
}
