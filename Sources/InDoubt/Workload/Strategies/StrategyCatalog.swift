import Foundation

/// Every commit strategy by its command-line name, for `indoubt run --strategy` and
/// anything else that picks one by name.
public enum StrategyCatalog {
    /// One strategy: its name, what it does, and how to make one for a run.
    public struct Entry: Sendable {
        /// The name, as `--strategy` takes it.
        public var name: String
        /// One line on what it does and what it guarantees.
        public var summary: String
        /// Makes a fresh instance for a run whose output folder is the argument (the
        /// ledger keeps its intent log there; two-phase commit draws a fresh gid prefix).
        public var make: @Sendable (URL) -> any CommitStrategy
    }

    /// The strategies, in the order of the docs.
    public static let entries: [Entry] = [
        Entry(name: "naive", summary: "BEGIN; INSERT; COMMIT, errors reported as they are classified, nothing resolved (the article's client)",
              make: { _ in NaiveStrategy() }),
        Entry(name: "retry", summary: "re-run the same non-idempotent insert after any error (double-applies: claim 4)",
              make: { _ in BlindRetryStrategy() }),
        Entry(name: "retry-commit", summary: "re-send a lost COMMIT on a new connection and trust it (reports lost writes as acknowledged)",
              make: { _ in CommitRetryStrategy() }),
        Entry(name: "idempotent", summary: "unique request key, INSERT ... ON CONFLICT DO NOTHING, retried until acknowledged (claim 5)",
              make: { _ in IdempotentRetryStrategy() }),
        Entry(name: "ledger", summary: "client transaction id in a ledger table and a flushed intent log, resolved after fencing (claim 6)",
              make: { folder in LedgerStrategy(intentLog: folder.appendingPathComponent(RunFolder.intentLogFileName)) }),
        Entry(name: "txid", summary: "server transaction id recorded in the transaction, resolved with pg_xact_status after fencing (claim 7)",
              make: { _ in TransactionStatusStrategy() }),
        Entry(name: "2pc", summary: "PREPARE TRANSACTION / COMMIT PREPARED; prepared leftovers committed after fencing (claim 8)",
              make: { _ in TwoPhaseCommitStrategy() }),
    ]

    /// The names, in order.
    public static var names: [String] { entries.map(\.name) }

    /// A fresh strategy named `name` for a run writing to `runFolder`, or `nil`.
    public static func strategy(named name: String, runFolder: URL) -> (any CommitStrategy)? {
        entries.first { $0.name == name }?.make(runFolder)
    }
}
