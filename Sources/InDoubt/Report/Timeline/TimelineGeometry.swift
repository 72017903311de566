/// Shared geometry and colours of the two plots, so that their time axes line up.
struct TimelineGeometry {
    /// The SVG width, in user units (pixels at 100 %).
    static let width = 1200.0
    /// Room for lane labels on the left.
    static let left = 104.0
    /// Room on the right.
    static let right = 28.0
    /// Fill colours of the outcomes.
    static let outcomeColors: [TimelineOutcome: String] = [
        .ok: "#2e9e5b", .fail: "#d64541", .info: "#f29d12", .open: "#8d949b",
    ]
    /// Fill colours of fault bands, given out in order of first appearance of a name.
    static let faultPalette = ["#f4b6b2", "#b7d3f2", "#f7dc9c", "#c5e3bf", "#dcc6f0", "#f2c7e2"]
    /// Unacknowledged survivors' marker and outline.
    static let unacknowledgedColor = "#7b2cbf"
    /// Lost writes' marker and outline.
    static let lostColor = "#111111"

    /// The latest time drawn, in nanoseconds (at least 1).
    var span: Int64

    init(timeline: Timeline) {
        span = max(timeline.endTime, 1)
    }

    /// Width of the plotting area.
    var plotWidth: Double { Self.width - Self.left - Self.right }

    /// The x of a time.
    func x(_ time: Int64) -> Double {
        Self.left + plotWidth * Double(min(max(time, 0), span)) / Double(span)
    }

    /// One colour per distinct fault name.
    static func faultColors(_ faults: [TimelineFault]) -> [String: String] {
        var colors: [String: String] = [:]
        for fault in faults where colors[fault.name] == nil {
            colors[fault.name] = faultPalette[colors.count % faultPalette.count]
        }
        return colors
    }

    /// A row per fault so that overlapping windows never share a row (first fit).
    static func faultRows(_ faults: [TimelineFault]) -> [Int] {
        var rowEnds: [Int64] = []
        return faults.map { fault in
            if let row = rowEnds.firstIndex(where: { $0 <= fault.start }) {
                rowEnds[row] = fault.end
                return row
            }
            rowEnds.append(fault.end)
            return rowEnds.count - 1
        }
    }

    /// Vertical grid lines and tick labels of the time axis, from `top` to `bottom`.
    func timeAxis(top: Double, bottom: Double) -> String {
        let seconds = Double(span) / 1e9
        var svg = "<g class=\"axis time-axis\">"
        svg += "<line class=\"axis-line\" x1=\"\(c(Self.left))\" y1=\"\(c(bottom))\" x2=\"\(c(Self.left + plotWidth))\" y2=\"\(c(bottom))\"/>"
        for tick in TimelineFormat.ticks(upTo: seconds, count: 10) {
            let x = self.x(Int64(min(tick * 1e9, Double(span))))
            svg += "<line class=\"grid-line\" x1=\"\(c(x))\" y1=\"\(c(top))\" x2=\"\(c(x))\" y2=\"\(c(bottom))\"/>"
            svg += "<text class=\"tick\" x=\"\(c(x))\" y=\"\(c(bottom + 14))\" text-anchor=\"middle\">\(TimelineFormat.tick(tick)) s</text>"
        }
        svg += "<text class=\"axis-title\" x=\"\(c(Self.left + plotWidth / 2))\" y=\"\(c(bottom + 30))\" text-anchor=\"middle\">time since the run started (s)</text>"
        return svg + "</g>"
    }

    private func c(_ value: Double) -> String { TimelineFormat.coordinate(value) }
}
