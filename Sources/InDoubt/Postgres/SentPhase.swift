/// What the client had sent to the server when a call failed.
///
/// This, not the error code, decides whether a write's outcome is known: libpq attaches no
/// SQLSTATE to its own errors, and a lost connection after COMMIT was sent says nothing
/// about whether the transaction committed.
public enum SentPhase: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing of this call had been sent (for example, the connection never came up).
    case nothing
    /// A statement that cannot commit anything on its own (`BEGIN`, an `INSERT` inside a
    /// transaction, a read).
    case statement
    /// `COMMIT`, `COMMIT PREPARED`, or a write in autocommit mode: once sent, it may apply.
    case commit
}
