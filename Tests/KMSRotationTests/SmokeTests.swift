import Testing
import KMSRotation

@Test func versionIsSet() {
    #expect(!LibraryVersion.current.isEmpty)
}
