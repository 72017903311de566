@testable import InDoubt
import Testing

/// The pure rules behind resolving a transaction id across a failover (claim R4): which
/// timeline a WAL file name says, what a txid token holds, and when a status counts.
@Suite("txid across a failover: timelines, tokens and the verdict rule")
struct TransactionTimelineTests {
    typealias Strategy = TransactionStatusStrategy

    @Test("A WAL file name's first 8 hex digits are its timeline", arguments: [
        ("000000010000000000000003", 1), ("000000020000000000000003", 2), ("0000000A00000001000000FF", 10),
        ("0000000a00000001000000ff", 10), ("FFFFFFFF0000000000000001", 0xFFFF_FFFF),
    ] as [(String, UInt32)])
    func timelineOfAWALFile(name: String, timeline: UInt32) throws {
        let parsed = try #require(WALFileName(name))
        #expect(parsed.timeline == timeline)
        #expect(parsed.description == name.uppercased(), "prints back as PostgreSQL names it")
    }

    @Test("Anything but 24 hex digits with a timeline from 1 is no WAL file name", arguments: [
        "", "00000001000000000000003", "0000000100000000000000033", "00000002.history",
        "000000010000000000000003.partial", "00000001000000000000000G", " 000000010000000000000003",
        "000000000000000000000003",
    ])
    func notAWALFile(name: String) {
        #expect(WALFileName(name) == nil)
    }

    @Test("The segment number's parts follow the timeline")
    func segmentParts() {
        #expect(WALFileName("0000000300000012000000AB") == WALFileName(timeline: 3, log: 0x12, segment: 0xAB))
    }

    @Test("A token is ID@TIMELINE; a bare id, or a timeline of 0, is no token")
    func tokens() throws {
        let token = try #require(Strategy.Token("745@1"))
        #expect(token == Strategy.Token(transaction: 745, timeline: 1))
        #expect(token.description == "745@1")
        #expect(Strategy.Token("4294968041@2")?.transaction == 4_294_968_041, "an id past the first epoch")
        for text in ["745", "745@", "@1", "745@0", "745@1@2", "x@1", "745@-1", ""] {
            #expect(Strategy.Token(text) == nil, "\(text)")
        }
        #expect(Strategy.Token(transaction: "745", walFile: "000000020000000000000003") == Strategy.Token(transaction: 745, timeline: 2))
        #expect(Strategy.Token(transaction: nil, walFile: "000000020000000000000003") == nil)
        #expect(Strategy.Token(transaction: "745", walFile: "00000002.history") == nil)
    }

    @Test("On the timeline that assigned the id, pg_xact_status decides as before")
    func sameTimeline() {
        let token = Strategy.Token(transaction: 745, timeline: 2)
        #expect(Strategy.verdict(for: token, answer: .status("committed"), serverTimeline: 2).resolution == .committed)
        #expect(Strategy.verdict(for: token, answer: .status("aborted"), serverTimeline: 2).resolution == .aborted)
        #expect(Strategy.verdict(for: token, answer: .status("in progress"), serverTimeline: 2).resolution == .unknown)
        #expect(Strategy.verdict(for: token, answer: .status(nil), serverTimeline: 2).resolution == .unknown)
    }

    @Test("On another timeline every status is unknown, and the evidence names both timelines and the status it ignored",
          arguments: ["committed", "aborted", "in progress", nil] as [String?])
    func otherTimeline(status: String?) {
        let verdict = Strategy.verdict(for: Strategy.Token(transaction: 745, timeline: 1), answer: .status(status), serverTimeline: 2)
        #expect(verdict.resolution == .unknown)
        #expect(verdict.evidence.contains("transaction 745 was assigned on timeline 1, this server is on timeline 2"))
        #expect(verdict.evidence.contains(status.map { "'\($0)'" } ?? "NULL"))
    }

    @Test("An id in the future of the resolving server is unknown, on any timeline")
    func inTheFuture() {
        let token = Strategy.Token(transaction: 745, timeline: 2)
        let verdict = Strategy.verdict(for: token, answer: .inTheFuture(next: 740), serverTimeline: 2)
        #expect(verdict.resolution == .unknown)
        #expect(verdict.evidence == "transaction 745 is in the future on this server (next id 740): it never assigned it")
        #expect(Strategy.verdict(for: token, answer: .inTheFuture(next: 740), serverTimeline: 3).resolution == .unknown)
    }
}
