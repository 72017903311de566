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

    /// The state letter of `pid` in `/proc/PID/stat` (`R`, `S`, `T`, ...), or `nil` if it is gone.
    static func state(of pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].dropFirst().first
    }

    /// Whether `pid` exists (and is not a zombie).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let state = state(of: pid) else { return false }
        return state != "Z" && state != "X"
    }

    /// Whether `pid` is stopped by a signal, or gone: a SIGSTOP takes effect only when the
    /// process next runs, so a stop is in force once this holds.
    static func isStoppedOrGone(_ pid: Int32) -> Bool {
        guard let state = state(of: pid) else { return true }
        return state == "T" || state == "Z" || state == "X"
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
