/// What a failover did (``NamespaceCluster/failover(probeDeadline:)``,
/// ``ComposeCluster/failover(probeDeadline:)``): which node was fenced, which promoted, how long
/// the promotion took and how far each standby had replayed.
public struct Failover: Sendable, Hashable, CustomStringConvertible {
    /// The fenced old primary.
    public var oldPrimary: String
    /// The promoted standby, now the primary.
    public var newPrimary: String
    /// How long `pg_promote` took until the new primary accepted writes.
    public var promotionTime: Duration
    /// How far each reachable standby had replayed when the choice was made.
    public var replayPositions: [String: LogSequenceNumber]
    /// The other standbys, now streaming from the new primary.
    public var repointed: [String] = []
    /// The new primary's `synchronous_standby_names` (empty: it waits for no one).
    public var synchronousStandbyNames = ""

    public var description: String {
        let positions = replayPositions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var text = "\(oldPrimary) fenced, \(newPrimary) promoted in \(promotionTime) (replayed: \(positions))"
        if !repointed.isEmpty { text += "; \(repointed.joined(separator: ", ")) now follow \(newPrimary)" }
        if !synchronousStandbyNames.isEmpty { text += ", which waits for \(synchronousStandbyNames)" }
        return text
    }
}
