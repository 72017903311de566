import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Signals and waits for server processes by pid, never by name.
enum ServerProcess {
    /// The command line of `pid`, or `nil` if it is gone.
    static func commandLine(of pid: Int32) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// Whether `pid` exists (and is not a zombie).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].dropFirst().first
        return state != "Z" && state != "X"
    }

    /// Stops `pid` if its command line contains `marker`: SIGQUIT (PostgreSQL's immediate
    /// shutdown), then SIGKILL after a grace period. Returns whether it signalled it.
    @discardableResult
    static func stop(pid: Int32, ifCommandLineContains marker: String, grace: Duration = .seconds(3)) -> Bool {
        guard pid > 1, let line = commandLine(of: pid), line.contains(marker) else { return false }
        kill(pid, SIGCONT)
        kill(pid, SIGQUIT)
        if !waitForExit(pid, within: grace) {
            kill(pid, SIGKILL)
            _ = waitForExit(pid, within: .seconds(5))
        }
        return true
    }

    /// Polls until `pid` is gone or `within` passes; returns whether it is gone.
    static func waitForExit(_ pid: Int32, within duration: Duration) -> Bool {
        let deadline = Deadline.after(duration)
        while isRunning(pid) {
            if deadline.hasPassed { return false }
            usleep(5_000)
        }
        return true
    }
}
