import Foundation
import InDoubt
import Testing

@Suite("The ledger's intent log")
struct IntentLogTests {
    static func intent(_ txn: String, _ element: Int, client: Int = 0) -> IntentRecord {
        IntentRecord(kind: .intent, txn: txn, element: element, client: client)
    }

    static func outcome(_ txn: String, _ element: Int, _ outcome: HistoryOperation.Kind, client: Int = 0) -> IntentRecord {
        IntentRecord(kind: .outcome, txn: txn, element: element, client: client, outcome: outcome)
    }

    @Test("What is appended reads back in order")
    func roundTrip() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let log = IntentLog(url: folder.file("nested/intents.jsonl"))
        try log.reset()
        let records = [
            Self.intent("a", 1), Self.outcome("a", 1, .ok),
            Self.intent("b", 2, client: 1), Self.outcome("b", 2, .info, client: 1),
        ]
        for record in records {
            if record.kind == .intent { try await log.appendIntent(record) } else { try log.appendOutcome(record) }
        }
        log.close()
        #expect(try IntentLog.read(log.url) == records)
    }

    @Test("In doubt: intents whose outcome is info or missing; ok and fail are settled")
    func inDoubt() {
        let records = [
            Self.intent("a", 10), Self.outcome("a", 10, .ok),
            Self.intent("b", 11), Self.outcome("b", 11, .fail),
            Self.intent("c", 12, client: 2), Self.outcome("c", 12, .info, client: 2),
            Self.intent("d", 13, client: 3),  // the client died before it knew
        ]
        #expect(IntentLog.inDoubt(records) == [
            IndeterminateWrite(element: 12, client: 2, token: "c"),
            IndeterminateWrite(element: 13, client: 3, token: "d"),
        ])
    }

    @Test("A restarted client sees the log as it was; reset empties it for a new run")
    func reopenAndReset() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("intents.jsonl")
        let first = IntentLog(url: url)
        try first.reset()
        try await first.appendIntent(Self.intent("a", 1))
        first.close()
        let restarted = LedgerStrategy(intentLog: url)
        #expect(try restarted.inDoubtWrites() == [IndeterminateWrite(element: 1, client: 0, token: "a")])
        try restarted.intentLog.appendOutcome(Self.outcome("a", 1, .ok))
        #expect(try restarted.inDoubtWrites().isEmpty)
        try restarted.intentLog.reset()
        #expect(try IntentLog.read(url).isEmpty)
    }

    @Test("A partial last line (a crash mid-write) is skipped; damage before it is an error naming the line")
    func damagedLines() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let good = #"{"client":0,"element":1,"kind":"intent","txn":"a"}"#
        let torn = try folder.write(good + "\n" + #"{"client":0,"elem"#, to: "torn.jsonl")
        #expect(try IntentLog.read(torn) == [Self.intent("a", 1)])
        let damaged = try folder.write(good + "\nnot json\n" + good + "\n", to: "damaged.jsonl")
        #expect {
            try IntentLog.read(damaged)
        } throws: { error in
            String(describing: error).contains("line 2")
        }
        #expect(throws: IntentLogError.self) { try IntentLog.read(folder.file("missing.jsonl")) }
    }
}
