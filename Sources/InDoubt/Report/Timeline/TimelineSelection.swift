/// Why a write is highlighted on the page.
enum TimelineHighlight: String {
    /// Never acknowledged, yet in the final read.
    case unacknowledgedSurvivor = "unack"
    /// Acknowledged, yet absent from the final read.
    case lost
}

/// Which writes the page draws one by one, which it aggregates, and which it highlights.
struct TimelineSelection {
    /// Drawn one by one, in completion order.
    var detailed: [TimelineWrite]
    /// Drawn as time bins.
    var aggregated: [TimelineWrite]
    /// Highlighted elements.
    var highlights: [Int: TimelineHighlight]

    init(timeline: Timeline, result: SetCheckResult, options: TimelineOptions) {
        var highlights: [Int: TimelineHighlight] = [:]
        for element in result.lost { highlights[element] = .lost }
        for element in result.unacknowledgedFound { highlights[element] = .unacknowledgedSurvivor }
        self.highlights = highlights

        let writes = timeline.writes
        guard writes.count > options.maxDetailedWrites else {
            detailed = writes
            aggregated = []
            return
        }
        // Past the cap, acknowledged writes are all aggregated (so the lanes look alike
        // everywhere) and the telling ones are drawn one by one, most telling first:
        // highlighted, then info, open, fail; ties keep completion order.
        let telling = writes.indices.filter { highlights[writes[$0].element] != nil || writes[$0].outcome != .ok }
        let ranked = telling.sorted { left, right in
            let a = writes[left], b = writes[right]
            let aKey = (highlights[a.element] != nil ? 1 : 0, a.outcome.rank)
            let bKey = (highlights[b.element] != nil ? 1 : 0, b.outcome.rank)
            return aKey != bKey ? aKey > bKey : left < right
        }
        var keep = [Bool](repeating: false, count: writes.count)
        for index in ranked.prefix(options.maxDetailedWrites) { keep[index] = true }
        detailed = writes.indices.filter { keep[$0] }.map { writes[$0] }
        aggregated = writes.indices.filter { !keep[$0] }.map { writes[$0] }
    }

    /// The hover text of a write: element, client, outcome, latency, times, verdict, error
    /// or warning.
    static func hover(_ write: TimelineWrite, highlight: TimelineHighlight?,
                      resolution: HistoryOperation.Resolution?) -> String {
        var parts = [
            "element \(write.element)", "client \(write.client)", outcome(write.outcome),
            "latency \(TimelineFormat.milliseconds(write.latency))",
            "\(TimelineFormat.seconds(write.start)) → \(TimelineFormat.seconds(write.end))",
        ]
        if let attempt = write.attempt { parts.append("attempt \(attempt)") }
        switch highlight {
        case .unacknowledgedSurvivor?: parts.append("UNACKNOWLEDGED SURVIVOR: in the final read")
        case .lost?: parts.append("LOST: acknowledged, absent from the final read")
        case nil: break
        }
        if let resolution { parts.append("resolved \(resolution.rawValue)") }
        if let error = write.error { parts.append("error: \(error)") }
        if let warning = write.warning { parts.append("warning: \(warning)") }
        return parts.joined(separator: " · ")
    }

    /// The outcome in words.
    static func outcome(_ outcome: TimelineOutcome) -> String {
        switch outcome {
        case .ok: return "ok (acknowledged)"
        case .fail: return "fail (definitely not applied)"
        case .info: return "info (indeterminate)"
        case .open: return "open (never completed)"
        }
    }
}
