import Foundation
@testable import InDoubt

/// Builds histories with explicit times (in milliseconds) for the timeline and `indoubt
/// check` tests: writes as invocation/completion pairs, faults as the nemesis records them
/// (an invocation, then `:ok`, with the fault's name in `fault`), and the final read.
struct TimedHistory {
    private(set) var operations: [HistoryOperation] = []

    private mutating func add(_ process: HistoryOperation.Process, _ type: HistoryOperation.Kind,
                              _ f: HistoryOperation.Function, at milliseconds: Double, value: Int? = nil,
                              values: [Int]? = nil, error: String? = nil, fault: String? = nil,
                              evidence: String? = nil, node: String? = nil, nodes: [String]? = nil) {
        operations.append(HistoryOperation(
            index: operations.count, time: Int64(milliseconds * 1_000_000), process: process, type: type, f: f,
            value: value, values: values, error: error, fault: fault, evidence: evidence, node: node, nodes: nodes))
    }

    /// A write of `element` by `client` from `start` to `end` (ms) that completes as `outcome`.
    mutating func write(_ element: Int, client: Int, from start: Double, to end: Double,
                        _ outcome: HistoryOperation.Kind, error: String? = nil) {
        add(.client(client), .invoke, .add, at: start, value: element)
        add(.client(client), outcome, .add, at: end, value: element,
            error: error ?? (outcome == .ok ? nil : "error"))
    }

    /// An invocation that never completes.
    mutating func invoke(_ element: Int, client: Int, at time: Double) {
        add(.client(client), .invoke, .add, at: time, value: element)
    }

    /// A fault that starts at `start` and, with `end`, is healed then.
    mutating func fault(_ name: String, from start: Double, to end: Double? = nil) {
        add(.nemesis, .invoke, .startFault, at: start - 1, fault: name)
        add(.nemesis, .ok, .startFault, at: start, fault: name)
        if let end {
            add(.nemesis, .invoke, .stopFault, at: end - 1, fault: name)
            add(.nemesis, .ok, .stopFault, at: end, fault: name)
        }
    }

    /// A topology fault as the nemesis records it on a cluster: invoked at `invoked` (or 1 ms
    /// before `start`), in force from `start` with the `nodes` it acted on, `node` and
    /// `evidence`; with `end`, healed then (`healEvidence` on the heal, with the same nodes).
    mutating func topologyFault(_ name: String, nodes: [String], node: String? = nil, invoked: Double? = nil,
                                from start: Double, to end: Double? = nil, evidence: String? = nil,
                                healEvidence: String? = nil) {
        add(.nemesis, .invoke, .startFault, at: invoked ?? start - 1, fault: name)
        add(.nemesis, .ok, .startFault, at: start, fault: name, evidence: evidence, node: node, nodes: nodes)
        if let end { heal(name, at: end, nodes: nodes, evidence: healEvidence) }
    }

    /// The nemesis's heal of `name` at `time` (ms), as the final heal records even a kill or
    /// a failover, which it cannot undo (then without nodes).
    mutating func heal(_ name: String, at time: Double, nodes: [String]? = nil, evidence: String? = nil) {
        add(.nemesis, .invoke, .stopFault, at: time - 1, fault: name)
        add(.nemesis, .ok, .stopFault, at: time, fault: name, evidence: evidence, nodes: nodes)
    }

    /// The final read by `client`, completing at `time`.
    mutating func read(_ values: [Int], client: Int, at time: Double) {
        add(.client(client), .invoke, .read, at: time - 5)
        add(.client(client), .ok, .read, at: time, values: values)
    }

    /// The history as `history.jsonl` text: the format's header line, then one JSON
    /// operation per line.
    func jsonLines() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: HistoryFormat.headerLine, as: UTF8.self) + "\n"
            + (try operations.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined())
    }

    /// Three clients, a partition, one unacknowledged survivor (6) and one lost write (5):
    /// 12 writes, client 3 does the final read.
    static let errorText = #"timeout: <COMMIT> sent, "no reply" & gone"#
    static var threeClients: TimedHistory {
        var history = TimedHistory()
        history.write(0, client: 0, from: 0, to: 10, .ok)
        history.write(1, client: 1, from: 1, to: 12, .ok)
        history.write(2, client: 2, from: 2, to: 14, .ok)
        history.write(3, client: 0, from: 12, to: 20, .ok)
        history.fault("partition", from: 90, to: 1150)
        history.write(4, client: 1, from: 110, to: 200, .fail, error: "connection refused")
        history.write(5, client: 2, from: 20, to: 80, .ok)
        history.write(6, client: 0, from: 100, to: 1100, .info, error: errorText)
        history.write(7, client: 1, from: 210, to: 1160, .info)
        history.write(8, client: 2, from: 100, to: 1100, .info)
        history.write(9, client: 0, from: 1200, to: 1210, .ok)
        history.write(10, client: 1, from: 1200, to: 1220, .ok)
        history.write(11, client: 2, from: 1200, to: 1230, .ok)
        // 5 was acknowledged but is gone; 6 was never acknowledged but is there.
        history.read([0, 1, 2, 3, 6, 9, 10, 11], client: 3, at: 1300)
        return history
    }
}
