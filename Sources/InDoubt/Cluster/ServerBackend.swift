import Foundation

/// A way to run the PostgreSQL server an experiment writes to: a network namespace, a
/// Docker Compose project; a primary with standbys where ``ServerRequest/replication`` asks for one. The CLI (`--backend`) and
/// every test fixture (`INDOUBT_BACKEND`) find backends in ``ServerBackendCatalog``, so a
/// new one is this protocol's conformance plus one line in the catalog.
public protocol ServerBackend: Sendable {
    /// The name `--backend` and `INDOUBT_BACKEND` use (`netns`, `compose`).
    static var name: String { get }
    /// One line for `indoubt run --help`.
    static var summary: String { get }

    /// Takes the user's choices, or throws ``ServerRequestError`` saying which option does
    /// not fit this backend and what to use instead.
    init(request: ServerRequest) throws

    /// Why servers cannot start here, each with its fix; empty when they can.
    func problems() async -> [String]

    /// Starts a server with `settings` over the defaults; ``RunningServer/shutdown()``
    /// removes it.
    func start(settings: [String: String]) async throws -> RunningServer

    /// Removes every server of this backend that this process started, at once and without
    /// waiting on Swift's executors (for a SIGINT handler).
    static func shutdownAllNow()
}

/// What the user asked of the server, whatever the backend: each backend takes the fields
/// it understands and refuses the others. A field left `nil` falls back to the
/// environment's default for the backend that uses it (`INDOUBT_PG`, `INDOUBT_PG_IMAGE`),
/// which the other backends ignore.
public struct ServerRequest: Sendable, Equatable {
    /// A PostgreSQL major version (`15`) or a bin folder, for a backend that runs a local
    /// installation; `nil` for `INDOUBT_PG`, else the newest installed.
    public var postgres: String?
    /// A container image (`postgres:16`), for a backend that runs images; `nil` for
    /// `INDOUBT_PG_IMAGE`, else the backend's default.
    public var image: String?
    /// A primary with streaming standbys instead of one server, for a backend that has
    /// topologies (netns); `nil` for one server. A backend without them refuses it.
    public var replication: Replication?
    /// Where the defaults come from.
    public var environment: [String: String]

    /// Creates a request.
    public init(postgres: String? = nil, image: String? = nil, replication: Replication? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.postgres = postgres
        self.image = image
        self.replication = replication
        self.environment = environment
    }

    /// The request the test fixtures make: nothing explicit, every default from `environment`.
    public static func fromEnvironment(_ environment: [String: String]) -> ServerRequest {
        ServerRequest(environment: environment)
    }

    /// `explicit`, else the environment's `variable` when it is set and not empty.
    func value(_ explicit: String?, orEnvironment variable: String) -> String? {
        explicit ?? environment[variable].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }
}

/// A request a backend cannot take, or a backend name no backend has: bad input.
public struct ServerRequestError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to use instead.
    public var description: String

    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
