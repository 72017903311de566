import Foundation

/// One test, as Jepsen's test map: the server (a backend to start, or one already running)
/// and the experiment's configuration, which holds the workload (writes, clients,
/// deadlines), the client strategy and profile, the nemesis schedule, the fence and the run
/// folder. ``run(observer:started:)`` is the one pipeline: start the server, run the
/// experiment, analyze its history and store the run folder (``Experiment/run()``), keep the
/// server's logs, remove the server.
public struct ExperimentTest: Sendable {
    /// Where the server comes from.
    public enum Server: Sendable {
        /// Start one on this backend, with the strategy's settings, and remove it afterwards.
        case start(any ServerBackend)
        /// Use this one (the node `indoubt serve` keeps, say); the test does not remove it.
        case running(RunningServer)
    }

    /// A test that could not start its server, or whose run failed: which, and why.
    public enum Failure: Error, CustomStringConvertible {
        /// The server did not start (the backend's error).
        case serverDidNotStart(any Error)
        /// The experiment failed after the server started.
        case runFailed(any Error)

        public var description: String {
            switch self {
            case .serverDidNotStart(let error): return String(describing: error)
            case .runFailed(let error): return "the run failed: \(error)"
            }
        }
    }

    /// The server.
    public var server: Server
    /// The workload, the strategy, the nemesis schedule and the run folder.
    public var configuration: ExperimentConfiguration

    /// Creates a test.
    public init(server: Server, configuration: ExperimentConfiguration) {
        self.server = server
        self.configuration = configuration
    }

    /// Runs the test. `started` is called once the server is up and before the first write,
    /// with the server (to print a header, write the run folder's first files, install a
    /// signal handler); an error it throws ends the test before any write. The server's logs
    /// go into the run folder and a started server is removed, whatever happens.
    ///
    /// - Throws: ``Failure``.
    public func run(
        observer: (@Sendable (HistoryOperation) -> Void)? = nil,
        started: (RunningServer) async throws -> Void = { _ in }
    ) async throws -> Experiment.Outcome {
        let running: RunningServer
        let owned: Bool
        switch server {
        case .start(let backend):
            do {
                running = try await backend.start(settings: configuration.strategy.serverSettings)
            } catch {
                throw Failure.serverDidNotStart(error)
            }
            owned = true
        case .running(let server):
            running = server
            owned = false
        }
        let outcome: Experiment.Outcome
        do {
            try await started(running)
            outcome = try await Experiment(configuration: configuration, target: running.target, observer: observer).run()
        } catch {
            await finish(running, owned: owned)
            throw Failure.runFailed(error)
        }
        await finish(running, owned: owned)
        return outcome
    }

    private func finish(_ server: RunningServer, owned: Bool) async {
        if let folder = configuration.outputFolder { server.copyServerLogs(to: folder) }
        if owned { await server.shutdown() }
    }
}
