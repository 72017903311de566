import InDoubt
import Synchronization

/// A replicated cluster as the experiment's server, with the replication cut and the
/// failover staged for claim R4 (everything else is passed through):
///
/// - ``Staging/holdTheCut``: the nemesis's heal of the cut, before the fencing and the
///   resolution, is held back until ``release()``. So the resolver and the final read work
///   on the old primary while its standby is still cut off, as a resolver does that runs
///   before anyone fails over; a healed cut would let the standby catch up (after TCP's
///   retransmission backoff, at a moment nobody controls), and a failover after the run
///   would take nothing back.
/// - ``Staging/failOverOnceTheWaitsEnd(after:)``: the failover, whenever the nemesis starts
///   it, waits until that long after the cut took effect, so that the COMMITs sent into
///   the cut have waited for the standby until their clients' deadline (and ended `info`)
///   before n1 is fenced. Meanwhile the clients' next COMMITs wait at the nemesis's gate
///   (the failover is aligned to a COMMIT), instead of failing fast against the fenced n1.
final class StagedCluster: ExperimentTarget, TopologyTarget {
    enum Staging: Sendable {
        case holdTheCut
        case failOverOnceTheWaitsEnd(after: Duration)
    }

    let cluster: NamespaceCluster
    let staging: Staging
    private let state = Mutex(State())

    private struct State {
        var cutInForce: ContinuousClock.Instant?
        var cutHeld = false
    }

    init(_ cluster: NamespaceCluster, _ staging: Staging) {
        self.cluster = cluster
        self.staging = staging
    }

    /// Whether the nemesis asked to heal the cut and was held back.
    var cutHeld: Bool { state.withLock { $0.cutHeld } }

    /// Heals a held cut (after the failover: the promoted standby never hears from the
    /// fenced old primary again anyway).
    func release() async throws {
        guard cutHeld else { return }
        _ = try await cluster.healTopologyFault(.replicationCut)
        state.withLock { $0.cutHeld = false }
    }

    func applyTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect {
        if kind == .failover, case .failOverOnceTheWaitsEnd(let wait) = staging {
            while true {
                let cut = state.withLock { $0.cutInForce }
                if let cut, cut.duration(to: .now) >= wait { break }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        let effect = try await cluster.applyTopologyFault(kind)
        if kind == .replicationCut { state.withLock { $0.cutInForce = .now } }
        return effect
    }

    func healTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect {
        if kind == .replicationCut, case .holdTheCut = staging {
            state.withLock { $0.cutHeld = true }
            return TopologyFaultEffect(evidence: "held back: the cut stays in force until the claim releases it")
        }
        return try await cluster.healTopologyFault(kind)
    }

    var primaryName: String { cluster.primaryName }
    func waitUntilStandbysReplayed(deadline: Deadline) async throws { try await cluster.waitUntilStandbysReplayed(deadline: deadline) }
    var backendName: String { cluster.backendName }
    var targetName: String { cluster.targetName }
    var serverPort: Int { cluster.serverPort }
    var serverInterface: String { cluster.serverInterface }

    func connectionOptions(applicationName: String) -> ConnectionOptions {
        cluster.connectionOptions(applicationName: applicationName)
    }

    func pendingSends(in table: SocketTable, clientPorts: Set<Int>) -> [SocketTable.Socket] {
        cluster.pendingSends(in: table, clientPorts: clientPorts)
    }

    func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
        try await cluster.runInNetwork(invocation)
    }
}
