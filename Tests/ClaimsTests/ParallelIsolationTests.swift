import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// Four clusters in parallel, each under its own fault: no cross-talk, every claim holds in each.
@Suite("Parallel isolation")
struct ParallelIsolationTests {
    struct Lane: Sendable {
        var writes: Int
        var fault: Fault.Kind
    }

    @Test("Four clusters under faults at once: each run's numbers are its own and its claims hold")
    func fourClustersUnderFaults() async throws {
        try CLIHarness.requireFaultEnvironment()
        let installation = try FaultEnvironment.installation()
        let lanes = [Lane(writes: 150, fault: .dropCommitAck), Lane(writes: 160, fault: .dropReplies),
                     Lane(writes: 170, fault: .dropCommitAck), Lane(writes: 180, fault: .none)]
        let clusters = try await withThrowingTaskGroup(of: NamespaceCluster.self) { group in
            for _ in lanes { group.addTask { try await NamespaceCluster.start(installation: installation) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        do {
            try await checkRuns(lanes: lanes, clusters: clusters)
        } catch {
            for cluster in clusters { await cluster.shutdown() }
            throw error
        }
        for cluster in clusters { await cluster.shutdown() }
        for cluster in clusters {
            #expect(Reaper.traces(ofSlot: cluster.slot).isEmpty, "slot \(cluster.slot) left traces")
        }
    }

    private func checkRuns(lanes: [Lane], clusters: [NamespaceCluster]) async throws {
        #expect(Set(clusters.map(\.slot)).count == 4, "each cluster has its own slot")
        #expect(Set(clusters.map(\.nodes[0].address)).count == 4, "each cluster has its own address")

        let runs = try await withThrowingTaskGroup(of: (Int, ClaimRun).self) { group in
            for (index, (lane, cluster)) in zip(lanes, clusters).enumerated() {
                group.addTask {
                    let faults = lane.fault == .none ? [] : [
                        FaultSchedule(lane.fault, start: .afterAcknowledged(40, alignedToCommit: true), duration: .seconds(1)),
                    ]
                    let timeout: Duration = lane.fault == .none ? .seconds(10) : .milliseconds(500)
                    return (index, try await ClaimRun.run(on: cluster.nodes[0], writes: lane.writes, timeout: timeout, faults: faults))
                }
            }
            return try await group.reduce(into: [Int: ClaimRun]()) { $0[$1.0] = $1.1 }
        }

        for (index, lane) in lanes.enumerated() {
            let run = try #require(runs[index])
            let result = run.result
            // No cross-talk: every cluster saw exactly its own elements.
            #expect(result.total == lane.writes, "cluster \(index)")
            #expect(result.unexpected.isEmpty, "cluster \(index) read elements it never wrote")
            #expect(result.duplicates.isEmpty, "cluster \(index)")
            #expect(Set(run.tableElements).isSubset(of: Set(0..<lane.writes)), "cluster \(index)")
            #expect(result.lost.isEmpty, "cluster \(index)")
            #expect(result.failedButPresent.isEmpty, "cluster \(index)")
            if lane.fault == .none {
                #expect(result.ackRate == 1.0, "cluster \(index): claim 1")
                #expect(result.survivors == lane.writes, "cluster \(index): claim 1")
            } else {
                #expect(run.outcome.faultsApplied, "cluster \(index)")
                #expect(!result.unacknowledgedFound.isEmpty, "cluster \(index): claim 2")
                #expect(Set(result.unacknowledgedFound) == run.unacknowledgedInTable, "cluster \(index): claim 2")
            }
        }
    }
}
