#if PostgresNIO
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A connection through vapor/postgres-nio (``DatabaseDriver/postgresNIO``, trait
/// `PostgresNIO`), adapted to ``DatabaseConnection``.
///
/// postgres-nio has a connect timeout but no per-query deadline, so the adapter enforces
/// the caller's ``Deadline`` itself: it races each call against a timer and, when the
/// timer wins, closes the channel, which fails the call in flight, and throws
/// ``PostgresError`` of kind `timeout`. That is the wrapper an application on postgres-nio
/// needs (claim D1): without it, a lost acknowledgement behind a proxy that keeps the TCP
/// connection alive holds the call forever.
///
/// What it does not carry over from ``ConnectionOptions``: keepalives, `tcp_user_timeout`
/// and the reset on abandon (postgres-nio has no settings for them), and notices
/// (postgres-nio does not hand them to the caller, so a COMMIT's replication warning is
/// not seen: ``QueryResult/notices`` is always empty).
public final class NIOConnection: DatabaseConnection {
    public let options: ConnectionOptions
    public let backendPID: Int32
    public let serverVersionNumber: Int
    /// Not known: postgres-nio does not expose its channel.
    public var localPort: Int { 0 }

    private let connection: PostgresNIO.PostgresConnection
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var abandoned = false
        var sentAnything = false
    }

    private static let nextID = Atomic<Int>(1)

    private init(options: ConnectionOptions, connection: PostgresNIO.PostgresConnection, logger: Logger,
                 backendPID: Int32, serverVersionNumber: Int) {
        self.options = options
        self.connection = connection
        self.logger = logger
        self.backendPID = backendPID
        self.serverVersionNumber = serverVersionNumber
    }

    deinit { close() }

    /// Opens a connection (no TLS, trust authentication, as the harness's servers run), and
    /// reads its backend pid and server version, or throws ``PostgresError`` (sent
    /// `.nothing`) by `deadline`.
    public static func connect(_ options: ConnectionOptions, deadline: Deadline) async throws -> NIOConnection {
        var configuration = PostgresNIO.PostgresConnection.Configuration(
            host: options.host, port: options.port, username: options.user, password: nil, database: options.database,
            tls: .disable)
        configuration.options.connectTimeout = .seconds(Int64(max(1, options.connectTimeoutSeconds)))
        configuration.options.additionalStartupParameters = [("application_name", options.applicationName)]
        var logger = Logger(label: "indoubt.postgres-nio")
        logger.logLevel = .critical
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let context = "connecting to \(options.summary) through postgres-nio"
        let (frozenConfiguration, frozenLogger) = (configuration, logger)
        let opened: PostgresNIO.PostgresConnection = try await Self.race(deadline, sent: .nothing, context: context) {
            do {
                return try await PostgresNIO.PostgresConnection.connect(
                    configuration: frozenConfiguration, id: id, logger: frozenLogger)
            } catch {
                throw PostgresError(kind: .connect, message: "\(options.summary): \(Self.describe(error))", sent: .nothing)
            }
        } onExpiry: {
        } discard: { late in
            Self.close(late)
        }
        // postgres-nio keeps the backend key data to itself: ask the server.
        let probe = NIOConnection(options: options, connection: opened, logger: frozenLogger, backendPID: 0, serverVersionNumber: 0)
        do {
            let row = try await probe.query(
                "SELECT pg_backend_pid(), current_setting('server_version_num')", [], phase: .statement, deadline: deadline
            ).rows.first
            let pid = Int32(try row?.int(0) ?? 0)
            let version = try row?.int(1) ?? 0
            probe.state.withLock { $0.abandoned = true }  // hands the channel over, without closing it
            return NIOConnection(options: options, connection: opened, logger: frozenLogger, backendPID: pid, serverVersionNumber: version)
        } catch var error as PostgresError {
            probe.close()
            error.sent = .nothing
            error.kind = error.kind == .timeout ? .timeout : .connect
            throw error
        }
    }

    public var isUsable: Bool { !state.withLock { $0.abandoned } && !connection.isClosed }

    public func query(_ sql: String, _ parameters: [String?], phase: SentPhase, deadline: Deadline) async throws -> QueryResult {
        let (abandoned, before) = state.withLock { state -> (Bool, SentPhase) in
            defer { state.sentAnything = true }
            return (state.abandoned, state.sentAnything ? .statement : .nothing)
        }
        guard !abandoned, !connection.isClosed else {
            abandon()
            throw PostgresError(kind: .closed, message: "the postgres-nio connection was closed or given up after an earlier error",
                                sent: before, statement: sql)
        }
        var bindings = PostgresBindings(capacity: parameters.count)
        for parameter in parameters {
            if let parameter { bindings.append(UntypedText(parameter)) } else { bindings.appendNull() }
        }
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        let (connection, logger) = (self.connection, self.logger)
        do {
            let result: PostgresQueryResult = try await Self.race(deadline, sent: phase, context: "waiting for the reply") {
                try await connection.query(query, logger: logger).get()
            } onExpiry: { [weak self] in
                self?.abandon()
            }
            return Self.result(of: result)
        } catch var error as PostgresError {
            error.statement = error.statement ?? sql
            if error.kind != .server { abandon() }
            throw error
        } catch {
            let translated = Self.translate(error, sent: phase, statement: sql)
            if translated.kind != .server || connection.isClosed { abandon() }
            throw translated
        }
    }

    public func close() { abandon() }

    /// Gives the connection up: closes the channel, which fails a call still in flight.
    private func abandon() {
        let wasOpen = state.withLock { state in
            defer { state.abandoned = true }
            return !state.abandoned
        }
        if wasOpen { Self.close(connection) }
    }

    /// Closes a postgres-nio connection and keeps it alive until the channel is closed:
    /// postgres-nio asserts (in debug builds) that a connection is closed before it goes.
    static func close(_ connection: PostgresNIO.PostgresConnection) {
        guard !connection.isClosed else { return }
        let closed: EventLoopFuture<Void> = connection.close()
        closed.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Runs `body` until `deadline`; past it, calls `onExpiry` (which must make `body` end),
    /// hands a value `body` still returns to `discard`, and throws ``PostgresError`` of kind
    /// `timeout`.
    static func race<T: Sendable>(
        _ deadline: Deadline, sent: SentPhase, context: String, _ body: @escaping @Sendable () async throws -> T,
        onExpiry: @escaping @Sendable () -> Void, discard: @escaping @Sendable (T) -> Void = { _ in }
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: deadline.remaining)
                return nil
            }
            // The first to finish decides; a sleep cut short by cancellation throws, never returns nil.
            let first: T??
            do {
                first = try await group.next()
            } catch {
                group.cancelAll()
                throw error
            }
            if let first, let value = first {
                group.cancelAll()
                return value
            }
            onExpiry()
            group.cancelAll()
            while let late = try? await group.next() {
                if let late { discard(late) }
            }
            throw PostgresError(kind: .timeout, message: "client deadline passed while \(context) (postgres-nio has no "
                + "per-query deadline: the adapter closed the channel)", sent: sent)
        }
    }
}
#endif
