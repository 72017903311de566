import Foundation

/// The one analysis of a run, as Jepsen's `analyze!`: the set checker and the timeline, fed
/// from the same stream of history operations, and what they conclude (results.json,
/// summary.txt, timeline.html). `indoubt run` feeds it as the operations happen; `indoubt
/// check` and the Ctrl-C path feed it from history.jsonl (``RunCheck``).
public struct Analysis: Sendable {
    /// What the analysis concluded for one run, ready to be stored.
    public struct Conclusion: Sendable {
        /// The checker's verdict.
        public var result: SetCheckResult
        /// `results.json`'s content.
        public var results: RunResults
        /// The summary, in the article's words.
        public var summary: Summary
        /// The timeline's model (empty when the analysis kept none).
        public var timeline: Timeline

        /// Writes results.json, summary.txt and timeline.html into `folder`; returns the files.
        ///
        /// - Throws: ``ReportError/cannotWrite(file:reason:)``.
        @discardableResult
        public func store(in folder: RunFolder, options: TimelineOptions = TimelineOptions()) throws -> [URL] {
            try folder.store(results: results, summary: summary, timeline: timeline, result: result, options: options)
        }
    }

    private var checker = SetChecker()
    private var topologyCollector = TopologyCollector()
    private var collector: TimelineCollector?

    /// An analysis; without `timeline` (a run with no folder to store it in) only the checker
    /// runs.
    public init(timeline: Bool = true) {
        collector = timeline ? TimelineCollector() : nil
    }

    /// Feeds one operation, in history order, to every output.
    public mutating func consume(_ operation: HistoryOperation) {
        checker.consume(operation)
        topologyCollector.consume(operation)
        collector?.consume(operation)
    }

    /// The checker's verdict so far.
    public var result: SetCheckResult { checker.result() }

    /// The final read's node and the failover's timing, so far.
    public var topology: TopologyReport { topologyCollector.report }

    /// The timeline so far (empty when the analysis keeps none).
    public var timeline: Timeline { (collector ?? TimelineCollector()).timeline() }

    /// The conclusion for the run `info` describes; `complete` says whether the history is
    /// the whole run (a killed run's is not).
    public func conclude(run info: RunInfo, complete: Bool) -> Conclusion {
        let (result, topology) = (self.result, self.topology)
        return Conclusion(
            result: result, results: RunResults(result: result, run: info, complete: complete, topology: topology),
            summary: Summary(result, complete: complete, fenced: info.fenced ?? true, topology: topology, driver: info.driver), timeline: timeline)
    }
}
