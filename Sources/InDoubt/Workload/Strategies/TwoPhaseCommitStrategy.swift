import Foundation

/// `2pc`: `BEGIN; INSERT; PREPARE TRANSACTION 'gid'; COMMIT PREPARED 'gid'`, with the gid
/// also written to the `indoubt_gids` ledger inside the transaction (one statement with the
/// element, no extra round trip).
///
/// The fault gate is passed before `PREPARE TRANSACTION`, the first message whose effect
/// outlives the session, or, with ``Gate/commitPrepared``, once PREPARE succeeded and right
/// before `COMMIT PREPARED` (an aligned fault there leaves a prepared transaction in doubt).
/// A lost reply to PREPARE, or any error once PREPARE succeeded, leaves the write
/// indeterminate; PREPARE answered with a `ROLLBACK` tag (the transaction had failed) is a
/// failure. After the heal and the fencing the resolver lists the
/// run's prepared transactions (their gids start with ``gidPrefix``), commits them all, and
/// then reads the ledger: a gid in it committed (either just now, or because COMMIT
/// PREPARED had applied), a gid not in it never got prepared and aborted when its session
/// was terminated. Claim 8: 0 unresolved, 0 misresolved, no prepared transaction left.
///
/// Needs `max_prepared_transactions` > 0 (``serverSettings``); PostgreSQL's default is 0.
public struct TwoPhaseCommitStrategy: CommitStrategy {
    /// Which message the strategy holds at the fault gate (``WriteContext/beforeCommit``).
    public enum Gate: String, Sendable {
        /// `PREPARE TRANSACTION`: an aligned fault hits the first phase.
        case prepare
        /// `COMMIT PREPARED`, after PREPARE was acknowledged: an aligned fault hits the
        /// second phase, so the transaction stays prepared for the resolver to finish.
        case commitPrepared
    }

    /// The prefix of every gid of this strategy instance (one per run): `indoubt_` and 12
    /// random hex digits.
    public let gidPrefix: String
    /// The message held at the fault gate.
    public let gateBefore: Gate

    /// Creates the strategy with a fresh gid prefix, or with `gidPrefix` (letters, digits
    /// and `_` only), passing the fault gate before `gateBefore`.
    public init(gidPrefix: String? = nil, gateBefore: Gate = .prepare) {
        let hex = String(UInt64.random(in: 0..<(1 << 48)), radix: 16)
        self.gidPrefix = gidPrefix ?? "indoubt_" + String(repeating: "0", count: 12 - hex.count) + hex
        self.gateBefore = gateBefore
    }

    public var name: String { "2pc" }

    /// The settings the server needs: room for one prepared transaction per client in
    /// flight, with a wide margin.
    public static let requiredSettings = ["max_prepared_transactions": "64"]

    public var serverSettings: [String: String] { Self.requiredSettings }

    /// The gid of `element`'s transaction: `<prefix>_<element>`.
    public func gid(for element: Int) -> String { "\(gidPrefix)_\(element)" }

    /// The element a gid of this run belongs to, or `nil` if it is not one of this run's.
    public func element(inGID gid: String) -> Int? {
        guard gid.hasPrefix(gidPrefix + "_") else { return nil }
        return Int(gid.dropFirst(gidPrefix.count + 1))
    }

    public func prepare(_ admin: any DatabaseConnection, deadline: Deadline) async throws {
        let setting = try await admin.query("SHOW max_prepared_transactions", deadline: deadline).rows.first?.string(0)
        guard let limit = setting.flatMap(Int.init), limit > 0 else {
            throw TwoPhaseCommitError(description:
                "2pc needs max_prepared_transactions > 0 but the server has \(setting ?? "no value"); "
                + "start it with -c max_prepared_transactions=\(Self.requiredSettings["max_prepared_transactions"] ?? "64")")
        }
        _ = try await admin.query(
            "DROP TABLE IF EXISTS indoubt_gids; CREATE TABLE indoubt_gids (gid text PRIMARY KEY)", deadline: deadline)
    }

    public func write(_ context: WriteContext) async -> WriteCompletion {
        let gid = gid(for: context.element)
        let deadline = context.deadline
        var prepared = false
        do {
            let connection = try await context.session.connection(deadline: deadline)
            _ = try await connection.query("BEGIN", deadline: deadline)
            _ = try await connection.query(
                "WITH ledger AS (INSERT INTO indoubt_gids (gid) VALUES ($1)) INSERT INTO set_app (element) VALUES ($2::int)",
                [gid, String(context.element)], deadline: deadline)
            if gateBefore == .prepare { await context.beforeCommit() }
            _ = try await connection.prepareTransaction(gid, deadline: deadline)
            prepared = true
            if gateBefore == .commitPrepared { await context.beforeCommit() }
            _ = try await connection.commitPrepared(gid, deadline: deadline)
            return WriteCompletion.ok.with(token: gid)
        } catch {
            context.session.reset()
            var completion = WriteCompletion.failure(error).with(token: gid)
            if prepared {
                // The transaction is prepared: it outlives the session and may yet commit.
                // Said for an indeterminate error too, so that the history tells a lost
                // COMMIT PREPARED from a lost PREPARE.
                completion.type = .info
                completion.error = "PREPARE TRANSACTION succeeded, then COMMIT PREPARED failed: \(completion.error ?? "")"
            }
            return completion
        }
    }

    public func resolve(_ writes: [IndeterminateWrite], admin: any DatabaseConnection, deadline: Deadline) async throws
        -> [Int: ResolutionVerdict] {
        // 1. Finish every prepared transaction of this run.
        let found = try await preparedGIDs(admin, deadline: deadline)
        var finished: Set<String> = []
        var failures: [String: String] = [:]
        for gid in found {
            do {
                // Through the tag check, like every COMMIT PREPARED of the harness.
                _ = try await admin.commitPrepared(gid, deadline: deadline)
                finished.insert(gid)
            } catch let error as PostgresError where [.server, .rolledBack, .client, .notReplicated].contains(error.kind) {
                failures[gid] = error.description
            }
        }
        let stillPrepared = try await preparedGIDs(admin, deadline: deadline)
        // 2. With none left, the ledger is the truth.
        let gids = writes.compactMap(\.token)
        var committed: Set<String> = []
        if !gids.isEmpty {
            let rows = try await admin.query(
                "SELECT gid FROM indoubt_gids WHERE gid = ANY($1::text[])", [SQLText.array(gids)], deadline: deadline).rows
            committed = Set(rows.compactMap { $0.string(0) })
        }
        var verdicts: [Int: ResolutionVerdict] = [:]
        for write in writes {
            guard let gid = write.token else {
                verdicts[write.element] = .unknown("no gid recorded")
                continue
            }
            if stillPrepared.contains(gid) {
                verdicts[write.element] = .unknown("\(gid) is still prepared: \(failures[gid] ?? "COMMIT PREPARED did not finish it")")
            } else if finished.contains(gid) {
                verdicts[write.element] = .committed("\(gid) was prepared; the resolver committed it")
            } else if committed.contains(gid) {
                verdicts[write.element] = .committed("\(gid) is in the gid ledger: COMMIT PREPARED had applied")
            } else {
                verdicts[write.element] = .aborted("\(gid) was never prepared: not in pg_prepared_xacts, not in the gid ledger")
            }
        }
        return verdicts
    }

    /// This run's transactions still prepared after the final read: after a fenced
    /// resolution none; unfenced, a PREPARE retransmitted after the heal lands after the
    /// resolver looked, and its transaction stays prepared, holding its locks.
    public func leftovers(admin: any DatabaseConnection, deadline: Deadline) async throws -> [String] {
        try await preparedGIDs(admin, deadline: deadline).map { "\($0) is prepared, after the resolution" }
    }

    /// This run's gids in `pg_prepared_xacts`, sorted.
    private func preparedGIDs(_ admin: any DatabaseConnection, deadline: Deadline) async throws -> [String] {
        let rows = try await admin.query(
            "SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND left(gid, $2::int) = $1 ORDER BY gid",
            [gidPrefix + "_", String(gidPrefix.count + 1)], deadline: deadline).rows
        return rows.compactMap { $0.string(0) }
    }
}

/// Two-phase commit cannot run on this server.
public struct TwoPhaseCommitError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var description: String
}
