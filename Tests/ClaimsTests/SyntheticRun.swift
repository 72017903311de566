import InDoubt

/// A made-up run shaped like the article's, for rendering tests that need no server:
/// clients write in turn, a partition cuts them off for a while (the first write of each
/// client caught by it is indeterminate, the next ones fail after a timeout), then they
/// recover; one indeterminate write survives and one acknowledged write is lost (that
/// never happens with PostgreSQL, but the page must be able to show it).
enum SyntheticRun {
    /// The fault's name.
    static let fault = "partition"
    /// The client whose indeterminate write survives.
    static let survivorClient = 1
    /// The acknowledged write missing from the final read.
    static let lost = 7

    static let clients = 5
    static let writesPerClient = 80

    /// The history, in time order, indexed from 0, and the indeterminate write (of
    /// ``survivorClient``) that is in the final read.
    static func make() -> (operations: [HistoryOperation], survivor: Int) {
        let ms: Int64 = 1_000_000
        let partition = (start: 400 * ms, end: 1_900 * ms)
        var events: [(time: Int64, process: HistoryOperation.Process, type: HistoryOperation.Kind,
                      f: HistoryOperation.Function, value: Int?, values: [Int]?, error: String?)] = []
        events.append((partition.start - ms, .nemesis, .invoke, .startFault, nil, nil, fault))
        events.append((partition.start, .nemesis, .ok, .startFault, nil, nil, fault))
        events.append((partition.end - ms, .nemesis, .invoke, .stopFault, nil, nil, fault))
        events.append((partition.end, .nemesis, .ok, .stopFault, nil, nil, fault))
        var read: [Int] = []
        var survivor = -1
        var finished: Int64 = 0
        for client in 0..<clients {
            var time = Int64(client) * ms
            var caught = false
            for turn in 0..<writesPerClient {
                let element = turn * clients + client
                events.append((time, .client(client), .invoke, .add, element, nil, nil))
                let cut = time >= partition.start - 8 * ms && time < partition.end
                let type: HistoryOperation.Kind = !cut ? .ok : caught ? .fail : .info
                let latency = cut ? 1_000 * ms : (6 + Int64(element % 5)) * ms
                let error: String? = switch type {
                case .info: #"timeout: client deadline passed while waiting for the reply (sent: commit, statement: "COMMIT")"#
                case .fail: "connection to server failed: timeout <connect_timeout>"
                default: nil
                }
                caught = caught || cut
                time += latency
                events.append((time, .client(client), type, .add, element, nil, error))
                if type == .info && client == survivorClient { survivor = element }
                if (type == .ok && element != lost) || element == survivor { read.append(element) }
                time += ms
            }
            finished = max(finished, time)
        }
        events.append((finished + 20 * ms, .client(clients), .invoke, .read, nil, nil, nil))
        events.append((finished + 30 * ms, .client(clients), .ok, .read, nil, read, nil))
        let operations = events.enumerated()
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .enumerated()
            .map { index, event in
                let e = event.element
                let isFault = e.process == .nemesis  // its text is the fault's name
                return HistoryOperation(
                    index: index, time: e.time, process: e.process, type: e.type, f: e.f, value: e.value,
                    values: e.values, error: isFault ? nil : e.error, fault: isFault ? e.error : nil)
            }
        return (operations, survivor)
    }

    /// The same run on a primary n1 and a standby n2: the partition is a `replication-cut`
    /// of both nodes instead, and 600 ms into it a failover fences n1 and promotes n2 (100 ms
    /// later), as the nemesis records them, `nodes` included.
    static func makeReplicated() -> (operations: [HistoryOperation], survivor: Int) {
        let (operations, survivor) = make()
        let ms: Int64 = 1_000_000
        var replicated = operations.map { operation -> HistoryOperation in
            guard operation.process == .nemesis else { return operation }
            var cut = operation
            cut.fault = "replication-cut"
            if cut.type == .ok { cut.nodes = ["n1", "n2"]; cut.evidence = cut.f == .startFault ? "n1 drops n2; n2 drops n1" : nil }
            return cut
        }
        let fence = 1_000 * ms
        replicated.append(HistoryOperation(index: 0, time: fence, process: .nemesis, type: .invoke, f: .startFault, fault: "failover"))
        replicated.append(HistoryOperation(
            index: 0, time: fence + 100 * ms, process: .nemesis, type: .ok, f: .startFault, fault: "failover",
            evidence: "n1 fenced, n2 promoted in 0.1 seconds", node: "n2", promotion: 100 * ms, nodes: ["n1", "n2"]))
        let ordered = replicated.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
        return (ordered.enumerated().map { index, pair in
            var operation = pair.element
            operation.index = index
            return operation
        }, survivor)
    }
}
