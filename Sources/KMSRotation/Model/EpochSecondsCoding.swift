import Foundation

// KMS sends timestamps as epoch seconds in a JSON number (fractional), whatever date strategy the
// caller's JSONDecoder uses; these helpers make the model independent of that strategy.
extension KeyedDecodingContainer {
    func decodeEpochSecondsIfPresent(forKey key: Key) throws -> Date? {
        guard let seconds = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard seconds.isFinite else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "Timestamp is not a finite number of epoch seconds")
        }
        return Date(timeIntervalSince1970: seconds)
    }
}

extension KeyedEncodingContainer {
    mutating func encodeEpochSecondsIfPresent(_ date: Date?, forKey key: Key) throws {
        guard let date else { return }
        try encode(date.timeIntervalSince1970, forKey: key)
    }
}
