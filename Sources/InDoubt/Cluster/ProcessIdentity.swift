import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Identifies a process for the lifetime of that process: its pid plus its start time, so
/// that a recycled pid is not mistaken for the original owner.
public struct ProcessIdentity: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The process id.
    public var pid: Int32
    /// The start time in clock ticks since boot (`/proc/PID/stat`, field 22).
    public var startTicks: UInt64

    /// An identity read elsewhere (a label, a file): `startTicks` 0 means unknown.
    public init(pid: Int32, startTicks: UInt64) {
        self.pid = pid
        self.startTicks = startTicks
    }

    /// The calling process.
    public static var current: ProcessIdentity { identity(of: getpid()) }

    /// The identity of the running process `pid`.
    public static func identity(of pid: Int32) -> ProcessIdentity {
        ProcessIdentity(pid: pid, startTicks: startTicks(of: pid) ?? 0)
    }

    /// Whether this very process is still running.
    public var isAlive: Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let ticks = Self.startTicks(of: pid) else { return false }
        return ticks == startTicks
    }

    public var description: String { "pid \(pid)" }

    /// Reads field 22 of `/proc/PID/stat`.
    static func startTicks(of pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name start at field 3 (state).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }
}
