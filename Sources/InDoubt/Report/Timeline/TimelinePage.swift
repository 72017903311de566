/// The whole `timeline.html`: a self-contained page (inline CSS and SVG, no script, no
/// font, image or link fetched from anywhere) with the run's description, the verdict,
/// the timeline, the latency plot and the summary table.
struct TimelinePage {
    var timeline: Timeline
    var result: SetCheckResult
    var results: RunResults
    var options: TimelineOptions

    func render() -> String {
        let selection = TimelineSelection(timeline: timeline, result: result, options: options)
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        html += "<title>InDoubt timeline: \(e(results.fault)), \(e(results.strategy))</title>"
        html += "<style>\(Self.css)</style></head><body>"
        html += "<h1>InDoubt run: fault \(e(results.fault)), strategy \(e(results.strategy))</h1>"
        html += "<p id=\"run-info\">PostgreSQL \(e(results.postgresVersion)) · backend \(e(results.backend)) · "
        html += "fault \(e(results.fault)) · strategy \(e(results.strategy)) · \(results.clients) clients · "
        html += "write phase \(TimelineFormat.decimals(results.durationS, 3)) s · \(timeline.writes.count) write attempts · "
        html += "\(timeline.operationCount) operations</p>"
        html += verdict()
        html += notes(selection)
        html += legend()
        html += "<h2>Writes per client</h2>"
        html += "<p class=\"hint\">Each bar runs from a write's invocation to its completion. Shaded: a fault in force. "
        html += "Hover over a bar, a point or a band for details.</p>"
        html += nodeHint()
        html += TimelineLanesSVG(timeline: timeline, selection: selection, options: options).render()
        html += "<h2>Latency over time</h2>"
        html += TimelineLatencySVG(timeline: timeline, selection: selection, options: options).render()
        html += "<h2>Summary</h2>"
        html += TimelineSummaryTable(result: result, results: results).render()
        html += "</body></html>\n"
        return html
    }

    private func verdict() -> String {
        if result.invariantsHold {
            return "<p id=\"verdict\" class=\"verdict pass\">Invariants hold: a final read exists, no acknowledged "
                + "write was lost, nothing unexpected was read, every resolution agrees with the read and no write "
                + "called definitely failed is in it.</p>"
        }
        let problems = result.invariantViolations.joined(separator: "; ")
        return "<p id=\"verdict\" class=\"verdict fail\">Invariants violated: \(e(problems)).</p>"
    }

    private func notes(_ selection: TimelineSelection) -> String {
        var notes: [(String, String)] = []
        if !results.complete {
            notes.append(("incomplete", "Incomplete history: the run was interrupted, so this page shows it as far as "
                + "the history goes. Writes without a completion are drawn grey, up to the end."))
        }
        if !selection.aggregated.isEmpty {
            notes.append(("aggregation-note", "This run has \(timeline.writes.count) write attempts: the page draws "
                + "\(selection.detailed.count) of them one by one (unacknowledged survivors, lost, indeterminate, "
                + "failed and unfinished writes, up to \(options.maxDetailedWrites)) and aggregates the other \(selection.aggregated.count) into "
                + "\(options.aggregateBins) time bins per lane (shade: how many) and, in the latency plot, into one "
                + "vertical range per bin. results.json lists every element."))
        }
        if !timeline.failedFaults.isEmpty {
            notes.append(("failed-faults", "Faults that could not be applied: "
                + timeline.failedFaults.joined(separator: "; ")))
        }
        if timeline.writes.isEmpty {
            notes.append(("no-writes", "The history holds no write."))
        }
        return notes.map { "<p class=\"note\" id=\"\($0.0)\">\(e($0.1))</p>" }.joined()
    }

    /// On a replicated run only: what the node lanes above the clients show.
    private func nodeHint() -> String {
        guard !timeline.nodes.isEmpty else { return "" }
        return "<p class=\"hint\" id=\"node-lanes-hint\">Above the clients, a lane per database node: the blue strip "
            + "while it was the primary, a bar per topology fault it took part in (cut, isolated, unreachable, paused, down, fenced), "
            + "▲ where a failover promoted it and a black bar where one fenced it. Hover for the fault's evidence.</p>"
    }

    private func legend() -> String {
        var items = TimelineOutcome.allCases.map { outcome in
            "<span class=\"key\"><span class=\"swatch\" style=\"background:\(TimelineGeometry.outcomeColors[outcome] ?? "#888")\"></span>"
                + "\(e(TimelineSelection.outcome(outcome)))</span>"
        }
        items.append("<span class=\"key\"><span class=\"swatch unack\"></span>unacknowledged survivor (▼ element)</span>")
        items.append("<span class=\"key\"><span class=\"swatch lost\"></span>lost (✕ element)</span>")
        for (name, color) in TimelineGeometry.faultColors(timeline.faults).sorted(by: { $0.key < $1.key }) {
            items.append("<span class=\"key\"><span class=\"swatch\" style=\"background:\(color)\"></span>fault: \(e(name))</span>")
        }
        if !timeline.nodes.isEmpty {
            items.append("<span class=\"key\"><span class=\"swatch\" style=\"background:\(TimelineNodeLanesSVG.primaryColor)\"></span>primary</span>")
            items.append("<span class=\"key\"><span class=\"swatch\" style=\"background:\(TimelineNodeLanesSVG.fencedColor)\"></span>fenced</span>")
        }
        return "<p id=\"legend\">" + items.joined() + "</p>"
    }

    private func e(_ text: String) -> String { TimelineFormat.escape(text) }

    private static let css = """
        body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:16px 24px;color:#1d2125;background:#fff;max-width:1220px}\
        h1{font-size:20px;margin:0 0 6px}h2{font-size:16px;margin:18px 0 4px}\
        p{margin:4px 0;font-size:13px}.hint{color:#5f6b76}\
        .verdict{font-weight:bold;padding:4px 8px;border-radius:4px;display:inline-block}\
        .verdict.pass{background:#e3f4e8;color:#1e6b3c}.verdict.fail{background:#fbe3e1;color:#9b1c1c}\
        .note{background:#fff6dd;border-left:4px solid #f29d12;padding:4px 8px}\
        #legend .key{display:inline-block;margin-right:14px;font-size:12px}\
        .swatch{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle;border:1px solid #0002}\
        .swatch.unack{background:#fff;border:2px solid #7b2cbf}.swatch.lost{background:#fff;border:2px solid #111}\
        svg.plot{display:block;max-width:100%;height:auto;font-size:11px}\
        .lane-bg{fill:#f7f8fa}.lane-bg.odd{fill:#eef0f3}.plot-bg{fill:#f7f8fa}\
        .fault-shade,.plot-fault-band rect{fill-opacity:.35;pointer-events:none}\
        .grid-line{stroke:#d5d9de;stroke-width:1}.axis-line{stroke:#7d868f}\
        .tick,.lane-count{fill:#5f6b76;font-size:10px}.lane-label{font-size:12px;font-weight:bold}\
        .axis-title,.strip-label{fill:#5f6b76;font-size:11px}.fault-label{font-size:11px;fill:#3a1d1b}\
        .bar.ok,.point.ok{fill:#2e9e5b}.bar.fail,.point.fail{fill:#d64541}\
        .bar.info,.point.info{fill:#f29d12}.bar.open,.point.open{fill:#8d949b}\
        .bar.unack,.point.unack{stroke:#7b2cbf;stroke-width:2}.bar.lost,.point.lost{stroke:#111;stroke-width:2}\
        .bar:hover,.point:hover{stroke:#000;stroke-width:2}\
        .marker.unack path{fill:#7b2cbf}.marker.lost path{stroke:#111;stroke-width:2.5;fill:none}\
        .marker.unack text{fill:#7b2cbf;font-weight:bold}.marker.lost text{fill:#111;font-weight:bold}\
        .latency-range{stroke-width:2.5;stroke-opacity:.6}\
        .final-read line{stroke:#1d2125;stroke-dasharray:4 3}.final-read text{font-size:10px;fill:#1d2125}\
        table{border-collapse:collapse;font-size:13px;margin-top:6px}\
        th,td{border:1px solid #d5d9de;padding:3px 8px;text-align:left;vertical-align:top}\
        thead th{background:#eef0f3}td.value{text-align:right;font-variant-numeric:tabular-nums}\
        td.elements{max-width:700px;word-break:break-word;font-family:"DejaVu Sans Mono",monospace;font-size:12px}\
        tr.bad th,tr.bad td{background:#fbe3e1}\
        pre{background:#f7f8fa;padding:8px;font-size:12px;display:inline-block}
        """
}
