import Foundation

// The KMS operations of the in-memory KMS, each a function from a JSON body to a JSON body (or a
// KMSFault). The order of the checks in each operation is the order a client observes: input
// validation, key lookup, authorization, then the key's manager, role, spec and origin, then its state.

extension KMSState {
    /// The operations served, by `X-Amz-Target` suffix.
    static let operations: Set<String> = [
        "ListKeys", "DescribeKey", "GetKeyRotationStatus", "ListAliases", "ListResourceTags", "ListKeyRotations",
        "EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand", "CreateKey", "DisableKey", "EnableKey",
        "ScheduleKeyDeletion", "CancelKeyDeletion", "CreateAlias", "ReplicateKey", "GetKeyPolicy",
        "GetKeyLastUsage",
    ]

    static let dayInterval: TimeInterval = 86_400

    // MARK: Dispatch

    /// Answers one request and logs it.
    mutating func handle(_ request: HTTPRequest) -> HTTPResponse {
        let target = request.headers["X-Amz-Target"]
        let operation = target.flatMap { $0.hasPrefix(Wire.targetPrefix) ? String($0.dropFirst(Wire.targetPrefix.count)) : nil }
        let region = Wire.region(of: request) ?? options.defaultRegion
        let requestId = nextRequestId()
        currentKeyId = nil
        let response: HTTPResponse
        var errorCode: String?
        do {
            let body = try perform(request, operation: operation, target: target, region: region)
            response = Wire.response(body, requestId: requestId)
        } catch let fault as KMSFault {
            errorCode = fault.code
            let body = Wire.encode(ErrorBody(type: fault.code, message: fault.message))
            response = Wire.response(body, status: fault.httpStatus(options.errorStatusStyle), requestId: requestId)
        } catch {
            errorCode = "KMSInternalException"
            let body = Wire.encode(ErrorBody(type: "KMSInternalException", message: "\(error)"))
            response = Wire.response(body, status: 500, requestId: requestId)
        }
        calls.append(
            InMemoryKMS.Call(
                operation: operation ?? target ?? "", region: region, keyId: currentKeyId, status: response.status, errorCode: errorCode))
        return response
    }

    private mutating func perform(_ request: HTTPRequest, operation: String?, target: String?, region: String?) throws -> Data {
        guard let region else { throw KMSFault.missingAuthenticationToken() }
        guard !disabledRegions.contains(region) else { throw KMSFault.unrecognizedClient() }
        guard request.method == "POST", request.url.path.isEmpty || request.url.path == "/" else {
            throw KMSFault.unknownOperation("KMS accepts only POST /, not \(request.method) \(request.url.path).")
        }
        guard let operation, Self.operations.contains(operation) else {
            throw KMSFault.unknownOperation(target.map { "Unknown operation \($0)." } ?? "Missing X-Amz-Target header.")
        }
        if let fault = injectedFault(operation: operation, region: region) {
            throw KMSFault(fault.code, fault.message, status: fault.status)
        }
        guard let contentType = request.headers["Content-Type"], contentType.lowercased().hasPrefix(Wire.contentType) else {
            throw KMSFault.serialization("Content-Type must be \(Wire.contentType), got \(request.headers["Content-Type"] ?? "none").")
        }
        purgeDeletedKeys()
        let body = request.body
        switch operation {
        case "ListKeys": return try listKeys(body, region: region)
        case "DescribeKey": return try describeKey(body, region: region)
        case "GetKeyRotationStatus": return try getKeyRotationStatus(body, region: region)
        case "ListAliases": return try listAliases(body, region: region)
        case "ListResourceTags": return try listResourceTags(body, region: region)
        case "ListKeyRotations": return try listKeyRotations(body, region: region)
        case "GetKeyLastUsage": return try getKeyLastUsage(body, region: region)
        case "EnableKeyRotation":
            let input = try Wire.decode(EnableKeyRotationInput.self, from: body)
            return try setRotation(
                "EnableKeyRotation", keyId: input.KeyId, enable: true, period: input.RotationPeriodInDays, region: region)
        case "DisableKeyRotation":
            let input = try Wire.decode(KeyIdInput.self, from: body)
            return try setRotation("DisableKeyRotation", keyId: input.KeyId, enable: false, period: nil, region: region)
        case "RotateKeyOnDemand": return try rotateKeyOnDemand(body, region: region)
        case "CreateKey": return try createKey(body, region: region)
        case "DisableKey": return try setKeyEnabled(false, body, region: region)
        case "EnableKey": return try setKeyEnabled(true, body, region: region)
        case "ScheduleKeyDeletion": return try scheduleKeyDeletion(body, region: region)
        case "CancelKeyDeletion": return try cancelKeyDeletion(body, region: region)
        case "CreateAlias": return try createAlias(body, region: region)
        case "ReplicateKey": return try replicateKey(body, region: region)
        case "GetKeyPolicy": return try getKeyPolicy(body, region: region)
        default: throw KMSFault.unknownOperation("Unknown operation \(operation).")
        }
    }

    /// Resolves a required `KeyId`-like member, recording it for the call log.
    private mutating func lookup(_ raw: String?, member: String = "KeyId", region: String, allowAlias: Bool) throws -> StoredKey {
        guard let raw else { throw KMSFault.required(member) }
        currentKeyId = raw
        let key = try resolve(raw, region: region, allowAlias: allowAlias)
        currentKeyId = key.keyId
        return key
    }

    /// The key after its rotation owner caught up with the clock.
    private mutating func refreshed(_ key: StoredKey) -> StoredKey {
        let owner = rotationOwner(of: key)
        catchUpRotations(owner.keyId, region: owner.region)
        return self.key(key.keyId, region: key.region) ?? key
    }

    /// Throws unless the key is Enabled: `DisabledException` for Disabled, `KMSInvalidStateException`
    /// for every other state (pending deletion, Creating, Updating, Unavailable, unknown states).
    private func requireEnabled(_ key: StoredKey) throws {
        switch InMemoryKMS.KeyState(rawValue: key.keyState) {
        case .enabled: return
        case .disabled: throw KMSFault.disabled("\(key.arn) is disabled.")
        case .pendingDeletion: throw KMSFault.invalidState("\(key.arn) is pending deletion.")
        case .pendingReplicaDeletion: throw KMSFault.invalidState("\(key.arn) is pending replica deletion.")
        case .pendingImport: throw KMSFault.invalidState("\(key.arn) is pending import.")
        default: throw KMSFault.invalidState("\(key.arn) is in state \(key.keyState), which is not valid for this operation.")
        }
    }

    private func deniedByKeyPolicy(_ operation: String, _ key: StoredKey) -> KMSFault {
        KMSFault(
            "AccessDeniedException",
            "User: arn:\(Wire.partition(of: key.region)):iam::\(accountId):user/auditor is not authorized to perform: kms:\(operation) "
                + "on resource: \(key.arn) because no resource-based policy allows the kms:\(operation) action"
        )
    }

    // MARK: Reading

    private mutating func listKeys(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(PagedInput.self, from: body)
        let order = regions[region]?.order ?? []
        let window = try Pager.window(
            limit: input.Limit, marker: input.Marker, range: 1...1000, defaultLimit: 100, operation: "ListKeys", scope: region,
            count: order.count)
        try authorize("ListKeys", region: region, key: nil)
        let page = Pager.page(order, offset: window.offset, limit: window.limit, operation: "ListKeys", scope: region)
        return Wire.encode(
            ListKeysOutput(
                Keys: page.items.map { KeyListEntry(KeyId: $0, KeyArn: keyArn($0, region: region)) },
                NextMarker: page.nextMarker,
                Truncated: page.nextMarker != nil
            ))
    }

    private mutating func describeKey(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(KeyIdInput.self, from: body)
        let key = try lookup(input.KeyId, region: region, allowAlias: true)
        try authorize("DescribeKey", region: region, key: key)
        // Two statements: evaluating `metadata(refreshed(key))` would copy the whole state (a
        // non-mutating call on self whose argument mutates self).
        let current = refreshed(key)
        return Wire.encode(DescribeKeyOutput(KeyMetadata: metadata(current)))
    }

    private mutating func getKeyRotationStatus(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(KeyIdInput.self, from: body)
        let key = try refreshed(lookup(input.KeyId, region: region, allowAlias: false))
        try authorize("GetKeyRotationStatus", region: region, key: key)
        if key.isAWSManaged {
            return Wire.encode(
                GetKeyRotationStatusOutput(
                    KeyRotationEnabled: true, KeyId: key.arn, RotationPeriodInDays: 365, NextRotationDate: key.rotation.nextRotationDate))
        }
        if let reason = key.rotationIneligibility {
            switch options.ineligibleRotationStatus {
            case .unsupportedOperation: throw KMSFault.unsupported(reason)
            case .reportDisabled: return Wire.encode(GetKeyRotationStatusOutput(KeyRotationEnabled: false, KeyId: key.arn))
            }
        }
        switch InMemoryKMS.KeyState(rawValue: key.keyState) {
        case .enabled, .disabled:
            let owner = rotationOwner(of: key)
            let rotation = owner.rotation
            let rotates = rotation.enabled && key.isEnabled && owner.isEnabled
            return Wire.encode(
                GetKeyRotationStatusOutput(
                    KeyRotationEnabled: rotation.enabled,
                    KeyId: key.arn,
                    RotationPeriodInDays: rotation.enabled ? rotation.periodInDays : nil,
                    NextRotationDate: rotates ? rotation.nextRotationDate : nil,
                    OnDemandRotationStartDate: rotation.onDemandStartedAt
                ))
        case .pendingDeletion, .pendingReplicaDeletion:
            // Documented: "While a KMS key is pending deletion, its key rotation status is false."
            return Wire.encode(GetKeyRotationStatusOutput(KeyRotationEnabled: false, KeyId: key.arn))
        default:
            throw KMSFault.invalidState("\(key.arn) is in state \(key.keyState), which is not valid for this operation.")
        }
    }

    private mutating func listAliases(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(PagedInput.self, from: body)
        var entries: [AliasListEntry]
        let scope: String
        if input.KeyId != nil {
            let key = try lookup(input.KeyId, region: region, allowAlias: false)
            try authorize("ListAliases", region: region, key: key)
            entries = aliases(of: key.keyId, region: region).map(aliasEntry(region: region))
            scope = "\(region)/\(key.keyId)"
        } else {
            try authorize("ListAliases", region: region, key: nil)
            let stored = regions[region]?.aliases ?? [:]
            entries = stored.values.map(aliasEntry(region: region))
            for service in options.predefinedAliasServices where stored["alias/aws/\(service)"] == nil {
                let name = "alias/aws/\(service)"
                entries.append(AliasListEntry(AliasName: name, AliasArn: aliasArn(name, region: region)))
            }
            scope = region
        }
        entries.sort { $0.AliasName < $1.AliasName }
        let window = try Pager.window(
            limit: input.Limit, marker: input.Marker, range: 1...100, defaultLimit: 50, operation: "ListAliases", scope: scope,
            count: entries.count)
        let page = Pager.page(entries, offset: window.offset, limit: window.limit, operation: "ListAliases", scope: scope)
        return Wire.encode(ListAliasesOutput(Aliases: page.items, NextMarker: page.nextMarker, Truncated: page.nextMarker != nil))
    }

    private func aliasEntry(region: String) -> (StoredAlias) -> AliasListEntry {
        { alias in
            AliasListEntry(
                AliasName: alias.name, AliasArn: self.aliasArn(alias.name, region: region), TargetKeyId: alias.targetKeyId,
                CreationDate: alias.creationDate, LastUpdatedDate: alias.lastUpdatedDate)
        }
    }

    private mutating func listResourceTags(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(PagedInput.self, from: body)
        let key = try lookup(input.KeyId, region: region, allowAlias: false)
        try authorize("ListResourceTags", region: region, key: key)
        let tags = key.tags.sorted { $0.key < $1.key }.map { TagEntry(TagKey: $0.key, TagValue: $0.value) }
        let scope = "\(region)/\(key.keyId)"
        let window = try Pager.window(
            limit: input.Limit, marker: input.Marker, range: 1...50, defaultLimit: 50, operation: "ListResourceTags", scope: scope,
            count: tags.count)
        let page = Pager.page(tags, offset: window.offset, limit: window.limit, operation: "ListResourceTags", scope: scope)
        return Wire.encode(ListResourceTagsOutput(Tags: page.items, NextMarker: page.nextMarker, Truncated: page.nextMarker != nil))
    }

    private mutating func listKeyRotations(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(ListKeyRotationsInput.self, from: body)
        let include = input.IncludeKeyMaterial ?? "ROTATIONS_ONLY"
        guard include == "ROTATIONS_ONLY" || include == "ALL_KEY_MATERIAL" else {
            throw KMSFault.enumValue(include, member: "IncludeKeyMaterial", ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"])
        }
        let key = try refreshed(lookup(input.KeyId, region: region, allowAlias: false))
        try authorize("ListKeyRotations", region: region, key: key)
        // Imported material rotates on demand (since 2025), so its history is listed too.
        let importedWithMaterial =
            key.origin == InMemoryKMS.Origin.external.rawValue
            && key.keySpec == InMemoryKMS.KeySpec.symmetricDefault.rawValue && key.keyState != InMemoryKMS.KeyState.pendingImport.rawValue
        if let reason = key.rotationIneligibility, !importedWithMaterial {
            throw KMSFault.unsupported(reason)
        }
        if key.keyState == InMemoryKMS.KeyState.creating.rawValue {
            throw KMSFault.invalidState("\(key.arn) is in state Creating, which is not valid for this operation.")
        }
        let history = rotationOwner(of: key).rotation.history
        let current = history.count
        func state(_ generation: Int) -> String { generation == current ? "CURRENT" : "NON_CURRENT" }
        var entries: [RotationsListEntry] = []
        if include == "ALL_KEY_MATERIAL" {
            entries.append(
                RotationsListEntry(
                    KeyId: key.keyId, KeyMaterialId: Identifiers.keyMaterialId(keyId: key.keyId, generation: 0), KeyMaterialState: state(0))
            )
        }
        for (index, event) in history.enumerated() {
            entries.append(
                RotationsListEntry(
                    KeyId: key.keyId,
                    KeyMaterialId: Identifiers.keyMaterialId(keyId: key.keyId, generation: index + 1),
                    KeyMaterialState: state(index + 1),
                    RotationDate: event.date,
                    RotationType: event.type.rawValue
                ))
        }
        let scope = "\(region)/\(key.keyId)/\(include)"
        let window = try Pager.window(
            limit: input.Limit, marker: input.Marker, range: 1...1000, defaultLimit: 100, operation: "ListKeyRotations", scope: scope,
            count: entries.count)
        let page = Pager.page(entries, offset: window.offset, limit: window.limit, operation: "ListKeyRotations", scope: scope)
        return Wire.encode(ListKeyRotationsOutput(Rotations: page.items, NextMarker: page.nextMarker, Truncated: page.nextMarker != nil))
    }

    /// Tracking starts at the key's creation here (AWS started tracking in 2026: later for older keys).
    private mutating func getKeyLastUsage(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(KeyIdInput.self, from: body)
        let key = try lookup(input.KeyId, region: region, allowAlias: false)
        try authorize("GetKeyLastUsage", region: region, key: key)
        let usage = key.lastUsedDate.map { GetKeyLastUsageOutput.Usage(Operation: "Decrypt", Timestamp: $0) }
        return Wire.encode(
            GetKeyLastUsageOutput(
                KeyId: key.keyId, KeyLastUsage: usage, TrackingStartDate: key.creationDate,
                KeyCreationDate: key.creationDate))
    }

    private mutating func getKeyPolicy(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(GetKeyPolicyInput.self, from: body)
        let key = try lookup(input.KeyId, region: region, allowAlias: false)
        let name = input.PolicyName ?? "default"
        try authorize("GetKeyPolicy", region: region, key: key)
        guard name == "default" else { throw KMSFault.notFound("No such policy exists: \(name). The only valid policy name is default.") }
        return Wire.encode(GetKeyPolicyOutput(Policy: defaultPolicy(region: region), PolicyName: name))
    }

    func defaultPolicy(region: String) -> String {
        #"{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:\#(Wire.partition(of: region)):iam::\#(accountId):root"},"Action":"kms:*","Resource":"*"}]}"#
    }

    // MARK: Rotation

    private mutating func setRotation(_ operation: String, keyId: String?, enable: Bool, period: Int?, region: String) throws -> Data {
        if let period, !(90...2560).contains(period) {
            throw KMSFault.range(period, member: "RotationPeriodInDays", 90...2560)
        }
        let key = try refreshed(lookup(keyId, region: region, allowAlias: false))
        try authorize(operation, region: region, key: key)
        if key.isAWSManaged {
            throw KMSFault.unsupported(
                "\(key.arn) is an AWS managed key. AWS rotates AWS managed keys every year; their rotation cannot be changed.")
        }
        if case .replica(let primaryRegion) = key.role {
            throw KMSFault.unsupported(
                "\(key.arn) is a multi-Region replica key. Rotation is shared by related multi-Region keys: set it on the primary key "
                    + "\(keyArn(key.keyId, region: primaryRegion))."
            )
        }
        if let reason = key.rotationIneligibility { throw KMSFault.unsupported(reason) }
        try requireEnabled(key)
        var rotation = key.rotation
        if enable {
            if !rotation.enabled {
                rotation.enabled = true
                rotation.scheduleStart = now
            }
            rotation.periodInDays = period ?? 365
        } else {
            rotation.enabled = false
        }
        regions[region]?.keys[key.keyId]?.rotation = rotation
        return Wire.encode(EmptyOutput())
    }

    private mutating func rotateKeyOnDemand(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(KeyIdInput.self, from: body)
        let key = try refreshed(lookup(input.KeyId, region: region, allowAlias: false))
        try authorize("RotateKeyOnDemand", region: region, key: key)
        if key.isAWSManaged {
            throw KMSFault.unsupported("\(key.arn) is an AWS managed key. You cannot initiate on-demand rotation of AWS managed keys.")
        }
        if case .replica(let primaryRegion) = key.role {
            throw KMSFault.unsupported(
                "\(key.arn) is a multi-Region replica key. Invoke on-demand rotation on the primary key "
                    + "\(keyArn(key.keyId, region: primaryRegion))."
            )
        }
        if key.origin == InMemoryKMS.Origin.external.rawValue, key.keySpec == InMemoryKMS.KeySpec.symmetricDefault.rawValue {
            throw KMSFault.unsupported(
                "\(key.arn) has imported key material. On-demand rotation needs new key material imported in state PENDING_ROTATION, "
                    + "which this in-memory KMS does not model."
            )
        }
        if let reason = key.rotationIneligibility { throw KMSFault.unsupported(reason) }
        try requireEnabled(key)
        var rotation = key.rotation
        if rotation.onDemandStartedAt != nil {
            throw KMSFault.conflict("An on-demand rotation of \(key.arn) is already in progress.")
        }
        if rotation.enabled, rotation.nextRotationDate.timeIntervalSince(now) < 20 * 60 {
            throw KMSFault.conflict("An automatic rotation of \(key.arn) is in progress or scheduled to begin within the next 20 minutes.")
        }
        guard rotation.onDemandCount < options.onDemandRotationLimit else {
            throw KMSFault.limitExceeded(
                "\(key.arn) has reached the limit of \(options.onDemandRotationLimit) on-demand rotations per key.")
        }
        rotation.onDemandStartedAt = now
        regions[region]?.keys[key.keyId]?.rotation = rotation
        catchUpRotations(key.keyId, region: region)
        return Wire.encode(RotateKeyOnDemandOutput(KeyId: key.keyId))
    }

    // MARK: Lifecycle

    private mutating func createKey(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(CreateKeyInput.self, from: body)
        if input.KeySpec != nil, input.CustomerMasterKeySpec != nil {
            throw KMSFault(
                "ValidationException",
                "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.")
        }
        let spec = input.KeySpec ?? input.CustomerMasterKeySpec ?? "SYMMETRIC_DEFAULT"
        let modelledSpecs = InMemoryKMS.KeySpec.modelled.map(\.rawValue)
        guard modelledSpecs.contains(spec) else {
            throw KMSFault.enumValue(spec, member: input.KeySpec != nil ? "KeySpec" : "CustomerMasterKeySpec", modelledSpecs)
        }
        let usage = input.KeyUsage ?? "ENCRYPT_DECRYPT"
        guard Self.keyUsages.contains(usage) else { throw KMSFault.enumValue(usage, member: "KeyUsage", Self.keyUsages) }
        guard Self.validUsages(for: spec)?.contains(usage) == true else {
            throw KMSFault(
                "ValidationException",
                "KeyUsage \(usage) is not compatible with KeySpec \(spec). Valid key usages: "
                    + "\((Self.validUsages(for: spec) ?? []).joined(separator: ", "))."
            )
        }
        let origin = input.Origin ?? "AWS_KMS"
        guard Self.origins.contains(origin) else { throw KMSFault.enumValue(origin, member: "Origin", Self.origins) }
        let description = input.Description ?? ""
        guard description.count <= 8192 else {
            throw KMSFault.validation(
                value: description, member: "Description", constraint: "Member must have length less than or equal to 8192")
        }
        let customKeyStore = origin == "AWS_CLOUDHSM" || origin == "EXTERNAL_KEY_STORE"
        if customKeyStore {
            guard input.CustomKeyStoreId != nil else {
                throw KMSFault("ValidationException", "CustomKeyStoreId is required when Origin is \(origin).")
            }
            guard spec == "SYMMETRIC_DEFAULT" else {
                throw KMSFault.unsupported("Keys in custom key stores must be symmetric encryption keys (SYMMETRIC_DEFAULT), not \(spec).")
            }
            guard input.MultiRegion != true else {
                throw KMSFault.unsupported("Multi-Region keys cannot be created in a custom key store.")
            }
        } else if input.CustomKeyStoreId != nil {
            throw KMSFault("ValidationException", "CustomKeyStoreId requires Origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE, not \(origin).")
        }
        if origin == "EXTERNAL_KEY_STORE", input.XksKeyId == nil {
            throw KMSFault("ValidationException", "XksKeyId is required when Origin is EXTERNAL_KEY_STORE.")
        }
        var tags: [String: String] = [:]
        for tag in input.Tags ?? [] {
            guard (1...128).contains(tag.TagKey.count), tag.TagValue.count <= 256 else {
                throw KMSFault("TagException", "Tag keys must have 1 to 128 characters and tag values at most 256.")
            }
            tags[tag.TagKey] = tag.TagValue
        }
        try authorize("CreateKey", region: region, key: nil)
        let seed = InMemoryKMS.KeySeed(
            keySpec: InMemoryKMS.KeySpec(rawValue: spec),
            keyUsage: InMemoryKMS.KeyUsage(rawValue: usage),
            origin: InMemoryKMS.Origin(rawValue: origin),
            keyState: origin == "EXTERNAL" ? .pendingImport : .enabled,
            description: description,
            tags: tags,
            multiRegion: input.MultiRegion ?? false,
            customKeyStoreId: input.CustomKeyStoreId,
            xksKeyId: input.XksKeyId
        )
        let key = seedKey(seed, region: region)
        currentKeyId = key.keyId
        return Wire.encode(CreateKeyOutput(KeyMetadata: metadata(key)))
    }

    private mutating func setKeyEnabled(_ enable: Bool, _ body: Data, region: String) throws -> Data {
        let operation = enable ? "EnableKey" : "DisableKey"
        let input = try Wire.decode(KeyIdInput.self, from: body)
        var key = try refreshed(lookup(input.KeyId, region: region, allowAlias: false))
        try authorize(operation, region: region, key: key)
        if key.isAWSManaged { throw deniedByKeyPolicy(operation, key) }
        switch InMemoryKMS.KeyState(rawValue: key.keyState) {
        case .enabled where enable, .disabled where !enable:
            return Wire.encode(EmptyOutput())
        case .enabled, .disabled:
            key.keyState = enable ? InMemoryKMS.KeyState.enabled.rawValue : InMemoryKMS.KeyState.disabled.rawValue
            // Documented: on re-enable, key material older than a rotation period rotates at once;
            // otherwise the earlier schedule continues.
            if enable, !key.isReplica, key.rotation.enabled, key.rotation.nextRotationDate <= now {
                key.rotation.history.append(.init(date: now, type: .automatic))
                key.rotation.scheduleStart = now
            }
            store(key)
            return Wire.encode(EmptyOutput())
        default:
            try requireEnabled(key)
            return Wire.encode(EmptyOutput())
        }
    }

    private mutating func scheduleKeyDeletion(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(ScheduleKeyDeletionInput.self, from: body)
        let window = input.PendingWindowInDays ?? 30
        guard (7...30).contains(window) else { throw KMSFault.range(window, member: "PendingWindowInDays", 7...30) }
        var key = try refreshed(lookup(input.KeyId, region: region, allowAlias: false))
        try authorize("ScheduleKeyDeletion", region: region, key: key)
        if key.isAWSManaged { throw deniedByKeyPolicy("ScheduleKeyDeletion", key) }
        switch InMemoryKMS.KeyState(rawValue: key.keyState) {
        case .enabled, .disabled, .pendingImport, .unavailable:
            break
        case .pendingDeletion, .pendingReplicaDeletion:
            throw KMSFault.invalidState("\(key.arn) is pending deletion.")
        default:
            throw KMSFault.invalidState("\(key.arn) is in state \(key.keyState), which is not valid for this operation.")
        }
        if key.role == .primary, !replicas(of: key.keyId).isEmpty {
            key.keyState = InMemoryKMS.KeyState.pendingReplicaDeletion.rawValue
            key.pendingWindowInDays = window
            key.deletionDate = nil
        } else {
            key.keyState = InMemoryKMS.KeyState.pendingDeletion.rawValue
            key.deletionDate = now.addingTimeInterval(TimeInterval(window) * Self.dayInterval)
            key.pendingWindowInDays = nil
        }
        store(key)
        return Wire.encode(
            ScheduleKeyDeletionOutput(KeyId: key.arn, DeletionDate: key.deletionDate, KeyState: key.keyState, PendingWindowInDays: window))
    }

    private mutating func cancelKeyDeletion(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(KeyIdInput.self, from: body)
        var key = try lookup(input.KeyId, region: region, allowAlias: false)
        try authorize("CancelKeyDeletion", region: region, key: key)
        guard
            key.keyState == InMemoryKMS.KeyState.pendingDeletion.rawValue
                || key.keyState == InMemoryKMS.KeyState.pendingReplicaDeletion.rawValue
        else {
            throw KMSFault.invalidState("\(key.arn) is not pending deletion.")
        }
        // Documented: a key whose deletion is cancelled is Disabled.
        key.keyState = InMemoryKMS.KeyState.disabled.rawValue
        key.deletionDate = nil
        key.pendingWindowInDays = nil
        store(key)
        return Wire.encode(CancelKeyDeletionOutput(KeyId: key.arn))
    }

    private mutating func createAlias(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(CreateAliasInput.self, from: body)
        guard let name = input.AliasName else { throw KMSFault.required("AliasName") }
        guard (1...256).contains(name.count) else {
            throw KMSFault.validation(value: name, member: "AliasName", constraint: "Member must have length between 1 and 256")
        }
        try Self.validateAliasName(name)
        let key = try lookup(input.TargetKeyId, member: "TargetKeyId", region: region, allowAlias: false)
        try authorize("CreateAlias", region: region, key: key)
        guard regions[region]?.aliases[name] == nil else {
            throw KMSFault.alreadyExists("An alias with the name \(aliasArn(name, region: region)) already exists")
        }
        if key.isAWSManaged { throw deniedByKeyPolicy("CreateAlias", key) }
        if key.keyState == InMemoryKMS.KeyState.pendingDeletion.rawValue
            || key.keyState == InMemoryKMS.KeyState.pendingReplicaDeletion.rawValue
        {
            throw KMSFault.invalidState("\(key.arn) is pending deletion.")
        }
        let now = self.now
        regions[region, default: RegionStore()].aliases[name] = StoredAlias(
            name: name, targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now)
        return Wire.encode(EmptyOutput())
    }

    static func validateAliasName(_ name: String) throws {
        guard name.hasPrefix("alias/"), name.count > "alias/".count else {
            throw KMSFault.invalidAliasName(
                "Alias must start with the prefix \"alias/\". Please see "
                    + "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
            )
        }
        guard !name.hasPrefix("alias/aws/") else {
            throw KMSFault.invalidAliasName("Alias names cannot begin with alias/aws/. That prefix is reserved for AWS managed keys.")
        }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-")
        guard name.unicodeScalars.allSatisfy(allowed.contains) else {
            throw KMSFault.validation(
                value: name, member: "AliasName", constraint: "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
        }
    }

    private mutating func replicateKey(_ body: Data, region: String) throws -> Data {
        let input = try Wire.decode(ReplicateKeyInput.self, from: body)
        guard let replicaRegion = input.ReplicaRegion else { throw KMSFault.required("ReplicaRegion") }
        guard (1...32).contains(replicaRegion.count) else {
            throw KMSFault.validation(value: replicaRegion, member: "ReplicaRegion", constraint: "Member must have length between 1 and 32")
        }
        let key = try lookup(input.KeyId, region: region, allowAlias: false)
        try authorize("ReplicateKey", region: region, key: key)
        switch key.role {
        case .none: throw KMSFault.unsupported("\(key.arn) is not a multi-Region key.")
        case .replica: throw KMSFault.unsupported("\(key.arn) is a replica key. Replicate the primary key.")
        case .primary: break
        }
        guard replicaRegion != region else {
            throw KMSFault("ValidationException", "The replica Region must differ from the primary key's Region.")
        }
        guard !disabledRegions.contains(replicaRegion) else {
            throw KMSFault.unsupported("The Region \(replicaRegion) is not enabled in this account.")
        }
        guard self.key(key.keyId, region: replicaRegion) == nil else {
            throw KMSFault.alreadyExists("\(keyArn(key.keyId, region: replicaRegion)) already exists.")
        }
        try requireEnabled(key)
        var tags: [String: String] = [:]
        for tag in input.Tags ?? [] { tags[tag.TagKey] = tag.TagValue }
        let replica = try seedReplica(
            of: key.keyId, region: replicaRegion, keyState: .enabled, description: input.Description, aliases: [], tags: tags)
        return Wire.encode(
            ReplicateKeyOutput(
                ReplicaKeyMetadata: metadata(replica),
                ReplicaPolicy: defaultPolicy(region: replicaRegion),
                ReplicaTags: tags.sorted { $0.key < $1.key }.map { TagEntry(TagKey: $0.key, TagValue: $0.value) }
            ))
    }
}
