import Foundation
@testable import InDoubt
import Testing

/// A pause that runc's freezer gives up on is tried again; any other failure is not.
@Suite("Compose pause: runc's \"unable to freeze\" is retried")
struct ComposePauseTests {
    /// A `docker` that fails `pause` with `stderr` for its first `failures` calls, then
    /// succeeds, and counts its calls in `calls`.
    static func fakeDocker(in folder: TemporaryFolder, failures: Int, stderr: String) throws -> (docker: String, calls: URL) {
        let calls = folder.file("calls")
        let script = try folder.write("""
            #!/bin/sh
            echo "$*" >> '\(calls.path)'
            count=$(wc -l < '\(calls.path)')
            if [ "$count" -le \(failures) ]; then echo '\(stderr)' >&2; exit 1; fi
            exit 0
            """, to: "docker")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return (script.path, calls)
    }

    static func node(docker: String) -> ComposeNode {
        ComposeNode(project: "indoubt-4242-3", hostPort: 49153, postgresContainer: "pg1", sidecarContainer: "side1",
                    image: "postgres:16", docker: docker)
    }

    static let freezeError = "Error response from daemon: Cannot pause container pg1: OCI runtime pause failed: unable to freeze: unknown"

    static func calls(_ file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("Two freezes given up, the third pause holds")
    func retriedUntilFrozen() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fake = try Self.fakeDocker(in: folder, failures: 2, stderr: Self.freezeError)
        try await Self.node(docker: fake.docker).pauseServer(true)
        #expect(try Self.calls(fake.calls) == ["pause pg1", "pause pg1", "pause pg1"])
    }

    @Test("Three freezes given up: the error says so, after three tries")
    func givesUpAfterThreeTries() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fake = try Self.fakeDocker(in: folder, failures: 5, stderr: Self.freezeError)
        await #expect(throws: ComposeError.self) { try await Self.node(docker: fake.docker).pauseServer(true) }
        #expect(try Self.calls(fake.calls).count == 3)
    }

    @Test("Another failure, or an unpause, is not retried")
    func otherFailuresNotRetried() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fake = try Self.fakeDocker(in: folder, failures: 5, stderr: "Error response from daemon: No such container: pg1")
        await #expect(throws: ComposeError.self) { try await Self.node(docker: fake.docker).pauseServer(true) }
        await #expect(throws: ComposeError.self) { try await Self.node(docker: fake.docker).pauseServer(false) }
        #expect(try Self.calls(fake.calls) == ["pause pg1", "unpause pg1"])
    }
}
