/// How to reach a PostgreSQL server, as libpq connection keywords, and how the client
/// treats its TCP connection.
///
/// The defaults are an application's: libpq's own TCP settings (keepalives on with the
/// kernel's timing, no `tcp_user_timeout`) and a normal close of a connection given up on,
/// so the kernel keeps retransmitting what was unacknowledged, a COMMIT say, and it can land
/// after a partition heals. ``ClientProfile/hardened`` is the kinder client. Neither
/// replaces the client-side ``Deadline``: behind a proxy no TCP timeout ever fires.
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
    /// TCP keepalives.
    public var keepalives: Keepalives
    /// `tcp_user_timeout` in milliseconds; `nil` leaves it unset, as applications do (the
    /// kernel then retransmits for as long as `tcp_retries2` allows: minutes).
    public var tcpUserTimeoutMilliseconds: Int?
    /// Whether a connection given up on (after a deadline or a lost connection) is closed
    /// with a TCP reset (SO_LINGER 0), which drops what the kernel still had to send.
    /// Applications' drivers do not do this.
    public var resetOnAbandon: Bool
    /// `application_name`, shown in `pg_stat_activity`.
    public var applicationName: String
    /// At a call's deadline, whether the client first sends a cancel request (`PQcancel`) and
    /// waits this long for the server's answer, as JDBC's query timeout and pgx's context
    /// cancellation do, before it gives the connection up; `nil` (the default) gives it up at
    /// once. A synchronous COMMIT whose wait for the standby is cancelled this way is answered
    /// `COMMIT` with a warning: committed on the primary only.
    public var cancelOnDeadline: Duration?
    /// Whether a COMMIT is taken as acknowledged from its command tag alone, ignoring the
    /// warning that the wait for the synchronous standby was cancelled, as an application that
    /// never reads notices does. InDoubt's own reading (`false`) records such a write `info`.
    public var trustsCommitWarnings: Bool

    /// TCP keepalive settings.
    public enum Keepalives: Sendable, Hashable {
        /// libpq's default: on, with the kernel's timing (the first probe after two hours
        /// of idleness). No keyword is passed.
        case systemDefault
        /// Off (`keepalives=0`).
        case off
        /// On, with these seconds of idleness before the first probe, seconds between
        /// probes, and probes lost before the connection is declared dead.
        case custom(idleSeconds: Int, intervalSeconds: Int, count: Int)
    }

    /// Creates connection options; the TCP defaults are an application's.
    public init(
        host: String,
        port: Int = 5432,
        user: String = "postgres",
        database: String = "postgres",
        connectTimeoutSeconds: Int = 2,
        keepalives: Keepalives = .systemDefault,
        tcpUserTimeoutMilliseconds: Int? = nil,
        resetOnAbandon: Bool = false,
        applicationName: String = "indoubt",
        cancelOnDeadline: Duration? = nil,
        trustsCommitWarnings: Bool = false
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.keepalives = keepalives
        self.tcpUserTimeoutMilliseconds = tcpUserTimeoutMilliseconds
        self.resetOnAbandon = resetOnAbandon
        self.applicationName = applicationName
        self.cancelOnDeadline = cancelOnDeadline
        self.trustsCommitWarnings = trustsCommitWarnings
    }

    /// These options with `profile`'s TCP behaviour, deadline handling and reading of a
    /// COMMIT's warnings.
    public func with(_ profile: ClientProfile) -> ConnectionOptions {
        var copy = self
        copy.keepalives = .systemDefault
        copy.tcpUserTimeoutMilliseconds = nil
        copy.resetOnAbandon = false
        copy.cancelOnDeadline = nil
        copy.trustsCommitWarnings = false
        switch profile {
        case .application:
            break
        case .hardened:
            copy.keepalives = .custom(idleSeconds: 1, intervalSeconds: 1, count: 3)
            copy.tcpUserTimeoutMilliseconds = 2000
            copy.resetOnAbandon = true
        case .cancelling:
            copy.cancelOnDeadline = ClientProfile.cancelGrace
        case .trusting:
            copy.cancelOnDeadline = ClientProfile.cancelGrace
            copy.trustsCommitWarnings = true
        }
        return copy
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
        switch keepalives {
        case .systemDefault:
            break
        case .off:
            pairs.append(("keepalives", "0"))
        case .custom(let idle, let interval, let count):
            pairs += [
                ("keepalives", "1"),
                ("keepalives_idle", String(idle)),
                ("keepalives_interval", String(interval)),
                ("keepalives_count", String(count)),
            ]
        }
        if let tcpUserTimeoutMilliseconds {
            pairs.append(("tcp_user_timeout", String(tcpUserTimeoutMilliseconds)))
        }
        return pairs
    }

    /// A one-line description for logs and errors (no secrets are ever part of it).
    public var summary: String { "\(user)@\(host):\(port)/\(database)" }
}
