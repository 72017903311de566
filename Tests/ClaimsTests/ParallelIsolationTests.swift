import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// Four clusters at once, three under faults and one healthy: each is a cluster of its own,
/// each run's table holds only its own writes, each claim holds in each, and no fault
/// reaches a cluster it was not meant for.
@Suite("Parallel isolation")
struct ParallelIsolationTests {
    struct Lane: Sendable {
        var writes: Int
        var fault: Fault.Kind
    }

    /// Three lanes under commit-aligned faults, then a healthy one. The write counts differ,
    /// so a write that landed in another lane's table would show there as a duplicate or as
    /// an element that lane never attempted.
    static let faulted = [Lane(writes: 150, fault: .dropCommitAck), Lane(writes: 160, fault: .dropReplies),
                          Lane(writes: 170, fault: .dropCommitAck)]
    static let healthy = Lane(writes: 100, fault: .none)
    /// Long enough for the healthy lane to run whole while all three faults are in force.
    static let faultDuration: Duration = .seconds(3)

    @Test("Four clusters under faults at once: each its own slot, subnet, namespace and server; each table its own; claims 1 and 2 hold in each; the faults do not reach the healthy one")
    func fourClustersUnderFaults() async throws {
        try CLIHarness.requireFaultEnvironment()
        let installation = try FaultEnvironment.installation()
        let clusters = try await withThrowingTaskGroup(of: NamespaceCluster.self) { group in
            for _ in 0...Self.faulted.count { group.addTask { try await NamespaceCluster.start(installation: installation) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        do {
            try await checkClusters(clusters)
            try await checkRuns(on: clusters.map { ObservedTarget(node: $0.nodes[0]) })
        } catch {
            for cluster in clusters { await cluster.shutdown() }
            throw error
        }
        for cluster in clusters { await cluster.shutdown() }
        for cluster in clusters {
            // This process's traces only: a CLI run of a test beside this one may have claimed
            // the released slot already (seen in CI: its namespace, under this slot's names).
            let left = CLIHarness.traces(ofOwner: getpid(), slot: cluster.slot)
            #expect(left.isEmpty, "slot \(cluster.slot) left traces: \(left)")
        }
    }

    /// Distinct names and subnets, and each node's address reaches that cluster's own server.
    private func checkClusters(_ clusters: [NamespaceCluster]) async throws {
        let nodes = clusters.map { $0.nodes[0] }
        #expect(Set(clusters.map(\.slot)).count == 4, "each cluster has its own slot")
        #expect(Set(clusters.map { Naming.subnet(slot: $0.slot) }).count == 4, "each cluster has its own subnet")
        for cluster in clusters {
            #expect(cluster.nodes[0].address.hasPrefix(Naming.subnet(slot: cluster.slot) + "."), "slot \(cluster.slot)")
        }
        #expect(Set(nodes.map(\.address)).count == 4, "each node has its own address")
        #expect(Set(nodes.map(\.namespace)).count == 4, "each node has its own namespace")
        #expect(Set(clusters.map(\.folder)).count == 4, "each cluster has its own folder")
        for node in nodes {
            let connection = try await PostgresConnection.connect(
                node.connectionOptions(applicationName: "isolation-check"), deadline: .after(.seconds(10)))
            defer { connection.close() }
            let served = try await connection.query("SHOW data_directory", deadline: .after(.seconds(10))).rows.first?.string(0)
            #expect(served == node.dataDirectory.path, "\(node.address) is served from \(served ?? "nothing")")
        }
    }

    private func checkRuns(on targets: [ObservedTarget]) async throws {
        let faultedTargets = Array(targets.prefix(Self.faulted.count))
        let control = targets[Self.faulted.count]
        let (faultedRuns, healthyRun) = try await withThrowingTaskGroup(of: (Int, ClaimRun).self) { group in
            for (index, lane) in Self.faulted.enumerated() {
                group.addTask {
                    let fault = FaultSchedule(lane.fault, start: .afterAcknowledged(40, alignedToCommit: true), duration: Self.faultDuration)
                    return (index, try await ClaimRun.run(on: faultedTargets[index], writes: lane.writes, faults: [fault]))
                }
            }
            group.addTask {
                // The healthy lane starts once every other lane's fault is in force. Its
                // timeout is shorter than the faults: one that reached it would time writes
                // out, not be ridden out by TCP retransmitting after the heal.
                await ObservedTarget.waitUntilFaulted(faultedTargets, within: .seconds(60))
                return (-1, try await ClaimRun.run(on: control, writes: Self.healthy.writes, timeout: .seconds(1), faults: []))
            }
            let runs = try await group.reduce(into: [Int: ClaimRun]()) { $0[$1.0] = $1.1 }
            return (runs.filter { $0.key >= 0 }, try #require(runs[-1]))
        }

        for (index, lane) in Self.faulted.enumerated() {
            let run = try #require(faultedRuns[index])
            expectOwnTable(run, lane: lane, name: "cluster \(index) (\(lane.fault.rawValue))")
            // Claim 2 in each.
            let result = run.result
            #expect(run.outcome.faultsApplied, "cluster \(index): \(run.outcome.faultErrors)")
            #expect(result.ackRate.map { $0 < 1.0 } == true, "cluster \(index): claim 2")
            #expect(!result.unacknowledgedFound.isEmpty, "cluster \(index): claim 2")
            #expect(Set(result.unacknowledgedFound) == run.unacknowledgedInTable, "cluster \(index): claim 2")
        }

        // Claim 1 in the healthy cluster, although it wrote while the three others were under faults.
        expectOwnTable(healthyRun, lane: Self.healthy, name: "the healthy cluster")
        let result = healthyRun.result
        #expect(result.ackRate == 1.0, "the healthy cluster: claim 1")
        #expect(result.acknowledged == Self.healthy.writes)
        #expect(result.indeterminate.isEmpty)
        #expect(result.survivors == Self.healthy.writes)
        let window = try #require(ObservedTarget.allFaultsInForce(faultedTargets), "the faults were never all in force at once")
        let during = try control.writesWithin(window, of: healthyRun)
        #expect(during >= Self.healthy.writes / 5,
                "only \(during) of the healthy cluster's writes ran while all three faults were in force")
        print("parallel isolation: \(during) of the healthy cluster's \(Self.healthy.writes) writes ran while all three faults were in force; "
              + "ack rates \(Self.faulted.indices.map { RateFormat.string(faultedRuns[$0]?.result.ackRate) }) and \(RateFormat.string(result.ackRate))")
    }

    /// The table holds this lane's writes and nothing else, read without the checker.
    private func expectOwnTable(_ run: ClaimRun, lane: Lane, name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let table = run.tableElements
        #expect(run.result.total == lane.writes, "\(name)", sourceLocation: sourceLocation)
        #expect(table.count == Set(table).count, "\(name): an element is in the table twice", sourceLocation: sourceLocation)
        #expect(table.allSatisfy { (0..<lane.writes).contains($0) }, "\(name): an element it never wrote", sourceLocation: sourceLocation)
        #expect(run.acknowledgedInHistory.isSubset(of: Set(table)), "\(name): an acknowledged write is missing", sourceLocation: sourceLocation)
        #expect(run.result.unexpected.isEmpty && run.result.duplicates.isEmpty && run.result.lost.isEmpty,
                "\(name)", sourceLocation: sourceLocation)
    }
}
