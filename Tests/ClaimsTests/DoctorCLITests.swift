import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// `indoubt doctor` on this machine, as a user runs it: every check of the default backend
/// done for real (a server per installation), and bad settings named with their fix.
@Suite("indoubt doctor")
struct DoctorCLITests {
    @Test("On a machine set up by ci/setup.sh: every default-backend line ok, each installation started, exit 0, nothing left")
    func setUpMachine() async throws {
        try CLIHarness.requireFaultEnvironment()
        let result = try await CLIHarness.run(["doctor"])
        #expect(result.status == 0, "exit \(result.status)\n\(result.stdout)\n\(result.stderr)")
        for line in ["ok    root: uid 0 with CAP_NET_ADMIN", "ok    iptables string match: works", "ok    tc tbf qdisc: works",
                     "ok    postgres user", "ok    subnet \(SubnetGuard.network): free", "ok    packets stay on the machine: `unreachable",
                     "ok    libpq: libpq \(DatabaseDriver.libpq.version)"] {
            #expect(result.stdout.contains(line), "missing '\(line)' in:\n\(result.stdout)")
        }
        for installation in PostgresInstallation.discover() {
            #expect(result.stdout.contains("ok    PostgreSQL \(installation.major): \(installation.binDirectory.path): a server started and answered \(installation.version)"),
                    "PostgreSQL \(installation.major) in:\n\(result.stdout)")
        }
        // A line to fix is allowed only for the compose backend, the browser test or the bench.
        let blocking = result.stdout.split(separator: "\n").filter { $0.hasPrefix("FIX ") && !($0.split(separator: ":").first?.contains("[") ?? false) }
        #expect(blocking.isEmpty, "default-backend lines to fix:\n\(result.stdout)")
        #expect(CLIHarness.traces(ofOwner: result.pid).isEmpty, "\(CLIHarness.traces(ofOwner: result.pid))")
    }

    @Test("A subnet setting that is not two octets: its line says what to set, nothing starts, exit 2")
    func badSubnet() async throws {
        try CLIHarness.requireFaultEnvironment()
        let result = try await CLIHarness.run(["doctor"], wrapper: ["env", "INDOUBT_SUBNET=ten.213"])
        #expect(result.status == 2, "exit \(result.status)\n\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("FIX   subnet ten.213.0.0/16: INDOUBT_SUBNET must be the first two octets of a private /16 such as 10.214, not 'ten.213'"), "\(result.stdout)")
        #expect(result.stdout.contains("not started: fix the lines above first"), "\(result.stdout)")
        #expect(result.stderr.contains("lacks what the default backend needs: subnet ten.213.0.0/16"), "\(result.stderr)")
        #expect(CLIHarness.traces(ofOwner: result.pid).isEmpty)
    }
}
