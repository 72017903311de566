/// Builds a ``Timeline`` from a history, one operation at a time, so a `history.jsonl` of
/// any length can be streamed through it (``HistoryReader/forEachOperation(in:_:)``).
///
/// It keeps one small record per write attempt (not the operations themselves), and keeps
/// one copy of each distinct error or warning text.
///
/// - `.add` invocations are paired with the same process's next completion; an
///   invocation the history never completes becomes an ``TimelineOutcome/open`` attempt
///   that runs to the end of the history.
/// - A fault window opens at a `start-fault` `:ok` and closes at the first `stop-fault`
///   `:ok` of the same name (the operation's `fault` field); a fault still in
///   force at the end runs to the end.
/// - The last `:ok` read after which no `.add` is recorded is the final read.
/// - The nemesis's topology faults also feed the node lanes (`TimelineNodeCollector`).
public struct TimelineCollector: Sendable {
    private struct Pending: Sendable {
        var element: Int?
        var time: Int64
        var attempt: Int?
    }

    private var writes: [TimelineWrite] = []
    private var pending: [Int: Pending] = [:]
    private var openFaults: [(name: String, start: Int64)] = []
    private var faults: [TimelineFault] = []
    private var failedFaults: [String] = []
    private var finalReadTime: Int64?
    private var resolutions: [Int: HistoryOperation.Resolution] = [:]
    private var endTime: Int64 = 0
    private var operationCount = 0
    private var errorTexts: [String: String] = [:]
    private var nodes = TimelineNodeCollector()

    /// Creates a collector that has seen nothing.
    public init() {}

    /// Builds the timeline of a whole history at once.
    public static func timeline(_ operations: some Sequence<HistoryOperation>) -> Timeline {
        var collector = TimelineCollector()
        for operation in operations { collector.consume(operation) }
        return collector.timeline()
    }

    /// Takes one more operation, in history order.
    public mutating func consume(_ operation: HistoryOperation) {
        operationCount += 1
        endTime = max(endTime, operation.time)
        switch operation.f {
        case .add:
            finalReadTime = nil
            consumeAdd(operation)
        case .read:
            if operation.type == .ok { finalReadTime = operation.time }
        case .resolve:
            if let element = operation.value, let resolution = operation.resolution {
                resolutions[element] = resolution
            }
        case .startFault:
            nodes.consume(operation)
            let name = operation.fault ?? "fault"
            switch operation.type {
            case .ok: openFaults.append((name, operation.time))
            case .fail, .info: failedFaults.append(operation.error.map { "\(name): \($0)" } ?? name)
            case .invoke: break
            }
        case .fence:
            break
        case .stopFault:
            nodes.consume(operation)
            let name = operation.fault ?? "fault"
            if operation.type == .ok, let open = openFaults.firstIndex(where: { $0.name == name }) {
                let fault = openFaults.remove(at: open)
                faults.append(TimelineFault(name: fault.name, start: fault.start, end: operation.time, healed: true))
            }
        }
    }

    /// The timeline of everything consumed so far: invocations still pending become open
    /// attempts and faults still in force run to the latest time seen.
    public func timeline() -> Timeline {
        var all = writes
        for (client, invocation) in pending.sorted(by: { $0.key < $1.key }) {
            guard let element = invocation.element else { continue }
            all.append(TimelineWrite(
                client: client, element: element, start: invocation.time, end: endTime, outcome: .open,
                error: "no completion recorded: the history ends first", attempt: invocation.attempt))
        }
        var windows = faults
        for fault in openFaults {
            windows.append(TimelineFault(name: fault.name, start: fault.start, end: endTime, healed: false))
        }
        windows.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        return Timeline(
            writes: all, faults: windows, failedFaults: failedFaults, finalReadTime: finalReadTime,
            resolutions: resolutions, endTime: endTime, operationCount: operationCount, nodes: nodes.nodes(endTime: endTime))
    }

    private mutating func consumeAdd(_ operation: HistoryOperation) {
        guard case .client(let client) = operation.process else { return }
        let outcome: TimelineOutcome
        switch operation.type {
        case .invoke:
            pending[client] = Pending(element: operation.value, time: operation.time, attempt: operation.attempt)
            return
        case .ok: outcome = .ok
        case .fail: outcome = .fail
        case .info: outcome = .info
        }
        let invocation = pending.removeValue(forKey: client)
        guard let element = operation.value ?? invocation?.element else { return }
        writes.append(TimelineWrite(
            client: client, element: element, start: invocation?.time ?? operation.time, end: operation.time,
            outcome: outcome, error: operation.error.map { intern($0) },
            warning: operation.warning.map { intern($0) }, attempt: operation.attempt ?? invocation?.attempt))
    }

    /// One shared copy per distinct error or warning text, so thousands of identical timeouts cost one.
    private mutating func intern(_ text: String) -> String {
        if let known = errorTexts[text] { return known }
        if errorTexts.count < 10_000 { errorTexts[text] = text }
        return text
    }
}
