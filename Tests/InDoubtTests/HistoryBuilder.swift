@testable import InDoubt

/// Builds hand-made histories for tests: numbers operations and gives them increasing times.
struct HistoryBuilder {
    private(set) var operations: [HistoryOperation] = []

    private mutating func add(_ process: HistoryOperation.Process, _ type: HistoryOperation.Kind,
                              _ f: HistoryOperation.Function, value: Int? = nil, values: [Int]? = nil,
                              resolution: HistoryOperation.Resolution? = nil) {
        operations.append(HistoryOperation(
            index: operations.count, time: Int64(operations.count) * 1_000, process: process,
            type: type, f: f, value: value, values: values,
            error: type == .fail || type == .info ? "error" : nil, resolution: resolution))
    }

    /// One write of `element` by `client`: an invocation, then a completion of `outcome`.
    mutating func write(_ element: Int, _ outcome: HistoryOperation.Kind, client: Int = 0) {
        add(.client(client), .invoke, .add, value: element)
        add(.client(client), outcome, .add, value: element)
    }

    /// An invocation alone (complete it later with ``complete(_:_:client:carryValue:)``, or
    /// never, as in a run that stopped mid-write).
    mutating func invoke(_ element: Int, client: Int = 0) {
        add(.client(client), .invoke, .add, value: element)
    }

    /// A completion of `client`'s pending write. Without `carryValue` the completion has no
    /// `value`, and the checker must pair it with the client's invocation.
    mutating func complete(_ element: Int, _ outcome: HistoryOperation.Kind, client: Int = 0,
                           carryValue: Bool = true) {
        add(.client(client), outcome, .add, value: carryValue ? element : nil)
    }

    /// A read that completes `.ok` with `values`.
    mutating func read(_ values: [Int], client: Int = 0) {
        add(.client(client), .invoke, .read)
        add(.client(client), .ok, .read, values: values)
    }

    /// A read that completes with `type` (not ok) and no values.
    mutating func failedRead(_ type: HistoryOperation.Kind, client: Int = 0) {
        add(.client(client), .invoke, .read)
        add(.client(client), type, .read)
    }

    /// A strategy's verdict on `element`.
    mutating func resolve(_ element: Int, _ resolution: HistoryOperation.Resolution) {
        add(.client(0), .ok, .resolve, value: element, resolution: resolution)
    }

    /// A nemesis fault start and stop.
    mutating func fault() {
        add(.nemesis, .info, .startFault)
        add(.nemesis, .info, .stopFault)
    }

    func check() -> SetCheckResult {
        SetChecker.check(operations)
    }
}

/// The article's run: 1000 writes over 5 clients, 950 ok, 48 fail, 2 info (215 and 218),
/// a partition in the middle, and a final read of the 950 plus 215 and 218.
enum ArticleRun {
    static let indeterminate: Set<Int> = [215, 218]
    static let failed: Set<Int> = Set(200..<250).subtracting(indeterminate)

    static var operations: [HistoryOperation] {
        var history = HistoryBuilder()
        // Five clients write concurrently: each batch of five is invoked, then completes
        // in another order.
        for batch in stride(from: 0, to: 1000, by: 5) {
            if batch == 200 { history.fault() }
            for element in batch..<batch + 5 {
                history.invoke(element, client: element % 5)
            }
            for element in (batch..<batch + 5).reversed() {
                let outcome: HistoryOperation.Kind =
                    indeterminate.contains(element) ? .info : failed.contains(element) ? .fail : .ok
                history.complete(element, outcome, client: element % 5)
            }
        }
        let read = (0..<1000).filter { !failed.contains($0) }
        history.read(read.reversed())  // order must not matter
        return history.operations
    }

    static let summary = """
        1000 total
        950 acknowledged
        952 survivors
        2 unacknowledged writes found! ヽ(´ー`)ノ
        (215 218)
        0.95 ack rate
        0.0 loss rate
        0.002105263 unacknowledged but successful rate
        """
}
