import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs commands as the `postgres` system user (initdb refuses root).
public enum PostgresUser {
    /// `command` wrapped to run as `postgres`, with `setpriv`, which execs in place so that
    /// the resulting pid is the command's own.
    public static func command(_ command: [String]) -> [String] {
        ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + command
    }
}
