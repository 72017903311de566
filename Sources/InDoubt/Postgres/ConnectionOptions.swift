/// How to reach a PostgreSQL server, as libpq connection keywords.
///
/// Every option that bounds how long the kernel or libpq may wait is explicit, but none of
/// them replaces the client-side ``Deadline``: behind a proxy they never fire.
public struct ConnectionOptions: Sendable, Hashable {
    /// Host name or address (or a Unix socket folder).
    public var host: String
    /// TCP port.
    public var port: Int
    /// User name.
    public var user: String
    /// Database name.
    public var database: String
    /// libpq's `connect_timeout`, in whole seconds (libpq's minimum is 2).
    public var connectTimeoutSeconds: Int
    /// Whether TCP keepalives are on, and their idle, interval and count settings.
    public var keepalives: Keepalives?
    /// `tcp_user_timeout` in milliseconds (0 = the kernel's default).
    public var tcpUserTimeoutMilliseconds: Int
    /// `application_name`, shown in `pg_stat_activity`.
    public var applicationName: String

    /// TCP keepalive settings.
    public struct Keepalives: Sendable, Hashable {
        /// Seconds of idleness before the first probe.
        public var idleSeconds: Int
        /// Seconds between probes.
        public var intervalSeconds: Int
        /// Probes lost before the connection is declared dead.
        public var count: Int

        /// Creates keepalive settings.
        public init(idleSeconds: Int = 1, intervalSeconds: Int = 1, count: Int = 3) {
            self.idleSeconds = idleSeconds
            self.intervalSeconds = intervalSeconds
            self.count = count
        }
    }

    /// Creates connection options with short, explicit timeouts.
    public init(
        host: String,
        port: Int = 5432,
        user: String = "postgres",
        database: String = "postgres",
        connectTimeoutSeconds: Int = 2,
        keepalives: Keepalives? = Keepalives(),
        tcpUserTimeoutMilliseconds: Int = 2000,
        applicationName: String = "indoubt"
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.keepalives = keepalives
        self.tcpUserTimeoutMilliseconds = tcpUserTimeoutMilliseconds
        self.applicationName = applicationName
    }

    /// The libpq keyword/value pairs, in a stable order, for `PQconnectStartParams`.
    public var keywordValuePairs: [(keyword: String, value: String)] {
        var pairs: [(String, String)] = [
            ("host", host),
            ("port", String(port)),
            ("user", user),
            ("dbname", database),
            ("connect_timeout", String(max(connectTimeoutSeconds, 2))),
            ("application_name", applicationName),
            ("sslmode", "disable"),
            ("gssencmode", "disable"),
        ]
        if let keepalives {
            pairs += [
                ("keepalives", "1"),
                ("keepalives_idle", String(keepalives.idleSeconds)),
                ("keepalives_interval", String(keepalives.intervalSeconds)),
                ("keepalives_count", String(keepalives.count)),
            ]
        } else {
            pairs.append(("keepalives", "0"))
        }
        pairs.append(("tcp_user_timeout", String(tcpUserTimeoutMilliseconds)))
        return pairs
    }

    /// A one-line description for logs and errors (no secrets are ever part of it).
    public var summary: String { "\(user)@\(host):\(port)/\(database)" }
}
