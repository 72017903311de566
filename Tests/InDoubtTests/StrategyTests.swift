import Foundation
import Synchronization
@testable import InDoubt
import Testing

@Suite("Strategies: the pure parts")
struct StrategyTests {
    @Test("pg_xact_status strings map to verdicts; 'in progress' after fencing and NULL are unknown",
          arguments: [
              ("committed", HistoryOperation.Resolution.committed), ("aborted", .aborted),
              ("in progress", .unknown), (nil, .unknown), ("frozen", .unknown),
          ] as [(String?, HistoryOperation.Resolution)])
    func transactionStatusMapping(status: String?, expected: HistoryOperation.Resolution) {
        let verdict = TransactionStatusStrategy.verdict(forStatus: status, transaction: "7421")
        #expect(verdict.resolution == expected)
        #expect(verdict.evidence.contains("7421"))
    }

    @Test("Before PostgreSQL 13 the txid functions have their old names")
    func transactionStatusFunctions() {
        #expect(TransactionStatusStrategy.Functions.forServer(120017)
                == .init(current: "txid_current()::text", status: "txid_status", idType: "bigint",
                         next: "txid_snapshot_xmax(txid_current_snapshot())"))
        #expect(TransactionStatusStrategy.Functions.forServer(130000)
                == .init(current: "pg_current_xact_id()::text", status: "pg_xact_status", idType: "xid8",
                         next: "pg_snapshot_xmax(pg_current_snapshot())"))
        #expect(TransactionStatusStrategy.Functions.forServer(150018).status == "pg_xact_status")
    }

    @Test("A gid names its run and element, and maps back; other runs' gids do not")
    func twoPhaseGIDs() {
        let strategy = TwoPhaseCommitStrategy(gidPrefix: "indoubt_0123456789ab")
        #expect(strategy.gid(for: 215) == "indoubt_0123456789ab_215")
        #expect(strategy.element(inGID: "indoubt_0123456789ab_215") == 215)
        #expect(strategy.element(inGID: "indoubt_ffffffffffff_215") == nil)
        #expect(strategy.element(inGID: "indoubt_0123456789ab_") == nil)
        let fresh = [TwoPhaseCommitStrategy(), TwoPhaseCommitStrategy()].map(\.gidPrefix)
        #expect(fresh[0] != fresh[1])
        for prefix in fresh {
            #expect(prefix.count == "indoubt_".count + 12)
            #expect(prefix.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
        }
    }

    @Test("SQL literals and array parameters are quoted")
    func sqlText() {
        #expect(SQLText.literal("indoubt_1_7") == "'indoubt_1_7'")
        #expect(SQLText.literal("it's") == "'it''s'")
        #expect(SQLText.array(["1", "2"]) == #"{"1","2"}"#)
        #expect(SQLText.array([#"a"b\c"#]) == #"{"a\"b\\c"}"#)
        #expect(SQLText.array([]) == "{}")
    }

    @Test("A retried write that was indeterminate once stays indeterminate, whatever its last attempt says")
    func retriedFailureKeepsIndeterminate() {
        let refused = PostgresError(kind: .connect, message: "connection refused", sent: .nothing)
        let fail = WriteCompletion.failure(refused, earlierIndeterminate: false, token: "k", attempts: 3)
        #expect(fail.type == .fail)
        #expect(fail.token == "k")
        #expect(fail.attempts == 3)
        let info = WriteCompletion.failure(refused, earlierIndeterminate: true, token: "k", attempts: 4)
        #expect(info.type == .info)
        #expect(info.error?.contains("an earlier attempt was indeterminate") == true)
        #expect(info.attempts == 4)
        let lostCommit = PostgresError(kind: .timeout, message: "deadline", sent: .commit)
        #expect(WriteCompletion.failure(lostCommit, earlierIndeterminate: false, token: nil, attempts: 1).type == .info)
    }

    @Test("The idempotent resolver reads a request key's presence as committed and its absence as aborted")
    func idempotentVerdicts() {
        let present = "6f1c7d3e-0a4b-4c1e-9a7d-2b1e3c4d5e6f"
        let absent = "00000000-0000-4000-8000-000000000001"
        let verdicts = IdempotentRetryStrategy.verdicts([
            IndeterminateWrite(element: 1, client: 0, token: present.uppercased()),
            IndeterminateWrite(element: 2, client: 1, token: absent),
            IndeterminateWrite(element: 3, client: 2, token: nil),
        ], present: [present])
        #expect(verdicts.mapValues(\.resolution) == [1: .committed, 2: .aborted, 3: .unknown])
    }

    @Test("The progress printer shows each resolution on a line of its own")
    func progressShowsResolutions() {
        let lines = Lines()
        let printer = ProgressPrinter(width: 40) { lines.append($0) }
        printer.observe(HistoryOperation(index: 0, time: 0, process: .client(0), type: .info, f: .add, value: 215, error: "timeout"))
        printer.observe(HistoryOperation(
            index: 1, time: 1, process: .client(0), type: .ok, f: .resolve, value: 215,
            evidence: "transaction 796 is 'committed'", resolution: .committed))
        #expect(lines.all == ["215 :info\n", "--- 215 resolved committed: transaction 796 is 'committed' ---\n"])
    }

    @Test("The progress printer names a fault that failed, and a resolver that failed, with their errors")
    func progressShowsFailures() {
        let lines = Lines()
        let printer = ProgressPrinter(width: 40) { lines.append($0) }
        printer.observe(HistoryOperation(
            index: 0, time: 0, process: .nemesis, type: .fail, f: .startFault, error: "iptables: busy", fault: "partition"))
        printer.observe(HistoryOperation(
            index: 1, time: 1, process: .client(0), type: .fail, f: .resolve, value: 7,
            error: "the resolver failed: gone", resolution: .unknown))
        #expect(lines.all == [
            "--- fault partition started FAILED: iptables: busy ---\n",
            "--- 7 resolved unknown: no evidence: the resolver failed: gone ---\n",
        ])
    }
}

/// Collects printed text (for the progress printer).
private final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
