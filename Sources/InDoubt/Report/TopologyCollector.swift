/// Builds a ``TopologyReport`` from history operations, in order, as the checker does.
struct TopologyCollector: Sendable {
    private var finalReadNode: String?
    private var failoverBegan: Int64?
    private var failoverDone: (time: Int64, node: String?, promotion: Int64?)?
    private var firstAcknowledgedAfter: Int64?
    private var hadTopologyFault = false

    /// Feeds one operation.
    mutating func consume(_ operation: HistoryOperation) {
        switch (operation.f, operation.type) {
        case (.read, .ok):
            finalReadNode = operation.node
        case (.startFault, _):
            guard let name = operation.fault, let kind = Fault.Kind(rawValue: name), kind.isTopologyFault else { return }
            hadTopologyFault = true
            guard kind == .failover, failoverDone == nil else { return }
            if operation.type == .invoke { failoverBegan = operation.time }
            if operation.type == .ok { failoverDone = (operation.time, operation.node, operation.promotion) }
        case (.add, .ok):
            if let done = failoverDone, firstAcknowledgedAfter == nil, operation.time >= done.time {
                firstAcknowledgedAfter = operation.time
            }
        default:
            break
        }
    }

    /// The report so far.
    var report: TopologyReport {
        let failover = failoverDone.map { done in
            TopologyReport.Failover(
                promotedNode: done.node, promotionSeconds: done.promotion.map { Double($0) / 1e9 },
                failoverSeconds: Double(done.time - (failoverBegan ?? done.time)) / 1e9,
                firstAcknowledgedAfterSeconds: firstAcknowledgedAfter.map { Double($0 - done.time) / 1e9 })
        }
        return TopologyReport(finalReadNode: finalReadNode, failover: failover, hadTopologyFault: hadTopologyFault)
    }
}
