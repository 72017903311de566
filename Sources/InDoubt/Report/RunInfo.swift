/// What a run was, beyond its history: which server, which fault, which strategy.
public struct RunInfo: Sendable, Equatable, Codable {
    /// The server version, e.g. `"15.18"` or the text of `SHOW server_version`.
    public var postgresVersion: String
    /// How the server ran, e.g. `"netns"` or `"compose"`.
    public var backend: String
    /// The fault injected, e.g. `"none"`, `"partition"`, `"slow+drop-commit-ack"`.
    public var fault: String
    /// The client's commit strategy, e.g. `"naive"`, `"idempotent"`, `"2pc"`.
    public var strategy: String
    /// How many concurrent clients wrote.
    public var clients: Int
    /// Wall-clock length of the write phase, in seconds.
    public var durationSeconds: Double
    /// The clients' TCP behaviour (``ClientProfile``), `nil` when not recorded.
    public var client: String?
    /// Whether the clients' sessions were fenced before resolution; `nil` when not recorded.
    public var fenced: Bool?
    /// The client library the workload went through, with its version (`libpq 15.18`,
    /// `postgres-nio 1.33.2`); `nil` when not recorded.
    public var driver: String?

    /// Creates a description of a run.
    public init(
        postgresVersion: String, backend: String, fault: String, strategy: String, clients: Int,
        durationSeconds: Double, client: String? = nil, fenced: Bool? = nil, driver: String? = nil
    ) {
        self.driver = driver
        self.postgresVersion = postgresVersion
        self.backend = backend
        self.fault = fault
        self.strategy = strategy
        self.clients = clients
        self.durationSeconds = durationSeconds
        self.client = client
        self.fenced = fenced
    }
}
