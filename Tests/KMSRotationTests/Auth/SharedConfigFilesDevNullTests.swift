import Foundation
import Testing
import KMSRotation

@Suite("SharedConfigFiles on special files")
struct SharedConfigFilesDevNullTests {
    @Test("AWS_CONFIG_FILE=/dev/null means an empty config, as the AWS CLI allows")
    func devNull() throws {
        let files = try SharedConfigFiles.load(environment: [
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "HOME": "/nonexistent",
        ])
        #expect(files.configProfiles.isEmpty)
        #expect(files.credentialsProfiles.isEmpty)
    }
}
