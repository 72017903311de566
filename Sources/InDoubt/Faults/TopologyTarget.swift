/// A target of several nodes (a primary and its standbys) on which the nemesis can also cut
/// links between nodes and fail over: the faults whose ``Fault/Kind/isTopologyFault`` is
/// true. The clients, the resolvers and the final read reach whichever node is the primary
/// when they connect.
public protocol TopologyTarget: FaultTarget {
    /// The node that takes writes now (`n1`, then whichever standby a failover promoted):
    /// the one the clients, the resolvers and the final read reach.
    var primaryName: String { get }
    /// Applies a topology fault; returns what it did, for the history (the failover's
    /// choice and its promotion time, the pids it paused, say).
    func applyTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect
    /// Removes exactly what ``applyTopologyFault(_:)`` added (nothing, for a failover or a
    /// killed primary); returns what it did.
    func healTopologyFault(_ kind: Fault.Kind) async throws -> TopologyFaultEffect
    /// Waits until every standby has replayed what the primary has written so far. The
    /// experiment calls it after its set-up, so that the workload starts from a replicated
    /// state: a cut that came before a loaded standby had the tables would lose the tables,
    /// not the writes (seen once in CI: after the failover, `set_app` did not exist).
    func waitUntilStandbysReplayed(deadline: Deadline) async throws
}

/// A topology fault asked of a target that has no topology.
public struct TopologyFaultError: Error, Sendable, CustomStringConvertible {
    /// The fault.
    public var kind: Fault.Kind
    /// The target.
    public var target: String
    /// Why, when the target has a topology but not this fault; `nil`: it has no topology.
    public var reason: String?

    /// A fault `target` cannot take; `reason` says why when it is not a single server.
    public init(kind: Fault.Kind, target: String, reason: String? = nil) {
        self.kind = kind
        self.target = target
        self.reason = reason
    }

    public var description: String {
        reason.map { "\(kind.rawValue) on \(target): \($0)" } ?? "\(kind.rawValue) needs a primary with standbys; \(target) is a single server"
    }
}
