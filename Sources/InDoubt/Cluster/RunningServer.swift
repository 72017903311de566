import Foundation

/// A server a ``ServerBackend`` started: where the experiment writes and injects faults,
/// what to say about it, and how to keep its logs and remove it.
public struct RunningServer: Sendable {
    /// Where the experiment writes and injects faults.
    public let target: any ExperimentTarget
    /// One line for a run's header.
    public let description: String
    /// The server's version, for results.json.
    public let postgresVersion: String
    private let stop: @Sendable () async -> Void
    private let copyLogs: @Sendable (URL) -> Void

    /// Creates the handle a backend returns.
    ///
    /// - Parameters:
    ///   - target: What the experiment talks to.
    ///   - description: One line for the run's output: the server, where it listens, its backend.
    ///   - postgresVersion: The server's version, as it reports it.
    ///   - stop: Removes the server and everything the backend made for it.
    ///   - copyLogs: Writes the server's log (or description) into a run folder, blocking,
    ///     so that a SIGINT handler can call it.
    public init(
        target: any ExperimentTarget, description: String, postgresVersion: String,
        stop: @escaping @Sendable () async -> Void, copyLogs: @escaping @Sendable (URL) -> Void
    ) {
        self.target = target
        self.description = description
        self.postgresVersion = postgresVersion
        self.stop = stop
        self.copyLogs = copyLogs
    }

    /// Removes the server.
    public func shutdown() async { await stop() }

    /// Keeps the server's log in the run folder (``RunFolder/serverLog(node:)``).
    public func copyServerLogs(to folder: URL) { copyLogs(folder) }

    /// Runs `body` with the server and removes it afterwards, whatever `body` does.
    public func use<T: Sendable>(_ body: (RunningServer) async throws -> T) async throws -> T {
        do {
            let value = try await body(self)
            await shutdown()
            return value
        } catch {
            await shutdown()
            throw error
        }
    }
}
