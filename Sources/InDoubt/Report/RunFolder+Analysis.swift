import Foundation

// In Report, not beside RunFolder in Store: writing the analysis needs the report's types,
// and Store sits below Report (README, "Layers").
extension RunFolder {
    /// Writes the analysis of a run: results.json, summary.txt and timeline.html, each
    /// replaced atomically. Returns the files written.
    ///
    /// - Throws: ``ReportError/cannotWrite(file:reason:)``.
    @discardableResult
    public func store(
        results: RunResults, summary: Summary, timeline: Timeline, result: SetCheckResult,
        options: TimelineOptions = TimelineOptions()
    ) throws -> [URL] {
        try results.write(to: self.results)
        do {
            try Data(summary.text.utf8).write(to: self.summary, options: .atomic)
        } catch {
            throw ReportError.cannotWrite(file: self.summary, reason: (error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
        let page = try TimelineReport.write(timeline: timeline, result: result, results: results, to: url, options: options)
        return [self.results, self.summary, page]
    }
}
