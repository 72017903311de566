/// A streaming-replication topology: `n1` the primary, `n2`… its standbys.
///
/// ```swift
/// let cluster = try await NamespaceCluster.start(
///     replication: Replication(standbys: 1, mode: .sync(.on)), installation: .newest())
/// ```
///
/// Each standby connects with `application_name` = its node name, so that
/// `synchronous_standby_names` and `pg_stat_replication` name it.
public struct Replication: Sendable, Hashable, CustomStringConvertible {
    /// What a commit on the primary waits for.
    public enum Mode: Sendable, Hashable {
        /// Nothing from the standbys: an acknowledged commit may exist only on the primary.
        case async
        /// The standbys that ``Replication/quorum`` asks for, to the given level.
        case sync(SynchronousCommit)
    }

    /// `synchronous_commit` for synchronous replication.
    public enum SynchronousCommit: String, Sendable, Hashable, CaseIterable {
        /// The standby has flushed the commit record.
        case on
        /// The standby has applied it (a read there sees it).
        case remoteApply = "remote_apply"
    }

    /// How `synchronous_standby_names` picks the standbys a commit waits for.
    public enum Quorum: Sendable, Hashable {
        /// Any `count` of the listed standbys (`ANY count (…)`; `sync_state` `quorum`).
        case any(Int)
        /// The first `count` of the list that are connected (`FIRST count (…)`; `sync`).
        case first(Int)
    }

    /// Where a standby's data folder comes from.
    public enum Seeding: String, Sendable, Hashable, CaseIterable {
        /// The cached `initdb` template, as the primary's: valid because the primary *is* that
        /// template plus the WAL it writes after it (same system identifier, same timeline),
        /// so the standby replays from the template's shutdown checkpoint. Only for a
        /// standby made when the cluster starts.
        case template
        /// `pg_basebackup` of the running primary: always valid, slower.
        case baseBackup = "base-backup"
    }

    /// How many standbys (1 or more).
    public var standbys: Int
    /// Asynchronous or synchronous.
    public var mode: Mode
    /// Which standbys a synchronous commit waits for.
    public var quorum: Quorum
    /// How standbys are made.
    public var seeding: Seeding

    /// Creates a topology.
    public init(standbys: Int = 1, mode: Mode = .async, quorum: Quorum = .any(1), seeding: Seeding = .template) {
        precondition(standbys >= 1, "replication needs at least one standby")
        self.standbys = standbys
        self.mode = mode
        self.quorum = quorum
        self.seeding = seeding
    }

    public var description: String {
        let kind = switch mode {
        case .async: "async"
        case .sync(let level): "sync (\(level.rawValue), \(synchronousStandbyNames(Self.standbyNames(standbys))))"
        }
        return "\(standbys) standby(s), \(kind), seeded from \(seeding.rawValue)"
    }

    /// The node names of `count` standbys: `n2`, `n3`, …
    public static func standbyNames(_ count: Int) -> [String] { (0..<count).map { "n\($0 + 2)" } }

    /// `synchronous_standby_names` for `names`: `ANY 1 (n2, n3)`, or empty for async.
    public func synchronousStandbyNames(_ names: [String]) -> String {
        guard case .sync = mode else { return "" }
        let list = "(" + names.joined(separator: ", ") + ")"
        return switch quorum {
        case .any(let count): "ANY \(count) \(list)"
        case .first(let count): "FIRST \(count) \(list)"
        }
    }

    /// How many standbys must be synchronous before the cluster counts as ready.
    public var requiredSynchronous: Int {
        guard case .sync = mode else { return 0 }
        return switch quorum {
        case .any(let count), .first(let count): count
        }
    }

    /// The primary's settings on top of the cluster's. Standbys get none of these, so a
    /// promoted standby waits for no one.
    public func primarySettings(standbyNames names: [String]) -> [String: String] {
        guard case .sync(let level) = mode else { return [:] }
        return ["synchronous_standby_names": synchronousStandbyNames(names), "synchronous_commit": level.rawValue]
    }

    /// The settings of node `index` (0 the primary).
    public func settings(forNode index: Int) -> [String: String] {
        index == 0 ? primarySettings(standbyNames: Self.standbyNames(standbys)) : Self.standbySettings
    }

    /// A standby's settings: retry a lost primary within 50 ms (PostgreSQL waits 5 s), so
    /// that a standby started beside its primary streams as soon as the primary listens.
    public static let standbySettings: [String: String] = ["wal_retrieve_retry_interval": "50ms"]

    /// The `pg_hba.conf` line that lets the cluster's subnet stream WAL.
    public static func hbaLine(subnet: String) -> String { "host replication all \(subnet).0/24 trust\n" }

    /// `primary_conninfo` for a standby named `name` following `host:port`.
    public static func primaryConninfo(host: String, port: Int, applicationName name: String) -> String {
        "host=\(host) port=\(port) user=postgres application_name=\(name) connect_timeout=2"
    }
}
