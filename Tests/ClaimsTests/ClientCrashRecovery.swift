import Foundation
import InDoubt
import InDoubtTesting
import Testing
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A `ledger` client process killed with SIGKILL while its COMMITs are in flight, on a node
/// that outlives it; then a new process (`indoubt resolve`) that has nothing but the intent
/// log fences the dead client's sessions and resolves its writes.
struct ClientCrash {
    /// What the crash and the recovery left.
    struct Outcome {
        /// The recovery's report (resolution.json).
        var report: ClientRecovery.Report
        /// `indoubt resolve`'s exit code and output.
        var resolve: CLIHarness.Result
        /// The intents of the killed run without an outcome line.
        var unfinishedIntents: [IntentRecord]
        /// `set_app`, read after the retransmission window has passed.
        var tableLater: Set<Int>
    }

    /// Runs the crash and the recovery against `node`, in `folder`.
    ///
    /// Requests are dropped from a COMMIT on; the client is killed 0.3 s later, so its
    /// kernel keeps retransmitting the COMMITs (about 0.2, 0.6, 1.4, 3 and 6.2 s after they
    /// were sent); the fault is healed at 3.5 s, and the recovery runs at once: only its
    /// fence keeps the 6.2 s retransmission from landing after its verdicts. The table is
    /// read again at 9 s.
    static func run(on node: PostgresNode, in folder: URL) async throws -> Outcome {
        let description = folder.appendingPathComponent("server.json")
        try ServedNode(node: node).write(to: description)
        let runFolder = folder.appendingPathComponent("run")
        let child = Process()
        child.executableURL = try CLIHarness.binary()
        child.arguments = [
            "run", "--server", description.path, "--strategy", "ledger", "--fault", "drop-requests",
            "--fault-after", "30", "--fault-for", "60s", "--timeout", "10s", "--writes", "200", "--quiet",
            "--out", runFolder.path,
        ]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try Command.launch(child)
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() } }

        let history = runFolder.appendingPathComponent(RunFolder.historyFileName)
        let deadline = Deadline.after(.seconds(30))
        while !faultInForce(history) {
            guard !deadline.hasPassed, child.isRunning else {
                throw MissingPrerequisite(description: "the ledger run never put its fault in force (\(history.path))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let commitsSent = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(300))
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()

        try await Task.sleep(until: commitsSent + .milliseconds(3500))
        try await node.heal(node.fault(.dropRequests))
        let resolve = try await CLIHarness.run(["resolve", runFolder.path])
        let report = try JSONDecoder().decode(
            ClientRecovery.Report.self, from: Data(contentsOf: runFolder.appendingPathComponent("resolution.json")))

        try await Task.sleep(until: commitsSent + .seconds(9))
        let reader = try await PostgresConnection.connect(node.connectionOptions(applicationName: "claim-reader"), deadline: .after(.seconds(10)))
        defer { reader.close() }
        let rows = try await reader.query("SELECT element FROM set_app", deadline: .after(.seconds(10))).rows
        let records = try IntentLog.read(runFolder.appendingPathComponent(RunFolder.intentLogFileName))
        let finished = Set(records.filter { $0.kind == .outcome }.map(\.txn))
        return Outcome(
            report: report, resolve: resolve,
            unfinishedIntents: records.filter { $0.kind == .intent && !finished.contains($0.txn) },
            tableLater: Set(try rows.map { try $0.int(0) }))
    }

    /// Whether the run's history says its fault is in force.
    private static func faultInForce(_ history: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: history.path) else { return false }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
            .contains { $0.contains("\"f\":\"start-fault\"") && $0.contains("\"type\":\"ok\"") }
    }
}

@Suite("A killed client recovers from its intent log alone")
struct ClientCrashRecoveryTests {
    static let killedClientResolvesFromItsIntentLog = Claim(
        "Killed mid-COMMIT: the restarted resolver fences the dead client's sessions, then every verdict holds against the table read after the retransmissions",
        server: .namespaceNode(settings: [:])
    ) { claim in
        let node = try claim.require(claim.server as? PostgresNode, "the claim needs a namespace node")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try await ClientCrash.run(on: node, in: folder)
        let report = outcome.report
        // The situation: the client died with writes in doubt, and their sessions outlived it.
        claim.expectEqual(outcome.resolve.status, 0, "indoubt resolve: \(outcome.resolve.stderr)")
        claim.expect(!outcome.unfinishedIntents.isEmpty, "the client died with no write in doubt")
        claim.expectEqual(Set(report.verdicts.map(\.element)), Set(outcome.unfinishedIntents.map(\.element)))
        claim.expect(outcome.unfinishedIntents.allSatisfy { $0.session != nil }, "an intent did not record its session")
        claim.expectEqual(Set(report.sessions), Set(outcome.unfinishedIntents.compactMap(\.session)))
        claim.expect(report.fenced >= 1, "no session of the dead client was left to fence")
        // Every verdict final, and the table (read after any retransmission could land) agrees.
        claim.expect(report.allResolved, "unresolved: \(report.verdicts.filter { $0.resolution == .unknown })")
        for verdict in report.verdicts {
            claim.expect(verdict.resolution == (outcome.tableLater.contains(verdict.element) ? .committed : .aborted),
                         "element \(verdict.element): \(verdict.resolution.rawValue) (\(verdict.evidence)), in the table: \(outcome.tableLater.contains(verdict.element))")
        }
    }

    @Test("Killed mid-COMMIT: the restarted resolver fences the dead client's sessions, then every verdict holds against the table read after the retransmissions")
    func killedClientResolvesFromItsIntentLog() async throws { try await Self.killedClientResolvesFromItsIntentLog.verify() }
}

/// The same claim through XCTest, started with every other class's claims by its `ClaimGroup`
/// of `XCTestClaimPlan` (alone, its 13 s came after every class before it).
final class ClientCrashRecoveryXCTests: XCTestCase {
    static let claims = ClaimGroup(of: ClientCrashRecoveryXCTests.self, [
        "testKilledClientResolvesFromItsIntentLog": ClientCrashRecoveryTests.killedClientResolvesFromItsIntentLog,
    ], plan: { XCTestClaimPlan.plan })

    func testKilledClientResolvesFromItsIntentLog() async throws { try await Self.claims.verify() }
}
