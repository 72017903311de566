import Foundation

/// Re-checks a recorded run from its history alone (`indoubt check`): streams
/// `history.jsonl` through the ``Analysis`` (the checker and the timeline), then writes
/// `results.json`, `summary.txt` and `timeline.html` next to it.
///
/// The history holds the recorded final read, so no server is needed. What the history
/// does not hold (server version, backend, strategy, …) comes from the folder's existing
/// `results.json` when there is one; otherwise it is `unknown`, the clients are counted in
/// the history and the duration is the span of its writes.
///
/// A truncated history (a run killed mid-line) is checked as far as it goes and the
/// results say `complete: false`. A history without a final read is incomplete too.
public enum RunCheck {
    /// What a check found and wrote.
    public struct Outcome: Sendable {
        /// The history file that was checked.
        public var historyFile: URL
        /// Where the results were (or would be) written.
        public var folder: URL
        /// The checker's verdict.
        public var result: SetCheckResult
        /// `results.json`'s content.
        public var results: RunResults
        /// The article-style summary.
        public var summary: Summary
        /// How many complete operations the history holds.
        public var operationCount: Int
        /// `true` when the history ends with a partial line (a killed run).
        public var truncated: Bool
        /// Where the run's description came from: `results.json` or `the history`.
        public var runInfoSource: String
        /// Warnings worth printing (a truncated history, an unreadable `results.json`, …).
        public var notes: [String]
        /// The files written, in order; empty when asked not to write.
        public var written: [URL]

        /// The invariants hold (``SetCheckResult/invariantsHold``): a final read, nothing
        /// lost, nothing unexpected, nothing misresolved, no failed write present.
        public var invariantsHold: Bool { result.invariantsHold }
    }

    /// Finds the history to check: `path` is a run folder (its `history.jsonl`) or a
    /// history file. Returns the history file and the folder results go to.
    ///
    /// - Throws: ``RunCheckError``.
    public static func locate(_ path: URL) throws -> (historyFile: URL, folder: URL) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder) else {
            throw RunCheckError.notFound(path)
        }
        if isFolder.boolValue {
            let file = path.appendingPathComponent(RunFolder.historyFileName)
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw RunCheckError.noHistory(folder: path)
            }
            return (file, path)
        }
        return (path, path.deletingLastPathComponent())
    }

    /// Checks the run at `path` (a run folder or a history file) and, with `write`, writes
    /// `results.json`, `summary.txt` and `timeline.html` into its folder. Nothing is written
    /// unless the whole history could be read.
    ///
    /// - Throws: ``RunCheckError``.
    public static func check(
        _ path: URL, write: Bool = true, options: TimelineOptions = TimelineOptions()
    ) throws -> Outcome {
        let (historyFile, folder) = try locate(path)
        var analysis = Analysis()
        let scan: HistoryScan
        do {
            scan = try HistoryReader.forEachOperation(in: historyFile) { analysis.consume($0) }
        } catch let error as HistoryReadError {
            throw RunCheckError.unreadableHistory(error)
        }
        let result = analysis.result
        let timeline = analysis.timeline

        var notes: [String] = []
        if scan.truncated {
            notes.append("history truncated: the last line of \(historyFile.path) is partial (the run was killed); "
                + "checked the \(scan.count) complete operations before it")
        }
        if !result.hasFinalRead {
            notes.append("the history holds no final read: the run stopped before it; survivors, lost and "
                + "found writes are unknown")
        }
        let resultsFile = RunFolder(folder).results
        let (info, source, previouslyComplete) = runInfo(resultsFile: resultsFile, timeline: timeline, notes: &notes)
        let complete = !scan.truncated && result.hasFinalRead && previouslyComplete
        let conclusion = analysis.conclude(run: info, complete: complete)

        var written: [URL] = []
        if write {
            do {
                written = try conclusion.store(in: RunFolder(folder), options: options)
            } catch let error as ReportError {
                throw RunCheckError.cannotWrite(error)
            }
        }
        return Outcome(
            historyFile: historyFile, folder: folder, result: result, results: conclusion.results, summary: conclusion.summary,
            operationCount: scan.count, truncated: scan.truncated, runInfoSource: source, notes: notes,
            written: written)
    }

    /// The run's description: from `results.json` when it reads, else from the history.
    /// Also returns where it came from and whether the earlier results said `complete`.
    private static func runInfo(
        resultsFile: URL, timeline: Timeline, notes: inout [String]
    ) -> (RunInfo, String, Bool) {
        if FileManager.default.fileExists(atPath: resultsFile.path) {
            do {
                let previous = try RunResults.read(from: resultsFile)
                let info = RunInfo(
                    postgresVersion: previous.postgresVersion, backend: previous.backend, fault: previous.fault,
                    strategy: previous.strategy, clients: previous.clients, durationSeconds: previous.durationS,
                    client: previous.client, fenced: previous.fenced)
                return (info, RunFolder.resultsFileName, previous.complete)
            } catch {
                notes.append("\(error) Using what the history says instead; \(resultsFile.path) will be replaced.")
            }
        }
        var faultNames: [String] = []
        for fault in timeline.faults where !faultNames.contains(fault.name) { faultNames.append(fault.name) }
        let start = timeline.writes.map(\.start).min() ?? 0
        let end = timeline.writes.map(\.end).max() ?? 0
        let info = RunInfo(
            postgresVersion: "unknown", backend: "unknown",
            fault: faultNames.isEmpty ? "unknown" : faultNames.joined(separator: "+"), strategy: "unknown",
            clients: timeline.clients.count,
            durationSeconds: Double(TimelineFormat.distance(from: start, to: end)) / 1e9)
        return (info, "the history", true)
    }
}
