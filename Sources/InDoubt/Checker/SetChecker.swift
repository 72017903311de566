/// A Jepsen-style checker for the set workload: which elements were attempted,
/// acknowledged, failed or indeterminate, what the final read returned, and what the
/// strategies resolved.
///
/// It consumes a history one operation at a time (so a history file can be streamed
/// through it) and keeps one small record per element.
///
/// How operations count:
/// - `.add` `.invoke`: the element was attempted (any number of retries count once).
/// - `.add` `.ok` / `.fail` / `.info`: a completion. Its element is its own `value`, or, if
///   that is missing, the value of the same process's pending invocation.
/// - `.read` `.ok`: a candidate final read; the last one after which no `.add` is recorded
///   wins (a history that ends with writes still going on has no final read). Its `values`
///   may hold duplicates. Every `.ok` read also counts its elements as seen, for
///   ``SetCheckResult/readThenLost``. Invocations and failed or indeterminate reads are
///   ignored.
/// - `.resolve` with a `resolution` and a `value`: a strategy's verdict; the last one per
///   element wins. Its `type` does not matter.
/// - Nemesis operations are ignored.
///
/// ```swift
/// let result = SetChecker.check(recorder.operations)
/// print(Summary(result))
/// ```
public struct SetChecker: Sendable {
    private var elements: [Int: ElementRecord] = [:]
    private var pending: [HistoryOperation.Process: Int] = [:]
    private var finalRead: [Int]?
    private var seenByReads: Set<Int> = []

    /// Creates a checker that has seen nothing.
    public init() {}

    /// Checks a whole history at once.
    public static func check(_ operations: some Sequence<HistoryOperation>) -> SetCheckResult {
        var checker = SetChecker()
        for operation in operations {
            checker.consume(operation)
        }
        return checker.result()
    }

    /// Takes one more operation of the history, in history order.
    public mutating func consume(_ operation: HistoryOperation) {
        switch operation.f {
        case .add:
            // A read taken while the writes went on is not the final read.
            finalRead = nil
            consumeAdd(operation)
        case .read:
            if operation.type == .ok {
                finalRead = operation.values ?? []
                seenByReads.formUnion(operation.values ?? [])
            }
        case .resolve:
            if let element = operation.value, let resolution = operation.resolution {
                elements[element, default: ElementRecord()].resolution = resolution
            }
        case .startFault, .stopFault, .fence:
            break
        }
    }

    /// The verdict on everything consumed so far.
    public func result() -> SetCheckResult {
        let read = finalRead ?? []
        var copies: [Int: Int] = [:]
        for element in read {
            copies[element, default: 0] += 1
        }
        let present = { (element: Int) in copies[element] != nil }
        let hasRead = finalRead != nil

        func select(_ predicate: (Int, ElementRecord) -> Bool) -> [Int] {
            elements.compactMap { predicate($0.key, $0.value) ? $0.key : nil }.sorted()
        }
        func selectIfRead(_ predicate: (Int, ElementRecord) -> Bool) -> [Int] {
            hasRead ? select(predicate) : []
        }

        let attempted = elements.filter { $0.value.attempted }
        let indeterminate = select { $1.attempted && $1.indeterminate }

        return SetCheckResult(
            total: attempted.count,
            acknowledged: attempted.values.count(where: \.acknowledged),
            survivors: copies.count,
            lost: selectIfRead { element, record in record.acknowledged && !present(element) },
            unacknowledgedFound: select { element, record in
                record.attempted && !record.acknowledged && present(element)
            },
            unexpected: copies.keys.filter { attempted[$0] == nil }.sorted(),
            duplicates: copies.filter { $0.value > 1 }
                .map { DuplicateElement(element: $0.key, count: $0.value) }
                .sorted { $0.element < $1.element },
            indeterminate: indeterminate,
            unresolved: indeterminate.filter { elements[$0]?.resolved != true },
            misresolved: selectIfRead { element, record in
                switch record.resolution {
                case .committed: return !present(element)
                case .aborted: return present(element)
                case .unknown, nil: return false
                }
            },
            failedButPresent: select { element, record in
                record.definitelyFailed && present(element)
            },
            erroredApplied: select { element, record in record.errored && present(element) },
            erroredNotApplied: selectIfRead { element, record in
                record.errored && !present(element)
            },
            failed: select { $1.definitelyFailed },
            readThenLost: hasRead ? seenByReads.filter { !present($0) }.sorted() : [],
            hasFinalRead: hasRead)
    }

    private mutating func consumeAdd(_ operation: HistoryOperation) {
        if operation.type == .invoke {
            if let element = operation.value {
                pending[operation.process] = element
                elements[element, default: ElementRecord()].invocations += 1
            }
            return
        }
        let invoked = pending.removeValue(forKey: operation.process)
        guard let element = operation.value ?? invoked else { return }
        switch operation.type {
        case .ok: elements[element, default: ElementRecord()].oks += 1
        case .fail: elements[element, default: ElementRecord()].fails += 1
        case .info: elements[element, default: ElementRecord()].infos += 1
        case .invoke: break
        }
    }
}
