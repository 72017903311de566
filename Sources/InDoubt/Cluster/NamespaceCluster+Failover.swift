import Foundation

/// Failover: fence the primary, promote the standby that has replayed the most.
extension NamespaceCluster {
    /// What a ``failover()`` did.
    public struct Failover: Sendable, Hashable, CustomStringConvertible {
        /// The fenced old primary.
        public var oldPrimary: String
        /// The promoted standby, now the primary.
        public var newPrimary: String
        /// How long `pg_promote` took until the new primary accepted writes.
        public var promotionTime: Duration
        /// How far each reachable standby had replayed when the choice was made.
        public var replayPositions: [String: LogSequenceNumber]

        public var description: String {
            let positions = replayPositions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(oldPrimary) fenced, \(newPrimary) promoted in \(promotionTime) (replayed: \(positions))"
        }
    }

    /// Fences the current primary (stopped at once and kept stopped, so it never takes a
    /// write again), then promotes the standby that has replayed the most WAL (the first by
    /// name on a tie) and makes it ``primary``. A standby that does not answer within
    /// `probeDeadline` is passed over. Other standbys keep following the old primary.
    @discardableResult
    public func failover(probeDeadline: Duration = .seconds(2)) async throws -> Failover {
        guard replication != nil else { throw ClusterError.noStandbyToPromote(reason: "the cluster has no replication") }
        let old = primary
        let candidates = standbys
        await old.fence()
        var positions: [String: LogSequenceNumber] = [:]
        var chosen: PostgresNode?
        for standby in candidates {
            guard let position = try? await standby.replayPosition(deadline: .after(probeDeadline)) else { continue }
            positions[standby.name] = position
            if chosen == nil || position > positions[chosen!.name]! { chosen = standby }
        }
        guard let chosen else {
            throw ClusterError.noStandbyToPromote(reason: "none of \(candidates.map(\.name)) answered within \(probeDeadline)")
        }
        let took = try await chosen.promote()
        primaryIndex.withLock { $0 = chosen.index }
        return Failover(oldPrimary: old.name, newPrimary: chosen.name, promotionTime: took, replayPositions: positions)
    }
}
