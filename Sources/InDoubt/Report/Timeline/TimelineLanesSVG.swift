/// The upper plot: a strip of fault bands, on a replicated run a lane per database node
/// (``TimelineNodeLanesSVG``), then one lane per client with a bar per write attempt from
/// invocation to completion, coloured by outcome.
///
/// Stable hooks for tests and scripts: lanes are `<g class="lane" id="lane-N">`, bars
/// `<rect class="bar OUTCOME …" id="bar-K">`, aggregated bins `<rect class="bin">`, fault
/// bands `<g class="fault-band" id="fault-K" data-fault="NAME">` and their shading over the
/// lanes `<rect class="fault-shade">`, highlighted writes `<g class="marker unack|lost">`.
struct TimelineLanesSVG {
    var timeline: Timeline
    var selection: TimelineSelection
    var options: TimelineOptions

    private static let top = 8.0
    private static let faultRowHeight = 20.0
    private static let laneHeight = 34.0
    private static let barOffset = 16.0
    private static let barHeight = 14.0

    func render() -> String {
        let geometry = TimelineGeometry(timeline: timeline)
        let clients = timeline.clients
        let rows = TimelineGeometry.faultRows(timeline.faults)
        let colors = TimelineGeometry.faultColors(timeline.faults)
        let stripHeight = Double(max(rows.max().map { $0 + 1 } ?? 1, 1)) * Self.faultRowHeight
        // The node lanes (a replicated run only) sit between the fault strip and the clients.
        let nodeLanes = TimelineNodeLanesSVG(nodes: timeline.nodes, geometry: geometry, faultColors: colors)
        let nodesTop = Self.top + stripHeight + 6
        let lanesTop = Self.top + stripHeight + (nodeLanes.height > 0 ? 6 + nodeLanes.height : 0) + 18
        let lanesBottom = lanesTop + Double(max(clients.count, 1)) * Self.laneHeight
        let height = lanesBottom + 40
        let laneIndex = Dictionary(uniqueKeysWithValues: clients.enumerated().map { ($1, $0) })
        func laneTop(_ client: Int) -> Double { lanesTop + Double(laneIndex[client] ?? 0) * Self.laneHeight }

        var svg = "<svg id=\"timeline\" class=\"plot\" "
        svg += "viewBox=\"0 0 \(c(TimelineGeometry.width)) \(c(height))\" width=\"\(c(TimelineGeometry.width))\" height=\"\(c(height))\" "
        svg += "role=\"img\" aria-label=\"write attempts per client over time\">"

        // Lane backgrounds, then fault shading, then bars: the shading never hides a bar.
        svg += "<g id=\"lane-backgrounds\">"
        for (index, _) in clients.enumerated() {
            let y = lanesTop + Double(index) * Self.laneHeight
            svg += "<rect class=\"lane-bg\(index % 2 == 1 ? " odd" : "")\" x=\"\(c(TimelineGeometry.left))\" y=\"\(c(y))\" width=\"\(c(geometry.plotWidth))\" height=\"\(c(Self.laneHeight))\"/>"
        }
        svg += "</g>"
        svg += nodeLanes.backgrounds(top: nodesTop)
        svg += geometry.timeAxis(top: Self.top, bottom: lanesBottom)

        svg += "<g id=\"fault-strip\"><text class=\"strip-label\" x=\"\(c(TimelineGeometry.left - 8))\" y=\"\(c(Self.top + 14))\" text-anchor=\"end\">faults</text>"
        var shades = "<g id=\"fault-shades\">"
        for (index, fault) in timeline.faults.enumerated() {
            let x1 = geometry.x(fault.start), x2 = max(geometry.x(fault.end), x1 + 2)
            let y = Self.top + Double(rows[index]) * Self.faultRowHeight
            let color = colors[fault.name] ?? TimelineGeometry.faultPalette[0]
            let name = TimelineFormat.escape(fault.name)
            let label = fault.healed ? name : name + " (never healed)"
            let hover = "\(fault.name): \(TimelineFormat.seconds(fault.start)) → \(TimelineFormat.seconds(fault.end)) "
                + "(\(TimelineFormat.seconds(TimelineFormat.distance(from: fault.start, to: fault.end))))" + (fault.healed ? "" : ", still in force when the history ends")
            let fits = Double(label.count) * 6.6 + 10 <= x2 - x1
            svg += "<g class=\"fault-band\" id=\"fault-\(index)\" data-fault=\"\(name)\"><title>\(TimelineFormat.escape(hover))</title>"
            svg += "<rect x=\"\(c(x1))\" y=\"\(c(y))\" width=\"\(c(x2 - x1))\" height=\"\(c(Self.faultRowHeight - 3))\" fill=\"\(color)\"/>"
            svg += "<text class=\"fault-label\" x=\"\(c(fits ? x1 + 5 : x2 + 4))\" y=\"\(c(y + 13))\">\(label)</text></g>"
            shades += "<rect class=\"fault-shade\" data-fault=\"\(name)\" x=\"\(c(x1))\" y=\"\(c(lanesTop))\" width=\"\(c(x2 - x1))\" height=\"\(c(lanesBottom - lanesTop))\" fill=\"\(color)\"/>"
        }
        svg += "</g>" + shades + "</g>"
        svg += nodeLanes.lanes(top: nodesTop)

        let bins = TimelineBins(
            writes: selection.aggregated, span: geometry.span, count: options.aggregateBins,
            key: { $0.client }, time: { $0.start / 2 + $0.end / 2 })
        var markers = "<g id=\"markers\">"
        var labels = 0
        var barNumber = 0
        for client in clients {
            let y = laneTop(client)
            let count = timeline.writes.count { $0.client == client }
            svg += "<g class=\"lane\" id=\"lane-\(client)\" data-client=\"\(client)\">"
            svg += "<text class=\"lane-label\" x=\"\(c(TimelineGeometry.left - 8))\" y=\"\(c(y + 21))\" text-anchor=\"end\">client \(client)</text>"
            svg += "<text class=\"lane-count\" x=\"\(c(TimelineGeometry.left - 8))\" y=\"\(c(y + 31))\" text-anchor=\"end\">\(count) writes</text>"
            for bin in bins.bins(for: client) {
                let x1 = geometry.x(bin.start), x2 = max(geometry.x(bin.end), x1 + 1)
                let opacity = 0.25 + 0.75 * Double(bin.count) / Double(max(bins.maxCount, 1))
                svg += "<rect class=\"bin\" x=\"\(c(x1))\" y=\"\(c(y + Self.barOffset))\" width=\"\(c(x2 - x1))\" height=\"\(c(Self.barHeight))\" "
                svg += "fill=\"\(TimelineGeometry.outcomeColors[bin.worst] ?? "#888")\" fill-opacity=\"\(TimelineFormat.decimals(opacity, 2))\">"
                svg += "<title>\(TimelineFormat.escape(bin.description))</title></rect>"
            }
            for write in selection.detailed where write.client == client {
                let x1 = geometry.x(write.start), x2 = max(geometry.x(write.end), x1 + 1)
                let highlight = selection.highlights[write.element]
                let hover = TimelineSelection.hover(write, highlight: highlight, resolution: timeline.resolutions[write.element])
                svg += "<rect class=\"bar \(write.outcome.rawValue)\(highlight.map { " " + $0.rawValue } ?? "")\" id=\"bar-\(barNumber)\" data-element=\"\(write.element)\" "
                svg += "x=\"\(c(x1))\" y=\"\(c(y + Self.barOffset))\" width=\"\(c(x2 - x1))\" height=\"\(c(Self.barHeight))\">"
                svg += "<title>\(TimelineFormat.escape(hover))</title></rect>"
                barNumber += 1
                if let highlight {
                    markers += marker(highlight, write: write, x: (x1 + x2) / 2, y: y, labelled: labels < options.maxLabels, hover: hover)
                    labels += 1
                }
            }
            svg += "</g>"
        }
        svg += markers + "</g>"

        if let read = timeline.finalReadTime {
            let x = geometry.x(read)
            svg += "<g class=\"final-read\"><title>final read completed at \(TimelineFormat.seconds(read))</title>"
            svg += "<line x1=\"\(c(x))\" y1=\"\(c(lanesTop - 14))\" x2=\"\(c(x))\" y2=\"\(c(lanesBottom))\"/>"
            svg += "<text x=\"\(c(x - 3))\" y=\"\(c(lanesTop - 4))\" text-anchor=\"end\">final read</text></g>"
        }
        return svg + "</svg>"
    }

    /// A marker above a highlighted bar: a triangle (survivor) or a cross (lost), and the
    /// element's number.
    private func marker(_ highlight: TimelineHighlight, write: TimelineWrite, x: Double, y: Double,
                        labelled: Bool, hover: String) -> String {
        var svg = "<g class=\"marker \(highlight.rawValue)\" data-element=\"\(write.element)\"><title>\(TimelineFormat.escape(hover))</title>"
        let top = y + Self.barOffset - 6
        let x = max(x, TimelineGeometry.left + 6)  // clear of the lane's label
        switch highlight {
        case .unacknowledgedSurvivor:
            svg += "<path d=\"M\(c(x - 5)) \(c(top - 4))L\(c(x + 5)) \(c(top - 4))L\(c(x)) \(c(top + 4))Z\"/>"
        case .lost:
            svg += "<path d=\"M\(c(x - 4)) \(c(top - 4))L\(c(x + 4)) \(c(top + 4))M\(c(x + 4)) \(c(top - 4))L\(c(x - 4)) \(c(top + 4))\"/>"
        }
        if labelled {
            svg += "<text x=\"\(c(x + 7))\" y=\"\(c(top + 3))\">\(write.element)</text>"
        }
        return svg + "</g>"
    }

    private func c(_ value: Double) -> String { TimelineFormat.coordinate(value) }
}
