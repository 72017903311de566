import Foundation
import InDoubt
import Testing

/// `indoubt check` is what CI runs on a recorded history: its exit code must turn red on a
/// client's bug (a wrong resolution, a "definitely failed" write that took place), not
/// only on a lost write.
@Suite("indoubt check: the verdict's exit code")
struct CheckVerdictTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Outcomes of elements 1, 2, 3 (all acknowledged but for these).
        var element2: HistoryOperation.Kind
        var resolution: HistoryOperation.Resolution?
        var read: [Int]
        var status: Int32
        var verdict: String
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "a misresolved write", element2: .info, resolution: .aborted, read: [1, 2, 3], status: 1,
             verdict: "invariants violated: 1 resolutions disagree with the final read"),
        Case(name: "a fail write present in the table", element2: .fail, resolution: nil, read: [1, 2, 3], status: 1,
             verdict: "invariants violated: 1 writes the client called definitely failed are in the final read"),
        Case(name: "a correctly resolved write (the control)", element2: .info, resolution: .committed, read: [1, 2, 3],
             status: 0, verdict: "invariants hold"),
    ]

    @Test("indoubt check exits 1 and says why, on a recorded history with", arguments: cases)
    func exitCode(row: Case) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-verdict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let recorder = try HistoryRecorder(file: folder.appendingPathComponent(RunFolder.historyFileName))
        for element in 1...3 {
            recorder.append(process: .client(0), type: .invoke, f: .add, value: element)
            let type = element == 2 ? row.element2 : .ok
            recorder.append(process: .client(0), type: type, f: .add, value: element, error: type == .ok ? nil : "server [40001]: made up")
        }
        if let resolution = row.resolution {
            recorder.append(process: .client(0), type: .ok, f: .resolve, value: 2, evidence: "made-up evidence", resolution: resolution)
        }
        recorder.append(process: .client(1), type: .invoke, f: .read)
        recorder.append(process: .client(1), type: .ok, f: .read, values: row.read)
        recorder.close()
        #expect(recorder.writeError == nil)

        let result = try await CLIHarness.run(["check", folder.path])
        #expect(result.status == row.status, "exit code \(result.status); stdout: \(result.stdout); stderr: \(result.stderr)")
        #expect(result.stdout.contains("\n\(row.verdict)\n"), "stdout: \(result.stdout)")
        let results = try RunResults.read(from: folder.appendingPathComponent(RunFolder.resultsFileName))
        #expect(results.invariantsHold == (row.status == 0))
        #expect(results.misresolved == (row.resolution == .aborted ? 1 : 0))
        #expect(results.failedButPresent == (row.element2 == .fail ? 1 : 0))
        #expect(results.lost == 0)
        let summary = try String(contentsOf: folder.appendingPathComponent(RunFolder.summaryFileName), encoding: .utf8)
        #expect(summary.hasSuffix("\(row.verdict)\n"))
    }
}
