/// The node lanes of the upper plot, between the fault strip and the client lanes, on the
/// same time axis: per database node a strip where it was the primary, a bar per topology
/// fault window it took part in (overlapping ones on rows of their own), and the
/// failover's marks. Drawn only for a run with topology faults (``Timeline/nodes``), with
/// inline colours and the page's existing CSS classes, so that any other page stays byte
/// for byte what it was.
///
/// Hooks: lanes `<g class="node-lane" id="node-NAME" data-node="NAME">`; primary spans
/// `<rect class="node-primary">`; windows `<g class="node-window STATE" data-state="STATE"
/// data-fault="FAULT">` (STATE: ``TimelineNode/State``); markers `<g class="node-marker
/// promoted|fenced">`; each with a `<title>` that carries the fault's evidence.
struct TimelineNodeLanesSVG {
    var nodes: [TimelineNode]
    var geometry: TimelineGeometry
    /// The fault bands' colours by fault name, so that a node's window matches its band.
    var faultColors: [String: String]

    static let primaryColor = "#1d4ed8"
    static let fencedColor = "#6b7280"
    private static let primaryTop = 3.0
    private static let primaryHeight = 6.0
    private static let rowTop = 12.0
    private static let rowHeight = 16.0
    private static let gap = 6.0

    /// Rows of fault windows per node (first fit; primary spans are on a strip of their own).
    private var rows: [[Int]] {
        nodes.map { node in
            TimelineGeometry.faultRows(node.windows.filter { $0.state != .primary }.map {
                TimelineFault(name: $0.fault ?? $0.state.rawValue, start: $0.start, end: $0.end, healed: $0.ended)
            })
        }
    }

    private func laneHeight(_ rows: [Int]) -> Double {
        Self.rowTop + Double(max(rows.max().map { $0 + 1 } ?? 1, 1)) * Self.rowHeight + 4
    }

    /// The room the lanes take, with the gap below them; 0 without nodes.
    var height: Double {
        nodes.isEmpty ? 0 : rows.map(laneHeight).reduce(0, +) + Self.gap
    }

    /// The lanes' shaded backgrounds, from `top` (drawn under the grid lines).
    func backgrounds(top: Double) -> String {
        guard !nodes.isEmpty else { return "" }
        var svg = "<g id=\"node-lane-backgrounds\">"
        var y = top
        for (index, rows) in rows.enumerated() {
            let height = laneHeight(rows)
            svg += "<rect class=\"node-lane-bg\" x=\"\(c(TimelineGeometry.left))\" y=\"\(c(y))\" "
            svg += "width=\"\(c(geometry.plotWidth))\" height=\"\(c(height - 1))\" fill=\"\(index % 2 == 1 ? "#e4eaf7" : "#eef2fb")\"/>"
            y += height
        }
        return svg + "</g>"
    }

    /// The lanes themselves, from `top`.
    func lanes(top: Double) -> String {
        guard !nodes.isEmpty else { return "" }
        var svg = "<g id=\"node-lanes\">"
        var y = top
        for (node, rows) in zip(nodes, rows) {
            svg += lane(node, rows: rows, top: y)
            y += laneHeight(rows)
        }
        return svg + "</g>"
    }

    private func lane(_ node: TimelineNode, rows: [Int], top: Double) -> String {
        let name = e(node.name)
        var svg = "<g class=\"node-lane\" id=\"node-\(name)\" data-node=\"\(name)\">"
        svg += "<text class=\"lane-label\" x=\"\(c(TimelineGeometry.left - 8))\" y=\"\(c(top + 17))\" text-anchor=\"end\">\(name)</text>"
        svg += "<text class=\"lane-count\" x=\"\(c(TimelineGeometry.left - 8))\" y=\"\(c(top + 27))\" text-anchor=\"end\">database node</text>"
        for span in node.primarySpans {
            let (x1, x2) = xs(span.start, span.end)
            let until = span.ended ? "until the failover fenced it" : "to the end of the history"
            svg += "<rect class=\"node-primary\" x=\"\(c(x1))\" y=\"\(c(top + Self.primaryTop))\" width=\"\(c(x2 - x1))\" "
            svg += "height=\"\(c(Self.primaryHeight))\" fill=\"\(Self.primaryColor)\">"
            svg += "<title>\(e("\(node.name) primary: \(s(span.start)) → \(s(span.end)), \(until)"))</title></rect>"
        }
        for (window, row) in zip(node.windows.filter { $0.state != .primary }, rows) {
            svg += self.window(window, node: node.name, top: top + Self.rowTop + Double(row) * Self.rowHeight)
        }
        for marker in node.markers {
            svg += self.marker(marker, node: node.name, top: top)
        }
        return svg + "</g>"
    }

    private func window(_ window: TimelineNode.Window, node: String, top: Double) -> String {
        let (x1, x2) = xs(window.start, window.end)
        let state = window.state.rawValue
        let fault = window.fault ?? state
        // A kill and a fence are for good: running to the end is what they do, not a missed heal.
        let forGood = window.state == .down || window.state == .fenced
        let label = state + (window.ended || forGood ? "" : " (never healed)")
        var hover = "\(node) \(state) (\(fault)): \(s(window.start)) → \(s(window.end)) "
            + "(\(s(TimelineFormat.distance(from: window.start, to: window.end))))"
        if forGood { hover += ", from then on" } else if !window.ended { hover += ", still in force when the history ends" }
        if let evidence = window.evidence { hover += " · evidence: \(evidence)" }
        let color = window.state == .fenced ? Self.fencedColor : faultColors[fault] ?? TimelineGeometry.faultPalette[0]
        let fits = Double(label.count) * 6.6 + 10 <= x2 - x1
        var svg = "<g class=\"node-window \(state)\" data-state=\"\(state)\" data-fault=\"\(e(fault))\"><title>\(e(hover))</title>"
        svg += "<rect x=\"\(c(x1))\" y=\"\(c(top))\" width=\"\(c(x2 - x1))\" height=\"\(c(Self.rowHeight - 3))\" fill=\"\(color)\""
        svg += window.state == .fenced ? " fill-opacity=\"0.45\"/>" : "/>"
        svg += "<text class=\"fault-label\" x=\"\(c(fits ? x1 + 5 : x2 + 4))\" y=\"\(c(top + 10.5))\">\(e(label))</text></g>"
        return svg
    }

    private func marker(_ marker: TimelineNode.Marker, node: String, top: Double) -> String {
        let x = max(geometry.x(marker.time), TimelineGeometry.left + 5)
        let kind = marker.kind.rawValue
        var hover = "\(node) \(kind) by the failover at \(s(marker.time))"
        if let evidence = marker.evidence { hover += " · evidence: \(evidence)" }
        var svg = "<g class=\"node-marker \(kind)\" data-node=\"\(e(node))\"><title>\(e(hover))</title>"
        switch marker.kind {
        case .promoted:
            let y = top + Self.primaryTop + Self.primaryHeight / 2
            svg += "<path d=\"M\(c(x - 6)) \(c(y + 6))L\(c(x + 6)) \(c(y + 6))L\(c(x)) \(c(y - 5))Z\" fill=\"\(Self.primaryColor)\"/>"
            // Left of the mark, where the node was not the primary yet and its strip is empty.
            let left = x - 8 - 8 * 6.6 >= TimelineGeometry.left
            svg += "<text class=\"fault-label\" x=\"\(c(left ? x - 8 : x + 8))\" y=\"\(c(y + 4))\"\(left ? " text-anchor=\"end\"" : "")>promoted</text>"
        case .fenced:
            svg += "<rect x=\"\(c(x - 1.5))\" y=\"\(c(top + 1))\" width=\"3\" height=\"\(c(Self.rowTop + Self.rowHeight - 4))\" fill=\"#111111\"/>"
        }
        return svg + "</g>"
    }

    private func xs(_ start: Int64, _ end: Int64) -> (Double, Double) {
        let x1 = geometry.x(start)
        return (x1, max(geometry.x(end), x1 + 2))
    }

    private func c(_ value: Double) -> String { TimelineFormat.coordinate(value) }
    private func e(_ text: String) -> String { TimelineFormat.escape(text) }
    private func s(_ nanoseconds: Int64) -> String { TimelineFormat.seconds(nanoseconds) }
}
