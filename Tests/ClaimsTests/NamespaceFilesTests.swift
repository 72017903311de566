import Foundation
@testable import InDoubt
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The reaper and the nodes read namespaces and links from the files `ip` reads; what they
/// read must be what `ip` says.
@Suite("Namespaces and links read from their files")
struct NamespaceFilesTests {
    static func ipNames(_ arguments: [String]) async throws -> Set<String> {
        Set(try await Command.run(arguments).stdout.split(whereSeparator: \.isNewline).compactMap { line in
            line.split(separator: " ").first.map(String.init)
        })
    }

    @Test("Names, pids and delete agree with ip netns list, pids and delete")
    func namespacesAgreeWithIP() async throws {
        try CLIHarness.requireFaultEnvironment()
        // Not InDoubt's prefix: no reaper of a test beside this one touches it.
        let name = "nsfiles-test-\(getpid())-\(UUID().uuidString.prefix(6))"
        try await Command.run(["ip", "netns", "add", name])
        defer { _ = try? Command.runBlocking(["ip", "netns", "delete", name], check: false) }
        let sleeper = Process()
        sleeper.executableURL = Command.find("nsenter") ?? URL(fileURLWithPath: "/usr/bin/nsenter")
        sleeper.arguments = ["--net=\(NamespaceFiles.directory)/\(name)", "--", "sleep", "30"]
        try Command.launch(sleeper)
        defer {
            if sleeper.isRunning { kill(sleeper.processIdentifier, SIGKILL) }
            sleeper.waitUntilExit()
        }
        // nsenter enters the namespace, then execs sleep in place: one pid, there once it entered.
        var fromIP: [Int32] = []
        let deadline = Deadline.after(.seconds(5))
        while fromIP.isEmpty && !deadline.hasPassed {
            fromIP = try await Command.run(["ip", "netns", "pids", name]).stdout.split(whereSeparator: \.isNewline).compactMap { Int32($0) }
            if fromIP.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(fromIP == [sleeper.processIdentifier])
        #expect(try NamespaceFiles.pids(in: name) == fromIP)
        #expect(NamespaceFiles.names().contains(name))
        #expect(try await Self.ipNames(["ip", "netns", "list"]).contains(name))

        kill(sleeper.processIdentifier, SIGKILL)
        sleeper.waitUntilExit()
        #expect(NamespaceFiles.delete(name))
        #expect(!NamespaceFiles.names().contains(name))
        #expect(try await !Self.ipNames(["ip", "netns", "list"]).contains(name), "ip still lists \(name)")
        #expect(throws: CommandError.self, "pids of a deleted namespace") { try NamespaceFiles.pids(in: name) }
        #expect(!NamespaceFiles.delete(name), "a second delete reports the name already gone")
    }

    @Test("The root namespace's links are ip link show's")
    func linksAgreeWithIP() async throws {
        try CLIHarness.requireFaultEnvironment()
        // Other tests add and remove links meanwhile: compare the links ip lists both before
        // and after the files are read.
        func ipLinks() async throws -> Set<String> {
            Set(try await Command.run(["ip", "-o", "link", "show"]).stdout.split(whereSeparator: \.isNewline).compactMap { line in
                line.split(separator: ":", maxSplits: 2).dropFirst().first
                    .map { $0.trimmingCharacters(in: .whitespaces).split(separator: "@").first.map(String.init) ?? "" }
            })
        }
        let before = try await ipLinks()
        let read = Set(NamespaceFiles.rootLinks())
        let after = try await ipLinks()
        #expect(read.contains("lo"))
        #expect(before.intersection(after).isSubset(of: read), "ip lists \(before.intersection(after).subtracting(read)) that the files do not")
    }
}
