/// Builds the timeline's node lanes (``TimelineNode``) from the nemesis's operations, one at
/// a time, for ``TimelineCollector``. It reads only structured fields: a topology fault's
/// name (`fault`), the nodes it acted on (`nodes`, the primary of the moment first), the
/// promoted node (`node`) and the evidence for the hover, never the evidence's words.
///
/// - The first primary is the first node of the first topology fault that names nodes (a
///   fault on the primary, or a cut whose first end is the primary), from the run's start.
/// - A failover's invocation fences its first node (the old primary: its primary span ends
///   there, a `fenced` window and marker start); its `:ok` promotes the second (or `node`),
///   whose primary span starts there.
/// - `replication-cut`, `isolate-primary` and `pause-primary` windows run from `start-fault
///   :ok` to the first `stop-fault :ok` of the same name; `kill-primary` (down) and a fence
///   run to the end of the history, whatever heal the nemesis records for them.
/// - A history without `nodes` (one server, or written before the field existed) gives no
///   node lane.
struct TimelineNodeCollector: Sendable {
    private struct Open: Sendable {
        var fault: String
        var state: TimelineNode.State
        var nodes: [String]
        var start: Int64
        var evidence: String?
    }

    private var windows: [String: [TimelineNode.Window]] = [:]
    private var markers: [String: [TimelineNode.Marker]] = [:]
    private var open: [Open] = []
    private var primary: (node: String, start: Int64)?
    private var invoked: [String: Int64] = [:]

    /// Takes one more operation, in history order; all but the nemesis's fault operations
    /// are ignored.
    mutating func consume(_ operation: HistoryOperation) {
        guard operation.process == .nemesis, let name = operation.fault,
              let kind = Fault.Kind(rawValue: name), kind.isTopologyFault else { return }
        switch (operation.f, operation.type) {
        case (.startFault, .invoke):
            invoked[name] = operation.time
        case (.startFault, .ok):
            guard let nodes = operation.nodes, let first = nodes.first else { return }
            for node in nodes where windows[node] == nil { windows[node] = [] }
            if primary == nil { primary = (first, 0) }
            if kind == .failover {
                failover(nodes, promoted: nodes.dropFirst().first ?? operation.node, operation, began: invoked[name])
            } else if let state = Self.state(kind) {
                open.append(Open(fault: name, state: state, nodes: nodes, start: operation.time, evidence: operation.evidence))
            }
        case (.stopFault, .ok):
            // The nemesis's final heal also stops a kill and a failover, which undoes
            // neither: their nodes stay down or fenced to the end.
            guard kind.isHealable, let index = open.firstIndex(where: { $0.fault == name }) else { return }
            let window = open.remove(at: index)
            let evidence = [window.evidence, operation.evidence.map { "heal: \($0)" }].compactMap { $0 }.joined(separator: "; ")
            close(window, at: operation.time, ended: true, evidence: evidence.isEmpty ? nil : evidence)
        default:
            break
        }
    }

    /// The node lanes of everything consumed so far, in the nodes' natural order (`n1`,
    /// `n2`, …, `n10`); what is still in force runs to `endTime`.
    func nodes(endTime: Int64) -> [TimelineNode] {
        var copy = self
        for window in copy.open { copy.close(window, at: endTime, ended: false, evidence: window.evidence) }
        if let primary = copy.primary {
            copy.windows[primary.node, default: []].append(
                TimelineNode.Window(state: .primary, start: primary.start, end: endTime, ended: false))
        }
        return copy.windows.keys.sorted(by: TimelineNode.precedes).map { name in
            TimelineNode(
                name: name, windows: copy.windows[name, default: []].sorted { ($0.start, $0.end) < ($1.start, $1.end) },
                markers: copy.markers[name, default: []].sorted { $0.time < $1.time })
        }
    }

    /// The old primary stops being one when the failover begins (the fence comes first) and
    /// stays fenced; the promoted node is the primary from the failover's end.
    private mutating func failover(_ nodes: [String], promoted: String?, _ operation: HistoryOperation, began: Int64?) {
        let fenced = nodes[0]
        let fence = min(began ?? operation.time, operation.time)
        if let primary, primary.node == fenced {
            windows[fenced, default: []].append(
                TimelineNode.Window(state: .primary, start: primary.start, end: fence, ended: true))
            self.primary = nil
        }
        open.append(Open(fault: operation.fault ?? "failover", state: .fenced, nodes: [fenced], start: fence, evidence: operation.evidence))
        markers[fenced, default: []].append(TimelineNode.Marker(kind: .fenced, time: fence, evidence: operation.evidence))
        guard let promoted else { return }
        if windows[promoted] == nil { windows[promoted] = [] }
        markers[promoted, default: []].append(TimelineNode.Marker(kind: .promoted, time: operation.time, evidence: operation.evidence))
        primary = (promoted, operation.time)
    }

    private mutating func close(_ window: Open, at end: Int64, ended: Bool, evidence: String?) {
        for node in window.nodes {
            windows[node, default: []].append(TimelineNode.Window(
                state: window.state, fault: window.fault, start: window.start, end: max(end, window.start),
                ended: ended, evidence: evidence))
        }
    }

    /// The state a fault puts its nodes in (a failover is handled on its own).
    private static func state(_ kind: Fault.Kind) -> TimelineNode.State? {
        switch kind {
        case .replicationCut: return .cut
        case .isolatePrimary: return .isolated
        case .clientCut: return .unreachable
        case .killPrimary: return .down
        case .pausePrimary: return .paused
        default: return nil
        }
    }
}
