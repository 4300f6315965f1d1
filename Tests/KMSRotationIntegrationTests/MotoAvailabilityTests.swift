import Foundation
import Testing

@Suite("moto availability")
struct MotoAvailabilityTests {
    @Test("moto_server is installed when CI is set")
    func motoInstalledInCI() {
        if ProcessInfo.processInfo.environment["CI"] != nil {
            #expect(MotoServer.isAvailable, "CI is set but moto_server is missing: .ci/run must install moto[server]")
        } else if !MotoServer.isAvailable {
            print("note: \(MotoServer.skipMessage)")
        }
    }
}
