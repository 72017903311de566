import Foundation

/// `indoubt doctor`: every prerequisite of the suite, each checked by doing what the suite
/// does with it (a tool is run, a kernel feature is used in a throwaway network namespace,
/// each PostgreSQL installation starts a server), and reported as ok or with the command
/// that fixes it.
public enum Doctor {
    /// What a prerequisite is for: only ``Need/defaultBackend`` decides the exit code.
    public enum Need: String, Sendable, Equatable {
        /// `indoubt run` and `swift test` on the default backend (network namespaces).
        case defaultBackend = "netns"
        /// The Docker Compose backend (`--backend compose`, `INDOUBT_BACKEND=compose`).
        case compose
        /// The timeline's browser test (headless Chromium).
        case browser
        /// `indoubt bench` (pgbench).
        case bench
    }

    /// One line of the report.
    public struct Check: Sendable, Equatable {
        /// What was checked, such as `iptables string match`.
        public var name: String
        /// What it is needed for.
        public var need: Need
        /// Whether it is there and works.
        public var ok: Bool
        /// What was found (when ok) or what is wrong.
        public var detail: String
        /// The command that fixes it (when not ok).
        public var fix: String?

        /// Creates a check.
        public init(_ name: String, need: Need = .defaultBackend, ok: Bool, detail: String, fix: String? = nil) {
            self.name = name
            self.need = need
            self.ok = ok
            self.detail = detail
            self.fix = fix
        }

        /// `ok    NAME: DETAIL`, or `FIX   NAME: DETAIL\n      → FIX` (`need` in brackets
        /// when it is not the default backend).
        public var line: String {
            let scope = need == .defaultBackend ? "" : " [\(need.rawValue)]"
            if ok { return "ok    \(name)\(scope): \(detail)" }
            return "FIX   \(name)\(scope): \(detail)" + (fix.map { "\n      → \($0)" } ?? "")
        }
    }

    /// 0 when everything the default backend needs is there, 2 otherwise (what only the
    /// compose backend, the browser test or the bench need is reported, not counted).
    public static func exitCode(_ checks: [Check]) -> Int32 {
        checks.contains { $0.need == .defaultBackend && !$0.ok } ? 2 : 0
    }

    /// Runs every check, calling `report` with each as it finishes (some start a server).
    public static func run(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        report: @Sendable (Check) -> Void = { _ in }
    ) async -> [Check] {
        var checks: [Check] = []
        func add(_ new: [Check]) {
            new.forEach(report)
            checks += new
        }
        add([privileges()])
        add(tools())
        add(kernelFeatures(canRun: checks.allSatisfy(\.ok)))
        add([postgresUser(), subnet()])
        add(await installations(environment: environment, canStart: checks.allSatisfy(\.ok)))
        add(libpq())
        add([pgbench(environment: environment)])
        add(await compose())
        add([chromium()])
        return checks
    }
}
