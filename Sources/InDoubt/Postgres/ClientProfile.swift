/// How the experiment's clients treat their TCP connections.
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

    /// One line for `--help` and the docs.
    public var summary: String {
        switch self {
        case .application: return "libpq's TCP defaults, a normal close: a COMMIT given up on may land after the heal"
        case .hardened: return "keepalives 1s/1s/3, tcp_user_timeout 2s, reset on abandon: hides the late COMMIT"
        }
    }
}
