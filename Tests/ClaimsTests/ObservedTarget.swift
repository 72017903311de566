import InDoubt
import InDoubtTesting
import Synchronization
import Testing

/// A node that records, on the clock every lane shares, when the experiment asked it for
/// connection options and when each of its fault commands began and ended.
final class ObservedTarget: ExperimentTarget {
    let node: PostgresNode
    private let options = Mutex<[(name: String, at: ContinuousClock.Instant)]>([])
    private let commands = Mutex<[(began: ContinuousClock.Instant, ended: ContinuousClock.Instant)]>([])

    init(node: PostgresNode) { self.node = node }

    var targetName: String { node.targetName }
    var serverPort: Int { node.serverPort }
    var serverInterface: String { node.serverInterface }
    var backendName: String { node.backendName }

    func connectionOptions(applicationName: String) -> ConnectionOptions {
        options.withLock { $0.append((applicationName, .now)) }
        return node.connectionOptions(applicationName: applicationName)
    }

    func pendingSends(in table: SocketTable, clientPorts: Set<Int>) -> [SocketTable.Socket] {
        node.pendingSends(in: table, clientPorts: clientPorts)
    }

    func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
        let began = ContinuousClock.now
        defer { commands.withLock { $0.append((began, .now)) } }
        return try await node.runInNetwork(invocation)
    }

    /// When the single fault's rules were in force: from the end of the command that put
    /// them in to the start of the one that took them out (the nemesis runs two).
    var faultInForce: Range<ContinuousClock.Instant>? {
        commands.withLock { calls in calls.count == 2 && calls[0].ended < calls[1].began ? calls[0].ended..<calls[1].began : nil }
    }

    /// When every target's fault was in force at once.
    static func allFaultsInForce(_ targets: [ObservedTarget]) -> Range<ContinuousClock.Instant>? {
        let windows = targets.compactMap(\.faultInForce)
        guard windows.count == targets.count, let start = windows.map(\.lowerBound).max(),
              let end = windows.map(\.upperBound).min(), start < end else { return nil }
        return start..<end
    }

    /// Waits until each target's fault command has finished (or `limit` passes).
    static func waitUntilFaulted(_ targets: [ObservedTarget], within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, !targets.allSatisfy({ $0.commands.withLock { !$0.isEmpty } }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// How many writes of `run` (made through this target) surely ran inside `window`,
    /// from invocation to completion. History times count from the recorder's start, which
    /// lies between the experiment's setup connection and its first client session: the
    /// earliest an operation can have happened is setup + time, the latest first client + time.
    func writesWithin(_ window: Range<ContinuousClock.Instant>, of run: ClaimRun) throws -> Int {
        let calls = options.withLock { $0 }
        let setup = try #require(calls.first { $0.name == "indoubt-setup" }?.at, "no setup connection")
        let firstClient = try #require(calls.first { $0.name.hasPrefix("indoubt-client-") }?.at, "no client session")
        var invoked: [Int: Int64] = [:]
        var count = 0
        for operation in run.history where operation.f == .add {
            guard let element = operation.value else { continue }
            if operation.type == .invoke {
                invoked[element] = operation.time
            } else if let start = invoked[element],
                      setup + .nanoseconds(start) >= window.lowerBound,
                      firstClient + .nanoseconds(operation.time) < window.upperBound {
                count += 1
            }
        }
        return count
    }
}
