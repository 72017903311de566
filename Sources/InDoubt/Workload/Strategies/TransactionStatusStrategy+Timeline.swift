/// Resolution across a failover. A transaction id names one transaction only on the
/// timeline that assigned it: a promoted standby continues from the last id it replayed,
/// so the ids its old primary assigned but never sent it are first "in the future" there
/// (`pg_xact_status` raises "transaction ID … is in the future"), then, once the new
/// primary has handed them out again, the ids of *other* transactions, whose status
/// `pg_xact_status` gives without a word. So each write records, with its id, the timeline
/// of the server that assigned it, and a server on another timeline gets no say.
extension TransactionStatusStrategy {
    /// What a write records: its transaction id and the timeline of the server that
    /// assigned it. Its text, the write's token, is `ID@TIMELINE` (`745@1`).
    public struct Token: Sendable, Hashable, LosslessStringConvertible {
        /// The transaction id (`pg_current_xact_id()`, epoch included).
        public var transaction: UInt64
        /// The assigning server's timeline (from ``WALFileName``).
        public var timeline: UInt32

        /// Creates a token.
        public init(transaction: UInt64, timeline: UInt32) {
            self.transaction = transaction
            self.timeline = timeline
        }

        /// Parses `ID@TIMELINE`, both decimal; `nil` for anything else, a bare id included
        /// (a write that did not learn its timeline cannot be resolved safely after a failover).
        public init?(_ description: String) {
            let parts = description.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, let transaction = UInt64(parts[0]), let timeline = UInt32(parts[1]), timeline > 0 else {
                return nil
            }
            self.init(transaction: transaction, timeline: timeline)
        }

        /// The token of a write whose `INSERT … RETURNING` gave `transaction` and
        /// `walFile` (``WALFileName/currentSQL``); `nil` when either is missing or malformed.
        public init?(transaction: String?, walFile: String?) {
            guard let transaction = transaction.flatMap({ UInt64($0) }), let name = walFile.flatMap(WALFileName.init) else {
                return nil
            }
            self.init(transaction: transaction, timeline: name.timeline)
        }

        public var description: String { "\(transaction)@\(timeline)" }
    }

    /// What the resolving server says of a transaction id.
    public enum StatusAnswer: Sendable, Hashable, CustomStringConvertible {
        /// `pg_xact_status`'s answer (`nil` for SQL NULL).
        case status(String?)
        /// The id is at or past the server's next id (`pg_snapshot_xmax`): it never assigned
        /// it, and `pg_xact_status` would raise "transaction ID … is in the future".
        case inTheFuture(next: UInt64)

        public var description: String {
            switch self {
            case .status(let status?): return "its status here is '\(status)'"
            case .status(nil): return "its status here is NULL"
            case .inTheFuture(let next): return "it is in the future here (next id \(next))"
            }
        }
    }

    /// The verdict on a write's token from a server on `serverTimeline` that answered
    /// `answer` for its id. A server on another timeline than the one that assigned the id
    /// cannot tell (the id may name another transaction there, or none yet); nor can one
    /// for which the id is in the future; otherwise ``verdict(forStatus:transaction:)``.
    public static func verdict(for token: Token, answer: StatusAnswer, serverTimeline: UInt32) -> ResolutionVerdict {
        if token.timeline != serverTimeline {
            return .unknown(
                "transaction \(token.transaction) was assigned on timeline \(token.timeline), this server is on timeline "
                    + "\(serverTimeline): after a failover the id may name another transaction here, or none yet "
                    + "(\(answer)), so it says nothing about this write")
        }
        switch answer {
        case .inTheFuture(let next):
            return .unknown("transaction \(token.transaction) is in the future on this server (next id \(next)): it never assigned it")
        case .status(let status):
            return verdict(forStatus: status, transaction: String(token.transaction))
        }
    }
}
