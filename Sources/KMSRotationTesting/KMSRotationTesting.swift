// KMSRotationTesting: test doubles for code that embeds KMSRotation — MockTransport, an in-memory KMS
// with AWS's documented semantics, and ready-made sample accounts.
@_exported import KMSRotation
