import Foundation
import Testing
@testable import InDoubt

@Suite("indoubt check (RunCheck)")
struct RunCheckTests {
    static let info = RunInfo(
        postgresVersion: "16.4", backend: "netns", fault: "partition", strategy: "naive", clients: 3,
        durationSeconds: 1.25)

    /// A healthy history: three clients, every write acknowledged and read back.
    static var healthy: TimedHistory {
        var history = TimedHistory()
        for element in 0..<9 {
            let start = Double(element) * 10
            history.write(element, client: element % 3, from: start, to: start + 8, .ok)
        }
        history.read(Array(0..<9), client: 3, at: 200)
        return history
    }

    static func files(in folder: TemporaryFolder) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
    }

    @Test("a complete run folder: same verdict, run info from its results.json, files rewritten")
    func completeFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let history = TimedHistory.threeClients
        _ = try folder.write(try history.jsonLines(), to: "history.jsonl")
        try RunResults(result: SetChecker.check(history.operations), run: Self.info).write(to: folder.file("results.json"))

        let outcome = try RunCheck.check(folder.url)
        #expect(outcome.historyFile == folder.file("history.jsonl"))
        #expect(outcome.operationCount == history.operations.count)
        #expect(!outcome.truncated)
        #expect(outcome.runInfoSource == "results.json")
        #expect(outcome.notes.isEmpty)
        #expect(outcome.results.complete)
        #expect(outcome.results.postgresVersion == "16.4")
        #expect(outcome.results.durationS == 1.25)
        #expect(outcome.result.lost == [5])
        #expect(outcome.result.unacknowledgedFound == [6])
        #expect(!outcome.invariantsHold, "an acknowledged write is lost")
        #expect(outcome.written.map(\.lastPathComponent) == ["results.json", "summary.txt", "timeline.html"])
        #expect(try Self.files(in: folder) == ["history.jsonl", "results.json", "summary.txt", "timeline.html"])

        let reread = try RunResults.read(from: folder.file("results.json"))
        #expect(reread == outcome.results)
        #expect(reread.lostElements == [5])
        let summary = try String(contentsOf: folder.file("summary.txt"), encoding: .utf8)
        #expect(summary == outcome.summary.text)
        #expect(summary.hasPrefix("12 total\n8 acknowledged\n8 survivors\n1 acknowledged writes lost!"))
        let html = try String(contentsOf: folder.file("timeline.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "class=\"lane\"").count - 1 == 3)
    }

    @Test("invariants that hold, and run info derived from the history when there is no results.json")
    func healthyWithoutResults() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var history = Self.healthy
        history.fault("partition", from: 30, to: 40)
        _ = try folder.write(try history.jsonLines(), to: "history.jsonl")

        let outcome = try RunCheck.check(folder.url)
        #expect(outcome.invariantsHold)
        #expect(outcome.runInfoSource == "the history")
        #expect(outcome.results.postgresVersion == "unknown")
        #expect(outcome.results.strategy == "unknown")
        #expect(outcome.results.backend == "unknown")
        #expect(outcome.results.fault == "partition")
        #expect(outcome.results.clients == 3, "the reader (client 3) wrote nothing")
        #expect(outcome.results.durationS == 0.088)
        #expect(outcome.summary.articleLines.contains("All 9 writes succeeded. :-D"))
        #expect(try RunResults.read(from: folder.file("results.json")).total == 9)
    }

    @Test("a bare history file: results go next to it")
    func bareFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(try Self.healthy.jsonLines(), to: "saved-run.jsonl")
        let outcome = try RunCheck.check(file)
        #expect(outcome.historyFile == file)
        #expect(outcome.folder.standardizedFileURL == folder.url.standardizedFileURL)
        #expect(outcome.results.fault == "unknown")
        #expect(try Self.files(in: folder) == ["results.json", "saved-run.jsonl", "summary.txt", "timeline.html"])
    }

    @Test("a truncated history is checked as far as it goes and says it is incomplete")
    func truncated() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var history = TimedHistory()
        history.write(0, client: 0, from: 0, to: 5, .ok)
        history.write(1, client: 1, from: 1, to: 6, .info)
        history.invoke(2, client: 0, at: 7)
        let text = try history.jsonLines() + #"{"f":"add","index":6,"process":1,"ti"#
        _ = try folder.write(text, to: "history.jsonl")

        let outcome = try RunCheck.check(folder.url)
        #expect(outcome.truncated)
        #expect(outcome.operationCount == 5)
        #expect(!outcome.results.complete)
        #expect(!outcome.invariantsHold, "no final read")
        #expect(outcome.result.total == 3)
        #expect(outcome.notes.first?.hasPrefix("history truncated: the last line of") == true)
        #expect(outcome.summary.extraLines.contains("incomplete history: the run was interrupted"))
        let json = try String(contentsOf: folder.file("results.json"), encoding: .utf8)
        #expect(json.contains("\"complete\" : false"))
        let html = try String(contentsOf: folder.file("timeline.html"), encoding: .utf8)
        #expect(html.contains("id=\"incomplete\""))
        #expect(html.contains("<rect class=\"bar open\""))
    }

    @Test("a corrupt, empty or missing history is an error that names the file, and nothing is written")
    func unreadable() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var lines = try Self.healthy.jsonLines().split(separator: "\n").map(String.init)
        lines[3] = "<html>not a history</html>"
        let corrupt = try folder.write(lines.joined(separator: "\n") + "\n", to: "history.jsonl")
        let error = try #require(throws: RunCheckError.self) { try RunCheck.check(folder.url) }
        guard case .unreadableHistory(.corruptLine(let file, let line, _)) = error else {
            Issue.record("expected a corrupt line, got \(error)")
            return
        }
        #expect(file == corrupt)
        #expect(line == 4)
        #expect(error.description.contains(corrupt.path))
        #expect(try Self.files(in: folder) == ["history.jsonl"])

        _ = try folder.write("", to: "history.jsonl")
        let empty = try #require(throws: RunCheckError.self) { try RunCheck.check(folder.url) }
        #expect(empty == .unreadableHistory(.empty(corrupt)))
        #expect(empty.description.contains("empty history: \(corrupt.path)"))
        #expect(try Self.files(in: folder) == ["history.jsonl"])

        try FileManager.default.removeItem(at: corrupt)
        let noHistory = try #require(throws: RunCheckError.self) { try RunCheck.check(folder.url) }
        #expect(noHistory == .noHistory(folder: folder.url))
        #expect(noHistory.description.contains("no history.jsonl in \(folder.url.path)"))

        let nowhere = folder.file("no-such-run")
        let missing = try #require(throws: RunCheckError.self) { try RunCheck.check(nowhere) }
        #expect(missing == .notFound(nowhere))
        #expect(missing.description.hasPrefix("nothing at \(nowhere.path): pass a run folder"))
        #expect(try Self.files(in: folder).isEmpty)
    }

    @Test("an unreadable results.json is replaced, with a note, and the run info comes from the history")
    func badResults() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try folder.write(try Self.healthy.jsonLines(), to: "history.jsonl")
        _ = try folder.write("{ not json", to: "results.json")
        let outcome = try RunCheck.check(folder.url)
        #expect(outcome.runInfoSource == "the history")
        #expect(outcome.notes.count == 1)
        #expect(outcome.notes.first?.contains("cannot read results from") == true)
        #expect(try RunResults.read(from: folder.file("results.json")).total == 9)
    }

    @Test("write: false checks without writing")
    func dryRun() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try folder.write(try Self.healthy.jsonLines(), to: "history.jsonl")
        let outcome = try RunCheck.check(folder.url, write: false)
        #expect(outcome.written.isEmpty)
        #expect(outcome.invariantsHold)
        #expect(try Self.files(in: folder) == ["history.jsonl"])
    }
}
