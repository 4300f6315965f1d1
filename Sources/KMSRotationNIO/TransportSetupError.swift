// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    /// A ``NIOHTTPTransport`` cannot be set up as configured: a proxy URL that cannot be used, a CA
    /// bundle that cannot be read, a limit out of range. Thrown when the settings are read or the transport
    /// is created, never by a request.
    ///
    /// The message names the setting and the reason, never a credential.
    public struct TransportSetupError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, safe for logs.
        public var message: String

        /// Creates a setup error.
        /// - Parameter message: What is wrong.
        public init(_ message: String) {
            self.message = message
        }

        public var description: String { message }
    }
#endif
