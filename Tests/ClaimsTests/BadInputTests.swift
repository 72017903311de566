import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// Bad input gets a clear message that names the fix, exit code 2, and leaves nothing behind.
@Suite("Bad input")
struct BadInputTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let rows: [Row] = [
        Row(arguments: ["run", "--fault", "flood"], message: "unknown fault 'flood'; choose one of: none, partition"),
        Row(arguments: ["run", "--strategy", "hope"], message: "unknown strategy 'hope'; choose one of: naive, retry, retry-commit, idempotent, ledger, txid, 2pc"),
        Row(arguments: ["run", "--pg", "9"], message: "PostgreSQL 9 is not installed; found: "),
        Row(arguments: ["run", "--pg", "/nonexistent/bin"], message: "/nonexistent/bin/postgres is missing or not executable"),
        Row(arguments: ["run", "--writes", "0"], message: "--writes must be at least 1, not 0"),
        Row(arguments: ["run", "--writes=-5"], message: "--writes must be at least 1, not -5"),
        Row(arguments: ["run", "--clients", "0"], message: "--clients must be at least 1, not 0"),
        Row(arguments: ["run", "--writes", "3", "--clients", "5"], message: "--clients (5) cannot exceed --writes (3)"),
        Row(arguments: ["run", "--timeout", "0"], message: "--timeout must be a duration longer than 0"),
        Row(arguments: ["run", "--timeout", "soon"], message: "--timeout must be a duration longer than 0 such as 500ms or 1s, not 'soon'"),
        Row(arguments: ["run", "--fault-for", "0s"], message: "--fault-for must be a duration longer than 0"),
        Row(arguments: ["run", "--fault-after", "whenever"], message: "--fault-after takes a number of acknowledged writes (250) or a time (2s)"),
        Row(arguments: ["run", "--slow", "fast"], message: "--slow takes a rate such as 64kbit or 1mbit, or 'none'"),
        Row(arguments: ["run", "--frobnicate"], message: "Unknown option '--frobnicate'"),
        Row(arguments: ["node", "--nodes", "0"], message: "--nodes must be between 1 and 8, not 0"),
        Row(arguments: ["run", "--fault", "kill-primary"], message: "--fault kill-primary acts on a primary and its standbys: add --standbys 1"),
        Row(arguments: ["run", "--fault", "failover", "--standbys", "1"], message: "unknown fault 'failover'; choose one of: none, partition"),
        Row(arguments: ["run", "--replication", "sync"], message: "--replication needs standbys to replicate to: add --standbys 1"),
        Row(arguments: ["run", "--failover"], message: "--failover needs a standby to promote: add --standbys 1"),
        Row(arguments: ["run", "--standbys", "0"], message: "--standbys must be at least 1, not 0"),
        Row(arguments: ["run", "--standbys", "1", "--replication", "maybe"], message: "unknown replication 'maybe'; choose one of: async, sync, remote-apply"),
        Row(arguments: ["run", "--standbys", "1", "--fault", "partition"], message: "--fault partition with --standbys: choose one of replication-cut"),
        Row(arguments: ["run", "--standbys", "1", "--fault", "kill-primary", "--no-failover"], message: "drop --no-failover"),
        Row(arguments: ["run", "--standbys", "2", "--backend", "compose"], message: "the compose backend's replication profile has one standby"),
        Row(arguments: ["run", "--standbys", "1", "--backend", "compose", "--fault", "client-cut"], message: "--fault client-cut is built for the netns backend only"),
        Row(arguments: ["run", "--fault", "partition", "--fault-cycle", "1s"], message: "must be longer than the fault's duration"),
        Row(arguments: ["run", "--fault-cycle", "often"], message: "--fault-cycle must be a duration longer than 0 such as 5s, not 'often'"),
        Row(arguments: ["run", "--read-every", "0s"], message: "--read-every must be a duration longer than 0 such as 100ms, not '0s'"),
        Row(arguments: ["run", "--client", "gullible"], message: "unknown client 'gullible'; choose one of: application, hardened, cancelling, trusting"),
        Row(arguments: ["run", "--driver", "jdbc"], message: "unknown driver 'jdbc'; choose one of: libpq, postgres-nio"),
        Row(arguments: ["bench", "--driver", "jdbc"], message: "unknown driver 'jdbc'; choose one of: libpq, postgres-nio"),
    ] + (DatabaseDriver.postgresNIO.isAvailable ? [] : [
        // A plain build says how to get the driver (the trait build accepts it).
        Row(arguments: ["run", "--driver", "postgres-nio"], message: "build with the package trait PostgresNIO"),
        Row(arguments: ["bench", "--driver", "postgres-nio"], message: "build with the package trait PostgresNIO"),
    ])

    @Test("A bad option is refused with a message naming the fix and exit code 2", arguments: rows)
    func refused(row: Row) async throws {
        let result = try await CLIHarness.run(row.arguments)
        #expect(result.status == 2, "exit code \(result.status); stderr: \(result.stderr)")
        #expect(result.stderr.contains(row.message), "stderr was: \(result.stderr)")
        // Refused while parsing, before any cluster: that very process left nothing.
        let left = CLIHarness.traces(ofOwner: result.pid)
        #expect(left.isEmpty, "pid \(result.pid) left \(left)")
    }

    @Test("A run folder it cannot write: the folder named, exit code 2, and the cluster it had started is gone")
    func unwritableRunFolder() async throws {
        try CLIHarness.requireFaultEnvironment()
        // Every option is good, so the run gets as far as starting its cluster; only then
        // does it find that the folder cannot be made (a path under a file).
        let result = try await CLIHarness.run(["run", "--writes", "10", "--fault", "none", "--out", "/dev/null/run"])
        #expect(result.status == 2, "exit code \(result.status); stderr: \(result.stderr)")
        #expect(result.stderr.contains("cannot write to the run folder /dev/null/run"), "stderr was: \(result.stderr)")
        let left = CLIHarness.traces(ofOwner: result.pid)
        #expect(left.isEmpty, "pid \(result.pid) left \(left)")
    }

    @Test("Not root: a clear message, exit code 2, nothing created")
    func notRoot() async throws {
        try CLIHarness.requireFaultEnvironment()
        // Copy the binary where an unprivileged user can run it (the build folder may sit
        // under root's home).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("indoubt")
        try FileManager.default.copyItem(at: try CLIHarness.binary(), to: copy)
        try await Command.run(["chmod", "-R", "a+rX", folder.path])
        let result = try await CLIHarness.run(
            ["run", "--writes", "10", "--out", folder.appendingPathComponent("out").path],
            wrapper: ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"], binary: copy)
        #expect(result.status == 2, "exit code \(result.status); stderr: \(result.stderr)")
        #expect(result.stderr.contains("InDoubt needs root"), "stderr was: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
        let left = CLIHarness.traces(ofOwner: result.pid)
        #expect(left.isEmpty, "pid \(result.pid) left \(left)")
    }

    @Test("A subnet already in use: a clear message naming INDOUBT_SUBNET, exit code 2, nothing created")
    func subnetInUse() async throws {
        try CLIHarness.requireFaultEnvironment()
        // In a network namespace of its own, the machine "already routes" 10.213.0.0/16.
        // The shell execs the binary, so the run keeps the pid the handle reports.
        let setup = "ip link set lo up && ip link add lab0 type veth peer name lab1 && ip addr add 10.213.0.1/16 dev lab0 && ip link set lab0 up"
        let result = try await CLIHarness.run(
            ["run", "--writes", "10"], wrapper: ["unshare", "--net", "sh", "-c", setup + " && exec \"$0\" \"$@\""])
        #expect(result.status == 2, "exit code \(result.status); stderr: \(result.stderr)")
        #expect(result.stderr.contains("the subnet 10.213.0.0/16 is already in use"), "stderr was: \(result.stderr)")
        #expect(result.stderr.contains("INDOUBT_SUBNET=10.214"), "stderr was: \(result.stderr)")
        // It got as far as claiming a slot: no claim, namespace, link or folder of it stays.
        let left = CLIHarness.traces(ofOwner: result.pid)
        #expect(left.isEmpty, "pid \(result.pid) left \(left)")
    }

    @Test("A malformed INDOUBT_SUBNET: the fix, exit code 2")
    func malformedSubnet() async throws {
        try CLIHarness.requireFaultEnvironment()
        let result = try await CLIHarness.run(["run", "--writes", "10"], wrapper: ["env", "INDOUBT_SUBNET=10.300"])
        #expect(result.status == 2, "exit code \(result.status); stderr: \(result.stderr)")
        #expect(result.stderr.contains("INDOUBT_SUBNET must be the first two octets"), "stderr was: \(result.stderr)")
        let left = CLIHarness.traces(ofOwner: result.pid)
        #expect(left.isEmpty, "pid \(result.pid) left \(left)")
    }

    @Test("indoubt check on a missing, empty or corrupt history: the file named, exit code 2, nothing written",
          arguments: ["missing", "empty", "corrupt"])
    func unreadableHistory(kind: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let history = folder.appendingPathComponent("history.jsonl")
        switch kind {
        case "empty": try Data().write(to: history)
        case "corrupt": try Data("{\"index\":0,\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"add\",\"value\":1}\nnot json at all\n{}\n".utf8).write(to: history)
        default: break
        }
        let result = try await CLIHarness.run(["check", folder.path])
        #expect(result.status == 2, "exit code \(result.status); stderr: \(result.stderr)")
        #expect(result.stderr.contains("history.jsonl"), "stderr names the file: \(result.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left == (kind == "missing" ? [] : ["history.jsonl"]), "nothing written: \(left)")
    }

    @Test("Missing iptables: a clear message naming the package, exit code 2, nothing created")
    func missingIptables() async throws {
        try CLIHarness.requireFaultEnvironment()
        // In a private mount namespace, hide iptables behind /dev/null (not executable).
        let iptables = try #require(Command.find("iptables")).resolvingSymlinksInPath().path
        let result = try await CLIHarness.run(
            ["run", "--writes", "10"],
            wrapper: ["unshare", "--mount", "--propagation", "private", "sh", "-c", "mount --bind /dev/null \(iptables) && exec \"$0\" \"$@\""])
        #expect(result.status == 2, "exit code \(result.status); stderr: \(result.stderr)")
        #expect(result.stderr.contains("`iptables` is not installed: apt-get install iptables"), "stderr was: \(result.stderr)")
        let left = CLIHarness.traces(ofOwner: result.pid)
        #expect(left.isEmpty, "pid \(result.pid) left \(left)")
    }
}
