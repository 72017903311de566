@testable import InDoubt
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("indoubt doctor: its lines, its exit code and the checks that need no root")
struct DoctorTests {
    @Test("A line says ok with what was found, or FIX with the command; a need other than the default backend is marked")
    func lines() {
        #expect(Doctor.Check("ip", ok: true, detail: "/usr/sbin/ip").line == "ok    ip: /usr/sbin/ip")
        #expect(Doctor.Check("tc", ok: false, detail: "not installed", fix: "apt-get install iproute2").line
            == "FIX   tc: not installed\n      → apt-get install iproute2")
        #expect(Doctor.Check("chromium", need: .browser, ok: false, detail: "not installed", fix: "bash ci/install-chromium.sh").line
            == "FIX   chromium [browser]: not installed\n      → bash ci/install-chromium.sh")
    }

    @Test("Only what the default backend needs decides the exit code")
    func exitCode() {
        let ok = Doctor.Check("ip", ok: true, detail: "")
        let composeMissing = Doctor.Check("Docker and Compose", need: .compose, ok: false, detail: "")
        let chromiumMissing = Doctor.Check("chromium", need: .browser, ok: false, detail: "")
        let tcMissing = Doctor.Check("tc", ok: false, detail: "")
        #expect(Doctor.exitCode([ok, composeMissing, chromiumMissing]) == 0)
        #expect(Doctor.exitCode([ok, composeMissing, tcMissing]) == 2)
        #expect(Doctor.exitCode([]) == 0)
    }

    @Test("CAP_NET_ADMIN is bit 12 of CapEff")
    func capabilities() {
        #expect(Doctor.effectiveCapabilities("Name:\tx\nCapEff:\t000001ffffffffff\n") == 0x1ff_ffff_ffff)
        #expect(Doctor.effectiveCapabilities("Name:\tx\n") == nil)
        let rootWithout = Doctor.privileges(capabilities: "CapEff:\t00000000a80425fb\n")
        let rootWith = Doctor.privileges(capabilities: "CapEff:\t00000000a80435fb\n")
        if geteuid() == 0 {
            #expect(!rootWithout.ok && rootWithout.fix?.contains("NET_ADMIN") == true, "\(rootWithout.line)")
            #expect(rootWith.ok, "\(rootWith.line)")
        } else {
            #expect(!rootWith.ok && rootWith.detail.contains("root"), "\(rootWith.line)")
        }
    }

    @Test("The subnet is free unless someone else's route overlaps it; the guard and InDoubt's own links do not count")
    func subnet() {
        let base = Naming.subnetBase
        let ours = "default via 192.0.2.1 dev eth0\nunreachable \(base).0.0/16\n\(base).3.0/24 dev idb3u proto kernel scope link src \(base).3.1\n"
        #expect(Doctor.subnet(routes: ours).ok, "\(Doctor.subnet(routes: ours).line)")
        let clash = Doctor.subnet(routes: ours + "\(base).7.0/24 dev wg0 proto kernel scope link\n")
        #expect(!clash.ok)
        #expect(clash.detail.contains("\(base).7.0/24") && clash.fix?.contains("INDOUBT_SUBNET") == true, "\(clash.line)")
    }
}
