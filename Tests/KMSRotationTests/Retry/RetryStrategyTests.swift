import Testing
import KMSRotation

@Suite("RetryStrategy")
struct RetryStrategyTests {
    @Test("standard and none presets")
    func presets() {
        #expect(RetryStrategy.standard.maxAttempts == 3)
        #expect(RetryStrategy.standard.baseDelay == .seconds(1))
        #expect(RetryStrategy.standard.maxBackoff == .seconds(20))
        #expect(RetryStrategy.standard.quota == .standard)
        #expect(RetryStrategy.none.maxAttempts == 1)
        let quota = RetryQuota.Configuration.standard
        #expect(quota.initialTokens == 500)
        #expect(quota.retryCost == 5)
        #expect(quota.timeoutRetryCost == 10)
        #expect(quota.noRetrySuccessIncrement == 1)
        #expect(quota.cost(of: .timeout) == 10)
        #expect(quota.cost(of: .throttling) == 5)
        #expect(quota.cost(of: .transient) == 5)
    }

    @Test("defaults equal the standard preset")
    func defaults() throws {
        #expect(try RetryStrategy() == .standard)
        #expect(try RetryQuota.Configuration() == .standard)
    }

    @Test("out-of-range settings are refused")
    func validation() {
        for attempts in [0, -1, Int.min] {
            let error = #expect(throws: RetryConfigurationError.self) { try RetryStrategy(maxAttempts: attempts) }
            #expect(error?.setting == "maxAttempts")
        }
        #expect(throws: RetryConfigurationError.self) { try RetryStrategy(baseDelay: .seconds(-1)) }
        #expect(throws: RetryConfigurationError.self) { try RetryStrategy(baseDelay: .seconds(5), maxBackoff: .seconds(1)) }
        let quota = #expect(throws: RetryConfigurationError.self) { try RetryQuota.Configuration(retryCost: -5) }
        #expect(quota?.setting == "retryCost")
        #expect(quota?.description.contains("at least 0") == true)
    }
}
