import Foundation

/// Ready-made in-memory KMS accounts: a demo account with one key of every kind (used by the CLI's
/// `--demo`), and large generated accounts for scale tests and benchmarks.
public enum SampleAccount {
    /// The frozen "now" of the sample accounts: 2026-01-15T00:00:00Z. Creation and rotation dates are
    /// relative to it, so output is the same every run.
    public static let referenceDate = Date(timeIntervalSince1970: 1_768_435_200)

    /// The Regions of the demo account that answer requests.
    public static let enabledRegions = ["us-east-1", "eu-west-1", "ap-southeast-2"]

    /// The opt-in Region of the demo account that is not enabled: every request to it fails with
    /// `UnrecognizedClientException`.
    public static let notEnabledRegion = "ap-east-1"

    /// The demo account `111122223333`: keys of every kind a rotation audit meets.
    ///
    /// Key IDs are derived from a counter, and the clock is frozen at ``referenceDate`` unless you
    /// pass another, so the same call gives the same keys, ARNs and dates every run. Regions
    /// us-east-1, eu-west-1 and ap-southeast-2 are enabled; ap-east-1 is not (every request to it
    /// fails with `UnrecognizedClientException`). "Expected" is the verdict `DESIGN.md` prescribes.
    ///
    /// | Region | Alias | Kind | State | Rotation | Expected |
    /// |---|---|---|---|---|---|
    /// | us-east-1 | alias/orders | customer, SYMMETRIC_DEFAULT, AWS_KMS | Enabled | on, 365 d (rotated once) | COMPLIANT rotationEnabled |
    /// | us-east-1 | alias/payments | customer, SYMMETRIC_DEFAULT | Enabled | on, 90 d (one on-demand and two automatic rotations) |
    /// COMPLIANT rotationEnabled |
    /// | us-east-1 | alias/archive | customer, SYMMETRIC_DEFAULT | Enabled | on, 730 d | COMPLIANT (NON_COMPLIANT rotationPeriodTooLong
    /// under a 365-day maximum) |
    /// | us-east-1 | alias/legacy-app | customer, SYMMETRIC_DEFAULT | Enabled | off (900-day-old material) | NON_COMPLIANT rotationDisabled
    /// (keyMaterialTooOld, never enabled, under a 365-day maximum age) |
    /// | us-east-1 | alias/retired-batch | customer, SYMMETRIC_DEFAULT | Disabled | off | NOT_APPLICABLE keyDisabled |
    /// | us-east-1 | alias/paused-reports | customer, SYMMETRIC_DEFAULT | Disabled | on, 365 d | NOT_APPLICABLE keyDisabled |
    /// | us-east-1 | alias/old-exports | customer, SYMMETRIC_DEFAULT | PendingDeletion | (on; reported false) | NOT_APPLICABLE
    /// pendingDeletion |
    /// | us-east-1 | alias/aws/s3 | AWS managed | Enabled | always on, 365 d | NOT_APPLICABLE awsManagedKey |
    /// | us-east-1 | alias/aws/acm | AWS managed, denies GetKeyRotationStatus | Enabled | always on | NOT_APPLICABLE awsManagedKey (no
    /// status call needed) |
    /// | us-east-1 | alias/code-signing | customer, RSA_2048, SIGN_VERIFY | Enabled | unsupported | NOT_APPLICABLE asymmetricKey |
    /// | us-east-1 | alias/device-auth | customer, ECC_NIST_P256, SIGN_VERIFY | Enabled | unsupported | NOT_APPLICABLE asymmetricKey |
    /// | us-east-1 | alias/pq-signing | customer, ML_DSA_65, SIGN_VERIFY | Enabled | unsupported | NOT_APPLICABLE asymmetricKey |
    /// | us-east-1 | alias/webhook-mac | customer, HMAC_256 | Enabled | unsupported | NOT_APPLICABLE hmacKey |
    /// | us-east-1 | alias/byok-ledger | customer, EXTERNAL (imported) | Enabled | on demand only, never rotated (420 days) |
    /// NOT_APPLICABLE importedKeyMaterial (NON_COMPLIANT keyMaterialTooOld under a 365-day maximum age) |
    /// | us-east-1 | alias/byok-pending | customer, EXTERNAL | PendingImport | unsupported | NOT_APPLICABLE pendingImport |
    /// | us-east-1 | alias/hsm-vault | customer, AWS_CLOUDHSM | Enabled | unsupported | NOT_APPLICABLE customKeyStore |
    /// | us-east-1 | alias/xks-partner | customer, EXTERNAL_KEY_STORE | Enabled | unsupported | NOT_APPLICABLE customKeyStore |
    /// | us-east-1 | alias/xks-offline | customer, EXTERNAL_KEY_STORE | Unavailable | unsupported | NOT_APPLICABLE keyUnavailable (states
    /// before kinds) |
    /// | us-east-1 | alias/global-orders | multi-Region PRIMARY | Enabled | off | NON_COMPLIANT rotationDisabled |
    /// | us-east-1 | alias/quantum-ready | customer, FUTURE_SPEC_2027 (unknown spec) | Enabled | unsupported | NOT_APPLICABLE
    /// unsupportedKeySpec |
    /// | us-east-1 | (none) | customer, SYMMETRIC_DEFAULT, no alias | Enabled | on, 365 d since 30 days, material 800 days old | COMPLIANT
    /// rotationEnabled (NON_COMPLIANT keyMaterialTooOld, stalled, under a 365-day maximum age) |
    /// | eu-west-1 | alias/global-orders | REPLICA of the us-east-1 primary | Enabled | off (shared) | NON_COMPLIANT rotationDisabled, fix
    /// on the primary |
    /// | eu-west-1 | alias/eu-customers | customer, SYMMETRIC_DEFAULT | Enabled | on, 365 d | COMPLIANT rotationEnabled |
    /// | eu-west-1 | alias/eu-analytics | customer, SYMMETRIC_DEFAULT | Enabled | off | NON_COMPLIANT rotationDisabled |
    /// | eu-west-1 | alias/aws/ebs | AWS managed | Enabled | always on | NOT_APPLICABLE awsManagedKey |
    /// | eu-west-1 | alias/sunset-global | multi-Region PRIMARY | PendingReplicaDeletion | (on; reported false) | NOT_APPLICABLE
    /// pendingReplicaDeletion |
    /// | ap-southeast-2 | alias/sunset-global | REPLICA of the eu-west-1 primary | Enabled | on (shared) | COMPLIANT rotationEnabled |
    /// | ap-southeast-2 | alias/global-orders | REPLICA of the us-east-1 primary | Creating | — | INSUFFICIENT_DATA keyStateTransitional |
    /// | ap-southeast-2 | alias/au-billing | customer, SYMMETRIC_DEFAULT | Enabled | on, 180 d | COMPLIANT rotationEnabled |
    /// | ap-southeast-2 | alias/aws/rds | AWS managed | Enabled | always on | NOT_APPLICABLE awsManagedKey |
    ///
    /// `ListAliases` also returns predefined `alias/aws/*` aliases without a `TargetKeyId`.
    /// `PendingReplicaDeletion` is, as AWS documents, the state of a multi-Region *primary* scheduled for
    /// deletion while replicas exist; its replica stays Enabled.
    ///
    /// - Parameter clock: The KMS clock. Default: frozen at ``referenceDate``.
    /// - Returns: The seeded KMS; use it as the transport of a client.
    public static func demo(clock: @escaping @Sendable () -> Date = { SampleAccount.referenceDate }) -> InMemoryKMS {
        let kms = InMemoryKMS(accountId: "111122223333", clock: clock)
        let now = kms.now
        func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }
        let team = ["team": "platform", "environment": "production"]

        // us-east-1: one key of every kind.
        let east = "us-east-1"
        kms.addKey(
            .init(
                rotationEnabled: true, description: "Orders database encryption: rotation on, yearly (rotated once)",
                aliases: ["alias/orders"], tags: ["team": "orders", "environment": "production"], creationDate: daysAgo(400)), region: east)
        kms.addKey(
            .init(
                rotationEnabled: true, rotationPeriodInDays: 90, description: "Payment tokens: rotation on, every 90 days",
                aliases: ["alias/payments"], tags: ["team": "payments", "pci": "true"], creationDate: daysAgo(200),
                rotationHistory: [.init(date: daysAgo(150), type: .onDemand)]), region: east)
        kms.addKey(
            .init(
                rotationEnabled: true, rotationPeriodInDays: 730, description: "Long-term archive: rotation on, every 730 days",
                aliases: ["alias/archive"], tags: team, creationDate: daysAgo(100)), region: east)
        kms.addKey(
            .init(
                description: "Legacy application data: rotation never enabled", aliases: ["alias/legacy-app"], tags: ["team": "legacy"],
                creationDate: daysAgo(900)), region: east)
        kms.addKey(
            .init(
                keyState: .disabled, description: "Retired batch jobs: disabled, rotation off", aliases: ["alias/retired-batch"],
                creationDate: daysAgo(700)), region: east)
        kms.addKey(
            .init(
                keyState: .disabled, rotationEnabled: true,
                description: "Paused reporting: disabled, rotation on (does not rotate while disabled)", aliases: ["alias/paused-reports"],
                creationDate: daysAgo(300)), region: east)
        kms.addKey(
            .init(
                keyState: .pendingDeletion, rotationEnabled: true, description: "Old exports: scheduled for deletion",
                aliases: ["alias/old-exports"], creationDate: daysAgo(500), deletionDate: now.addingTimeInterval(12 * 86_400)), region: east
        )
        kms.addKey(.awsManaged(service: "s3", creationDate: daysAgo(800)), region: east)
        kms.addKey(.awsManaged(service: "acm", creationDate: daysAgo(650), deniedOperations: ["GetKeyRotationStatus"]), region: east)
        kms.addKey(
            .init(
                keySpec: .rsa2048, keyUsage: .signVerify, description: "Release code signing: RSA_2048 asymmetric",
                aliases: ["alias/code-signing"], creationDate: daysAgo(365)), region: east)
        kms.addKey(
            .init(
                keySpec: .eccNistP256, keyUsage: .signVerify, description: "Device authentication: ECC_NIST_P256 asymmetric",
                aliases: ["alias/device-auth"], creationDate: daysAgo(250)), region: east)
        kms.addKey(
            .init(
                keySpec: .mlDSA65, keyUsage: .signVerify, description: "Post-quantum signing: ML_DSA_65 asymmetric",
                aliases: ["alias/pq-signing"], creationDate: daysAgo(60)), region: east)
        kms.addKey(
            .init(
                keySpec: .hmac256, description: "Webhook signatures: HMAC_256", aliases: ["alias/webhook-mac"], creationDate: daysAgo(150)),
            region: east)
        kms.addKey(
            .init(
                origin: .external, description: "Ledger with imported key material (BYOK)", aliases: ["alias/byok-ledger"],
                creationDate: daysAgo(420)), region: east)
        kms.addKey(
            .init(
                origin: .external, keyState: .pendingImport, description: "BYOK key awaiting its key material",
                aliases: ["alias/byok-pending"], creationDate: daysAgo(3)), region: east)
        kms.addKey(
            .init(
                origin: .awsCloudHSM, description: "Vault in a CloudHSM custom key store", aliases: ["alias/hsm-vault"],
                creationDate: daysAgo(330)), region: east)
        kms.addKey(
            .init(
                origin: .externalKeyStore, description: "Partner data in an external key store", aliases: ["alias/xks-partner"],
                creationDate: daysAgo(210)), region: east)
        kms.addKey(
            .init(
                origin: .externalKeyStore, keyState: .unavailable, description: "External key store disconnected: key unavailable",
                aliases: ["alias/xks-offline"], creationDate: daysAgo(180)), region: east)
        let globalOrders = kms.addKey(
            .init(
                description: "Global orders: multi-Region primary, rotation off", aliases: ["alias/global-orders"], tags: team,
                multiRegion: true, creationDate: daysAgo(240)), region: east)
        kms.addKey(
            .init(
                keySpec: "FUTURE_SPEC_2027", description: "A key spec this library does not know yet", aliases: ["alias/quantum-ready"],
                creationDate: daysAgo(10)), region: east)
        // Rotation switched on only 30 days ago on 800-day-old material: on schedule for CIS, stalled for a cryptoperiod.
        kms.addKey(
            .init(
                rotationEnabled: true, description: "Unnamed service key: rotation on, no alias", creationDate: daysAgo(800),
                rotationScheduleStart: daysAgo(30)), region: east)

        // eu-west-1: a replica, ordinary keys, a primary pending replica deletion.
        let west = "eu-west-1"
        kms.addReplica(
            of: globalOrders, region: west, description: "Global orders: replica in eu-west-1 (rotation shared with the primary)",
            aliases: ["alias/global-orders"])
        kms.addKey(
            .init(
                rotationEnabled: true, description: "EU customer records: rotation on", aliases: ["alias/eu-customers"],
                tags: ["team": "crm", "data-residency": "eu"], creationDate: daysAgo(380)), region: west)
        kms.addKey(
            .init(
                description: "EU analytics: rotation off", aliases: ["alias/eu-analytics"], creationDate: daysAgo(90),
                lastUsedDate: daysAgo(2)), region: west)
        kms.addKey(.awsManaged(service: "ebs", creationDate: daysAgo(1000)), region: west)
        let sunset = kms.addKey(
            .init(
                keyState: .pendingReplicaDeletion, rotationEnabled: true,
                description: "Sunset global key: primary scheduled for deletion, waiting for its replica", aliases: ["alias/sunset-global"],
                multiRegion: true, creationDate: daysAgo(600)), region: west)

        // ap-southeast-2: replicas (one still being created) and ordinary keys.
        let sydney = "ap-southeast-2"
        kms.addReplica(
            of: sunset, region: sydney, description: "Sunset global key: replica in ap-southeast-2", aliases: ["alias/sunset-global"])
        kms.addReplica(
            of: globalOrders, region: sydney, keyState: .creating, description: "Global orders: replica being created in ap-southeast-2",
            aliases: ["alias/global-orders"])
        kms.addKey(
            .init(
                rotationEnabled: true, rotationPeriodInDays: 180, description: "AU billing: rotation on, every 180 days",
                aliases: ["alias/au-billing"], creationDate: daysAgo(45)), region: sydney)
        kms.addKey(.awsManaged(service: "rds", creationDate: daysAgo(120)), region: sydney)

        kms.disableRegion(notEnabledRegion)
        return kms
    }

    /// A large generated account for scale tests and benchmarks.
    ///
    /// Each Region gets `keysPerRegion` keys in a repeating pattern of ten: six customer symmetric keys
    /// with rotation on (periods 90, 180, 365, 365, 730, 365 days), one with rotation off, one AWS
    /// managed key (`alias/aws/service-<n>`), one RSA_2048 key and one disabled key. Every customer key
    /// has an alias `alias/key-<n>` and two tags. IDs and dates are deterministic.
    /// - Parameters:
    ///   - keysPerRegion: How many keys each Region holds.
    ///   - regions: The Regions. Default the demo's enabled Regions.
    ///   - clock: The KMS clock. Default: frozen at ``referenceDate``.
    /// - Returns: The seeded KMS.
    public static func large(
        keysPerRegion: Int, regions: [String] = enabledRegions, clock: @escaping @Sendable () -> Date = { SampleAccount.referenceDate }
    ) -> InMemoryKMS {
        let kms = InMemoryKMS(accountId: "111122223333", clock: clock)
        let now = kms.now
        let periods = [90, 180, 365, 365, 730, 365]
        for region in regions {
            for index in 0..<max(0, keysPerRegion) {
                let created = now.addingTimeInterval(-Double(30 + (index * 37) % 1000) * 86_400)
                let tags = ["index": String(index), "pattern": String(index % 10)]
                let alias = "alias/key-\(index)"
                let seed: InMemoryKMS.KeySeed
                switch index % 10 {
                case 0..<6:
                    seed = .init(
                        rotationEnabled: true, rotationPeriodInDays: periods[index % 10],
                        description: "Generated key \(index): rotation on", aliases: [alias], tags: tags, creationDate: created)
                case 6:
                    seed = .init(description: "Generated key \(index): rotation off", aliases: [alias], tags: tags, creationDate: created)
                case 7:
                    seed = .awsManaged(service: "service-\(index)", creationDate: created)
                case 8:
                    seed = .init(
                        keySpec: .rsa2048, keyUsage: .signVerify, description: "Generated key \(index): RSA_2048", aliases: [alias],
                        tags: tags, creationDate: created)
                default:
                    seed = .init(
                        keyState: .disabled, description: "Generated key \(index): disabled", aliases: [alias], tags: tags,
                        creationDate: created)
                }
                kms.addKey(seed, region: region)
            }
        }
        return kms
    }
}
