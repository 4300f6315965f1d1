import Foundation
import Testing
@testable import KMSRotation

@Suite struct SharedConfigFilesTests {
    @Test func parsesCredentialsAndConfigSections() throws {
        let credentials = """
            # a comment
            ; another comment
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key=secret/with+chars=
              \t
            [dev]
              aws_access_key_id   =   AKIDDEV
            AWS_Secret_Access_Key = devsecret ; trailing comment
            [profile odd]
            aws_access_key_id = AKIDODD
            """
        let config = """
            [default]
            region = us-west-2
            [profile dev]
            region = eu-west-1 # Ireland
            endpoint_url = http://127.0.0.1:4566/#fragment
            services = local
            [services local]
            kms =
              endpoint_url = http://127.0.0.1:4566
              other = x
            sts =
              endpoint_url = http://127.0.0.1:4567
            [sso-session corp]
            sso_start_url = https://corp.awsapps.com/start
            [unrelated]
            region = ap-south-1
            """
        let files = try SharedConfigFiles(credentials: credentials, config: config)
        #expect(files.credentialsProfiles.keys.sorted() == ["default", "dev", "profile odd"])
        #expect(
            files.credentialsProfiles["default"]?.properties == [
                "aws_access_key_id": "AKIDDEFAULT", "aws_secret_access_key": "secret/with+chars=",
            ])
        #expect(files.credentialsProfiles["dev"]?.properties == ["aws_access_key_id": "AKIDDEV", "aws_secret_access_key": "devsecret"])
        #expect(files.configProfiles.keys.sorted() == ["default", "dev"])
        #expect(
            files.configProfiles["dev"]?.properties == [
                "region": "eu-west-1", "endpoint_url": "http://127.0.0.1:4566/#fragment", "services": "local",
            ])
        #expect(files.services.keys.sorted() == ["local"])
        #expect(
            files.services["local"]?.subProperties == [
                "kms": ["endpoint_url": "http://127.0.0.1:4566", "other": "x"],
                "sts": ["endpoint_url": "http://127.0.0.1:4567"],
            ])
        #expect(files.services["local"]?.properties == ["kms": "", "sts": ""])
        // The merged profile: config first, credentials file laid over it.
        #expect(
            files.profile("dev")?.properties == [
                "region": "eu-west-1", "endpoint_url": "http://127.0.0.1:4566/#fragment", "services": "local",
                "aws_access_key_id": "AKIDDEV", "aws_secret_access_key": "devsecret",
            ])
        #expect(files.profile("missing") == nil)
        #expect(files.hasProfile("default"))
    }

    @Test func profileDefaultWinsOverBareDefaultInConfig() throws {
        let both = try SharedConfigFiles(
            credentials: "",
            config: """
                [profile default]
                region = eu-central-1
                [default]
                region = us-east-1
                output = json
                """)
        #expect(both.configProfiles["default"]?.properties == ["region": "eu-central-1"])
        let bare = try SharedConfigFiles(credentials: "", config: "[default]\nregion = us-east-1\n")
        #expect(bare.configProfiles["default"]?["region"] == "us-east-1")
    }

    @Test func repeatedSectionsMergeAndContinuationLinesAppend() throws {
        let files = try SharedConfigFiles(
            credentials: "",
            config: """
                [profile a]
                region = us-east-1
                note = first
                  second line
                [profile a]
                region = us-east-2
                """)
        #expect(files.configProfiles["a"]?.properties == ["region": "us-east-2", "note": "first\nsecond line"])
    }

    @Test func windowsLineEndingsAreAccepted() throws {
        let files = try SharedConfigFiles(credentials: "[default]\r\naws_access_key_id = A\r\naws_secret_access_key = B\r\n", config: "")
        #expect(files.credentialsProfiles["default"]?.properties == ["aws_access_key_id": "A", "aws_secret_access_key": "B"])
    }

    @Test func malformedLinesReportFileAndLineButNotContent() throws {
        let error = try #require(throws: SharedConfigFiles.ParseError.self) {
            try SharedConfigFiles(
                credentials: "[default]\naws_access_key_id = A\nSECRET-LINE-WITHOUT-EQUALS\n", config: "",
                credentialsFilePath: "/home/u/.aws/credentials")
        }
        #expect(error.description == "/home/u/.aws/credentials:3: expected 'name = value', a '[section]' header or a comment")
        #expect(!error.description.contains("SECRET"))
        #expect(throws: SharedConfigFiles.ParseError.self) { try SharedConfigFiles(credentials: "", config: "[profile x\nregion = a") }
    }

    @Test func loadUsesEnvironmentPathsAndTreatsMissingFilesAsEmpty() throws {
        let dir = try AuthTempDirectory()
        let credentialsPath = try dir.write("custom-credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n")
        let files = try SharedConfigFiles.load(environment: [
            "AWS_SHARED_CREDENTIALS_FILE": credentialsPath,
            "AWS_CONFIG_FILE": dir.path + "/does-not-exist",
        ])
        #expect(files.credentialsProfiles["default"]?["aws_access_key_id"] == "AKIDFILE")
        #expect(files.configProfiles.isEmpty)
        #expect(files.credentialsFilePath == credentialsPath)
        #expect(files.configFilePath == dir.path + "/does-not-exist")
    }

    @Test func loadDefaultsToHomeAndExpandsTilde() throws {
        let dir = try AuthTempDirectory()
        try dir.write(".aws/config", "[profile p]\nregion = sa-east-1\n")
        try dir.write("elsewhere/creds", "[p]\naws_access_key_id = AKIDP\naws_secret_access_key = s\n")
        let files = try SharedConfigFiles.load(environment: ["HOME": dir.path, "AWS_SHARED_CREDENTIALS_FILE": "~/elsewhere/creds"])
        #expect(files.configFilePath == dir.path + "/.aws/config")
        #expect(files.credentialsFilePath == dir.path + "/elsewhere/creds")
        #expect(files.profile("p")?.properties == ["region": "sa-east-1", "aws_access_key_id": "AKIDP", "aws_secret_access_key": "s"])
    }

    @Test func loadWithNoHomeAndNoVariablesReadsNothing() throws {
        let files = try SharedConfigFiles.load(environment: [:]) { path in
            Issue.record("unexpected read of \(path)")
            return nil
        }
        #expect(files == .empty)
    }

    @Test func loadUsesTheInjectedReader() throws {
        let files = try SharedConfigFiles.load(environment: ["HOME": "/nonexistent-home"]) { path in
            path == "/nonexistent-home/.aws/config" ? Data("[profile z]\nregion = me-south-1\n".utf8) : nil
        }
        #expect(files.configProfiles["z"]?["region"] == "me-south-1")
    }

    @Test func unreadableFileIsAnError() throws {
        struct Denied: Error {}
        let error = try #require(throws: SharedConfigFiles.ParseError.self) {
            try SharedConfigFiles.load(environment: ["AWS_CONFIG_FILE": "/x/config"]) { path in
                if path == "/x/config" { throw Denied() }
                return nil
            }
        }
        #expect(error.file == "/x/config")
        #expect(error.line == nil)
    }

    @Test func profileNameComesFromAWSProfile() {
        #expect(SharedConfigFiles.profileName(environment: [:]) == "default")
        #expect(SharedConfigFiles.profileName(environment: ["AWS_PROFILE": ""]) == "default")
        #expect(SharedConfigFiles.profileName(environment: ["AWS_PROFILE": "audit"]) == "audit")
    }
}
