import Foundation

/// Failover: fence the primary, promote the standby that has replayed the most.
extension NamespaceCluster {
    /// Fences the current primary (stopped at once and kept stopped, so it never takes a
    /// write again), then promotes the standby that has replayed the most WAL (the first by
    /// name on a tie) and makes it ``primary``. A standby that does not answer within
    /// `probeDeadline` is passed over. The other standbys that answered are pointed at the new
    /// primary (they replayed no further than it, so they can follow its new timeline), and
    /// with synchronous replication the new primary waits for them as the old one waited
    /// for its standbys, if enough are left for the quorum; then the failover waits until
    /// they stream the new primary's timeline.
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
        var failover = Failover(oldPrimary: old.name, newPrimary: chosen.name, promotionTime: took, replayPositions: positions)
        let followers = candidates.filter { $0 !== chosen && positions[$0.name] != nil }
        guard let replication, !followers.isEmpty else { return failover }
        for follower in followers {
            try await follower.follow(chosen)
        }
        failover.repointed = followers.map(\.name)
        if followers.count >= replication.requiredSynchronous, replication.requiredSynchronous > 0 {
            failover.synchronousStandbyNames = replication.synchronousStandbyNames(followers.map(\.name))
            try await chosen.alterSystem(replication.primarySettings(standbyNames: followers.map(\.name)))
        }
        // A standby that can follow streams within a fraction of a second; 5 s bounds a failover
        // whose followers cannot.
        let following = Deadline.after(.seconds(5))
        if let timeline = try await Promotion.timeline(chosen.connectionOptions(applicationName: "indoubt-failover"), deadline: following) {
            for follower in followers {
                try await Promotion.waitUntilReceiving(
                    timeline: timeline, follower.connectionOptions(applicationName: "indoubt-failover"), name: follower.name, deadline: following)
            }
        }
        try await Self.waitUntilStreaming(
            primary: chosen, standbys: followers,
            replication: failover.synchronousStandbyNames.isEmpty ? Replication(standbys: followers.count, mode: .async) : replication,
            within: .seconds(5))
        return failover
    }
}
