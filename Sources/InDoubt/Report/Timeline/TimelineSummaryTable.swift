/// The summary table under the plots: every metric of `results.json`, with the elements it
/// names, and the article-style summary text.
struct TimelineSummaryTable {
    var result: SetCheckResult
    var results: RunResults

    /// How many elements a cell lists before it says how many more there are.
    static let elementLimit = 200

    func render() -> String {
        let rows: [(key: String, name: String, value: String, elements: String?)] = [
            ("total", "total (writes attempted)", "\(result.total)", nil),
            ("acknowledged", "acknowledged", "\(result.acknowledged)", nil),
            ("survivors", "survivors (distinct elements in the final read)", "\(result.survivors)", nil),
            ("lost", "lost (acknowledged, not read)", "\(result.lost.count)", list(result.lost)),
            ("unacknowledged_found", "unacknowledged writes found", "\(result.unacknowledgedFound.count)",
             list(result.unacknowledgedFound)),
            ("ack_rate", "ack rate", RateFormat.string(result.ackRate), nil),
            ("loss_rate", "loss rate", RateFormat.string(result.lossRate), nil),
            ("unacknowledged_success_rate", "unacknowledged but successful rate",
             RateFormat.string(result.unacknowledgedSuccessRate), nil),
            ("unexpected", "unexpected (read, never attempted)", "\(result.unexpected.count)", list(result.unexpected)),
            ("duplicates", "duplicates", "\(result.duplicates.count)", list(result.duplicates)),
            ("indeterminate", "indeterminate", "\(result.indeterminate.count)", list(result.indeterminate)),
            ("unresolved", "unresolved", "\(result.unresolved.count)", list(result.unresolved)),
            ("misresolved", "misresolved", "\(result.misresolved.count)", list(result.misresolved)),
            ("failed_but_present", "failed but present", "\(result.failedButPresent.count)",
             list(result.failedButPresent)),
            ("errored_applied", "errored, applied", "\(result.erroredApplied.count)", list(result.erroredApplied)),
            ("errored_not_applied", "errored, not applied", "\(result.erroredNotApplied.count)",
             list(result.erroredNotApplied)),
            ("writes_per_s", "attempted writes per second",
             results.writesPerS.map { TimelineFormat.decimals($0, 1) } ?? "n/a", nil),
        ]
        var html = "<table id=\"summary\"><thead><tr><th>metric</th><th>value</th><th>elements</th></tr></thead><tbody>"
        for row in rows {
            let bad = (row.key == "lost" || row.key == "unexpected" || row.key == "misresolved"
                || row.key == "failed_but_present") && row.value != "0"
            html += "<tr class=\"metric\(bad ? " bad" : "")\" data-metric=\"\(row.key)\"><th>\(TimelineFormat.escape(row.name))</th>"
            html += "<td class=\"value\">\(TimelineFormat.escape(row.value))</td>"
            html += "<td class=\"elements\">\(TimelineFormat.escape(row.elements ?? ""))</td></tr>"
        }
        html += "</tbody></table>"
        let summary = Summary(result, complete: results.complete, fenced: results.fenced ?? true, driver: results.driver)
        html += "<pre id=\"summary-text\">\(TimelineFormat.escape(summary.text))</pre>"
        return html
    }

    private func list<T: CustomStringConvertible>(_ elements: [T]) -> String? {
        elements.isEmpty ? nil : ElementListFormat.string(elements, limit: Self.elementLimit)
    }
}
