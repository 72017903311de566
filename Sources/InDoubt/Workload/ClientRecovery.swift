import Foundation

/// A `ledger` client restarted with nothing but its intent log, after it was killed with
/// COMMITs in flight: it fences the sessions its in-doubt writes ran on, then resolves them
/// from the ledger table.
///
/// The intent log records, before each transaction begins, the `application_name` its
/// session carries (unique to the client and to the run). The dead client's server sessions
/// may still hold open transactions, and its kernel may still be retransmitting a COMMIT,
/// so the recovery terminates every session with one of those names and waits until they
/// are gone (the fence); only then is "not in the ledger" final.
public struct ClientRecovery: Sendable {
    /// The intent log of the run to recover.
    public var intentLog: URL

    /// A recovery from the intent log at `intentLog`.
    public init(intentLog: URL) {
        self.intentLog = intentLog
    }

    /// What the recovery found and decided.
    public struct Report: Sendable, Codable, Equatable {
        /// One in-doubt write and its verdict.
        public struct Verdict: Sendable, Codable, Equatable {
            /// The element.
            public var element: Int
            /// The client that wrote it.
            public var client: Int
            /// Its ledger id.
            public var txn: String?
            /// `committed`, `aborted` or `unknown`.
            public var resolution: HistoryOperation.Resolution
            /// What the verdict rests on.
            public var evidence: String
        }

        /// The sessions fenced, by `application_name`.
        public var sessions: [String]
        /// How many server sessions were still alive and were terminated.
        public var fenced: Int
        /// The verdicts, in element order.
        public var verdicts: [Verdict]

        /// Whether every in-doubt write was resolved (committed or aborted).
        public var allResolved: Bool { verdicts.allSatisfy { $0.resolution != .unknown } }
    }

    /// Fences, then resolves, over a connection made with `options`, by `deadline`.
    public func run(options: ConnectionOptions, deadline: Deadline) async throws -> Report {
        let ledger = LedgerStrategy(intentLog: intentLog)
        let inDoubt = try ledger.inDoubtWrites()
        let sessions = try ledger.inDoubtSessions()
        let admin = try await PostgresConnection.connect(options, deadline: deadline)
        defer { admin.close() }
        let fenced = try await Fence.terminate(applicationNames: sessions, via: admin, deadline: deadline)
        let verdicts = try await ledger.resolve(inDoubt, admin: admin, deadline: deadline)
        return Report(
            sessions: sessions.sorted(), fenced: fenced,
            verdicts: inDoubt.map { write in
                let verdict = verdicts[write.element] ?? .unknown("no verdict")
                return Report.Verdict(
                    element: write.element, client: write.client, txn: write.token, resolution: verdict.resolution,
                    evidence: verdict.evidence)
            })
    }
}
