/// How the experiment's clients treat their TCP connections, what they do at a deadline,
/// and how they read a COMMIT's answer.
public enum ClientProfile: String, Sendable, Hashable, CaseIterable, Codable {
    /// Like an application's libpq, JDBC or postgres-nio (the default): libpq's TCP
    /// defaults, and a connection given up on is closed normally, so its kernel keeps
    /// retransmitting an unacknowledged COMMIT, which can land after the heal. Only a fence
    /// keeps such a late COMMIT from landing after a resolver's verdict.
    case application
    /// Kinder than any application: keepalives after 1 s, 3 probes 1 s apart, a 2 s
    /// `tcp_user_timeout`, and a TCP reset for every connection given up on. Nothing it
    /// sent can land late, so it **hides** the late COMMIT: a resolver that forgot to fence
    /// passes with it.
    case hardened
    /// Like ``application``, but at its deadline the client sends a cancel request and waits
    /// up to ``cancelGrace`` for the answer before it gives up, as JDBC's query timeout and
    /// pgx's context cancellation do. A COMMIT waiting for a synchronous standby then returns
    /// `COMMIT` with the warning that it committed on the primary only: InDoubt records it
    /// `info`.
    case cancelling
    /// Like ``cancelling``, but it reads only the COMMIT's command tag, as an application that
    /// never looks at notices: the "committed locally only" COMMIT counts acknowledged, and a
    /// failover can then take back a write the client was told had committed.
    case trusting

    /// How long a ``cancelling`` or ``trusting`` client waits for the server's answer after
    /// its cancel request.
    public static let cancelGrace: Duration = .seconds(1)

    /// One line for `--help` and the docs.
    public var summary: String {
        switch self {
        case .application: return "libpq's TCP defaults, a normal close: a COMMIT given up on may land after the heal"
        case .hardened: return "keepalives 1s/1s/3, tcp_user_timeout 2s, reset on abandon: hides the late COMMIT"
        case .cancelling: return "at the deadline, a cancel request first (as JDBC and pgx): a cancelled sync-rep wait answers COMMIT with a warning, recorded info"
        case .trusting: return "cancelling, and it reads only COMMIT's tag: a COMMIT committed on the primary only counts acknowledged"
        }
    }
}
