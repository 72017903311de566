@testable import InDoubt
import Testing

/// When a replicated cluster counts as started: every standby streams, and with synchronous
/// replication each has taken its place in `synchronous_standby_names`.
@Suite("Replication readiness, read from pg_stat_replication")
struct ReplicationReadinessTests {
    typealias Sender = Replication.WALSender

    @Test("FIRST 1 (n2, n3): not ready while n2 still shows async and n3 stands in as sync; ready once n2 is sync")
    func firstWaitsForEveryStandbysRank() {
        let first = Replication(standbys: 2, mode: .sync(.remoteApply), quorum: .first(1))
        let settling = [Sender(name: "n2", state: "streaming", syncState: "async"),
                        Sender(name: "n3", state: "streaming", syncState: "sync")]
        #expect(!first.isStreaming(settling, standbys: ["n2", "n3"]))
        let settled = [Sender(name: "n2", state: "streaming", syncState: "sync"),
                       Sender(name: "n3", state: "streaming", syncState: "potential")]
        #expect(first.isStreaming(settled, standbys: ["n2", "n3"]))
    }

    @Test("ANY 1 (n2, n3): ready when both stream as quorum, not while one is catching up")
    func anyNeedsEveryStandbyStreaming() {
        let any = Replication(standbys: 2, mode: .sync(.on))
        #expect(any.isStreaming([Sender(name: "n2", state: "streaming", syncState: "quorum"),
                                 Sender(name: "n3", state: "streaming", syncState: "quorum")], standbys: ["n2", "n3"]))
        #expect(!any.isStreaming([Sender(name: "n2", state: "streaming", syncState: "quorum"),
                                  Sender(name: "n3", state: "catchup", syncState: "quorum")], standbys: ["n2", "n3"]))
        #expect(!any.isStreaming([Sender(name: "n2", state: "streaming", syncState: "quorum")], standbys: ["n2", "n3"]))
    }

    @Test("Asynchronous: every standby async and streaming is ready")
    func asyncIsReadyWhenStreaming() {
        let async = Replication(standbys: 2, mode: .async)
        #expect(async.isStreaming([Sender(name: "n2", state: "streaming", syncState: "async"),
                                   Sender(name: "n3", state: "streaming", syncState: "async")], standbys: ["n2", "n3"]))
        #expect(!async.isStreaming([Sender(name: "n2", state: "startup", syncState: "async")], standbys: ["n2"]))
    }
}
