import Foundation

/// Writes `timeline.html`, the self-contained picture of a run: one lane per client with a
/// bar per write, fault windows, highlighted unacknowledged survivors and lost writes, a
/// latency plot and the summary table. See `docs/reports.md`.
///
/// At the end of a run, stream the history file (constant memory besides one small record
/// per write):
/// ```swift
/// try TimelineReport.write(historyFile: RunFolder(folder).history,
///                          result: outcome.result, results: outcome.results, to: folder)
/// ```
public enum TimelineReport {

    /// The page for a timeline, as HTML text.
    public static func html(
        timeline: Timeline, result: SetCheckResult, results: RunResults, options: TimelineOptions = TimelineOptions()
    ) -> String {
        TimelinePage(timeline: timeline, result: result, results: results, options: options).render()
    }

    /// The page for a history held in memory, as HTML text.
    public static func html(
        operations: some Sequence<HistoryOperation>, result: SetCheckResult, results: RunResults,
        options: TimelineOptions = TimelineOptions()
    ) -> String {
        html(timeline: TimelineCollector.timeline(operations), result: result, results: results, options: options)
    }

    /// Writes `timeline.html` into `folder` for a timeline already built (for instance by
    /// a ``TimelineCollector`` fed during a run or while re-checking), replacing it
    /// atomically. Returns the file written.
    ///
    /// - Throws: ``ReportError/cannotWrite(file:reason:)``.
    @discardableResult
    public static func write(
        timeline: Timeline, result: SetCheckResult, results: RunResults, to folder: URL,
        options: TimelineOptions = TimelineOptions()
    ) throws -> URL {
        let file = RunFolder(folder).timeline
        let page = html(timeline: timeline, result: result, results: results, options: options)
        do {
            try Data(page.utf8).write(to: file, options: .atomic)
        } catch {
            throw ReportError.cannotWrite(file: file, reason: (error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
        return file
    }

    /// Streams `historyFile` (``HistoryReader/forEachOperation(in:_:)``) and writes
    /// `timeline.html` into `folder`. Returns the file written. A truncated history is
    /// drawn as far as it goes.
    ///
    /// - Throws: ``HistoryReadError`` when the history cannot be read (nothing is written
    ///   then), ``ReportError/cannotWrite(file:reason:)``.
    @discardableResult
    public static func write(
        historyFile: URL, result: SetCheckResult, results: RunResults, to folder: URL,
        options: TimelineOptions = TimelineOptions()
    ) throws -> URL {
        var collector = TimelineCollector()
        try HistoryReader.forEachOperation(in: historyFile) { collector.consume($0) }
        return try write(timeline: collector.timeline(), result: result, results: results, to: folder, options: options)
    }

    /// Writes `timeline.html` into `folder` for a history held in memory. Returns the file.
    ///
    /// - Throws: ``ReportError/cannotWrite(file:reason:)``.
    @discardableResult
    public static func write(
        operations: some Sequence<HistoryOperation>, result: SetCheckResult, results: RunResults, to folder: URL,
        options: TimelineOptions = TimelineOptions()
    ) throws -> URL {
        try write(timeline: TimelineCollector.timeline(operations), result: result, results: results, to: folder, options: options)
    }
}
