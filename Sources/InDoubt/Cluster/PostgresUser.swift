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

    /// The user's and its group's ids, read once (`getpwnam` shares one buffer between threads).
    private static let ids: (uid_t, gid_t)? = getpwnam("postgres").map { ($0.pointee.pw_uid, $0.pointee.pw_gid) }

    /// Gives each of `folders` (not what they hold) to `postgres`, mode 700, as a server's
    /// folders must be: with system calls, where `chown` and `chmod` cost two processes a node.
    static func own(_ folders: [URL]) throws {
        guard let (uid, gid) = ids else { throw ClusterError.missingPostgresUser }
        for folder in folders {
            guard chown(folder.path, uid, gid) == 0, chmod(folder.path, 0o700) == 0 else {
                throw CommandError(arguments: ["chown", "postgres:", folder.path], status: nil, stderr: String(cString: strerror(errno)))
            }
        }
    }
}
