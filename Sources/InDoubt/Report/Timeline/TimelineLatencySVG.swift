/// The lower plot: a point per write attempt at its completion time (x) and latency (y),
/// coloured by outcome, over the same fault bands as the timeline.
///
/// Hooks: `<svg id="latency">`, points `<circle class="point OUTCOME …">`, fault bands
/// `<g class="plot-fault-band" data-fault="NAME">`, aggregated ranges
/// `<line class="latency-range">`.
struct TimelineLatencySVG {
    var timeline: Timeline
    var selection: TimelineSelection
    var options: TimelineOptions

    private static let top = 26.0
    private static let plotHeight = 220.0

    func render() -> String {
        let geometry = TimelineGeometry(timeline: timeline)
        let colors = TimelineGeometry.faultColors(timeline.faults)
        let bottom = Self.top + Self.plotHeight
        let height = bottom + 40
        let writes = selection.detailed + selection.aggregated
        let maxLatency = Double(writes.map(\.latency).max() ?? 0) / 1e6
        let ticks = TimelineFormat.ticks(upTo: max(maxLatency * 1.08, 0.001), count: 5)
        let yMax = max(ticks.last ?? 1, maxLatency * 1.08, 0.001)
        func y(_ latency: Int64) -> Double { bottom - Self.plotHeight * (Double(latency) / 1e6) / yMax }

        var svg = "<svg id=\"latency\" class=\"plot\" "
        svg += "viewBox=\"0 0 \(c(TimelineGeometry.width)) \(c(height))\" width=\"\(c(TimelineGeometry.width))\" height=\"\(c(height))\" "
        svg += "role=\"img\" aria-label=\"latency of each write over time\">"
        svg += "<rect class=\"plot-bg\" x=\"\(c(TimelineGeometry.left))\" y=\"\(c(Self.top))\" width=\"\(c(geometry.plotWidth))\" height=\"\(c(Self.plotHeight))\"/>"

        var labelEnd = -Double.infinity
        for fault in timeline.faults {
            let x1 = geometry.x(fault.start), x2 = max(geometry.x(fault.end), x1 + 2)
            let name = TimelineFormat.escape(fault.name)
            svg += "<g class=\"plot-fault-band\" data-fault=\"\(name)\"><title>\(name)</title>"
            svg += "<rect x=\"\(c(x1))\" y=\"\(c(Self.top))\" width=\"\(c(x2 - x1))\" height=\"\(c(Self.plotHeight))\" fill=\"\(colors[fault.name] ?? "#ccc")\"/>"
            // Labels above the plot, skipped where they would overlap the previous one.
            if x1 >= labelEnd {
                svg += "<text class=\"fault-label\" x=\"\(c(x1 + 3))\" y=\"\(c(Self.top - 6))\">\(name)</text>"
                labelEnd = x1 + Double(fault.name.count) * 6.6 + 12
            }
            svg += "</g>"
        }

        svg += "<g class=\"axis latency-axis\">"
        for tick in ticks {
            let ty = bottom - Self.plotHeight * tick / yMax
            svg += "<line class=\"grid-line\" x1=\"\(c(TimelineGeometry.left))\" y1=\"\(c(ty))\" x2=\"\(c(TimelineGeometry.left + geometry.plotWidth))\" y2=\"\(c(ty))\"/>"
            svg += "<text class=\"tick\" x=\"\(c(TimelineGeometry.left - 6))\" y=\"\(c(ty + 4))\" text-anchor=\"end\">\(TimelineFormat.tick(tick)) ms</text>"
        }
        svg += "<text class=\"axis-title\" transform=\"translate(14 \(c(Self.top + Self.plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">latency (ms)</text></g>"
        svg += geometry.timeAxis(top: Self.top, bottom: bottom).replacingOccurrences(
            of: "time since the run started (s)", with: "completion time since the run started (s)")

        let bins = TimelineBins(
            writes: selection.aggregated, span: geometry.span, count: options.aggregateBins,
            key: { _ in 0 }, time: { $0.end })
        svg += "<g id=\"latency-ranges\">"
        for bin in bins.bins(for: 0) {
            let x = geometry.x(bin.start / 2 + bin.end / 2)
            svg += "<line class=\"latency-range\" x1=\"\(c(x))\" y1=\"\(c(y(bin.minLatency) + 1))\" x2=\"\(c(x))\" y2=\"\(c(y(bin.maxLatency) - 1))\" "
            svg += "stroke=\"\(TimelineGeometry.outcomeColors[bin.worst] ?? "#888")\"><title>\(TimelineFormat.escape(bin.description))</title></line>"
        }
        svg += "</g><g id=\"points\">"
        // Highlighted points last, so they are drawn on top.
        let ordered = selection.detailed.filter { selection.highlights[$0.element] == nil }
            + selection.detailed.filter { selection.highlights[$0.element] != nil }
        for write in ordered {
            let highlight = selection.highlights[write.element]
            let hover = TimelineSelection.hover(write, highlight: highlight, resolution: timeline.resolutions[write.element])
            svg += "<circle class=\"point \(write.outcome.rawValue)\(highlight.map { " " + $0.rawValue } ?? "")\" data-element=\"\(write.element)\" "
            svg += "cx=\"\(c(geometry.x(write.end)))\" cy=\"\(c(y(write.latency)))\" r=\"\(highlight == nil ? "2.5" : "5")\">"
            svg += "<title>\(TimelineFormat.escape(hover))</title></circle>"
        }
        return svg + "</g></svg>"
    }

    private func c(_ value: Double) -> String { TimelineFormat.coordinate(value) }
}
