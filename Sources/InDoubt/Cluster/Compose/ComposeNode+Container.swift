import Foundation

/// What the topology faults do to a node's server container with plain `docker`: a crash
/// (`docker kill`, SIGKILL of its pid 1, the postmaster), a freeze (`docker pause`, the
/// cgroup freezer) and their undoing. The sidecar keeps the node's network namespace, and
/// the rules in it, after the server's container exits.
extension ComposeNode {
    /// SIGKILL of the server (the container's pid 1), as a crash would; returns once the
    /// container has stopped. A paused container is killed without being resumed first (so it
    /// answers nothing more); a stopped one is left as it is. Nothing restarts it
    /// (`docker-compose.yml` sets no restart policy).
    func killServer(within timeout: Duration = .seconds(10)) async throws {
        if ["running", "paused"].contains(try await state()) {
            let kill = try await Command.run([docker, "kill", "--signal", "KILL", postgresContainer], check: false)
            if kill.status != 0, ["running", "paused"].contains(try await state()) {
                throw ComposeError.containerCommandFailed(node: name, command: "docker kill", reason: kill.stderr)
            }
        }
        let deadline = Deadline.after(timeout)
        while ["running", "paused"].contains(try await state()) {
            guard !deadline.hasPassed else {
                throw ComposeError.containerCommandFailed(node: name, command: "docker kill", reason: "still running after \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// `docker pause` (every process of the server frozen; its connections stay open) or
    /// `docker unpause`.
    ///
    /// runc's cgroup freezer gives up with "unable to freeze" when the container's processes
    /// do not all stop within its short loop, as on a loaded machine, and thaws them again;
    /// its maintainers leave the retry to the caller (opencontainers/runc#4388), so a pause
    /// is tried up to `attempts` times.
    func pauseServer(_ paused: Bool, attempts: Int = 3) async throws {
        guard paused else { return try await container("unpause") }
        for attempt in 1... {
            do {
                return try await container("pause")
            } catch ComposeError.containerCommandFailed(node: _, command: _, reason: let reason)
                where reason.contains("unable to freeze") && attempt < attempts {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// The server container's state: `running`, `paused`, `exited`, ...
    public func state() async throws -> String {
        let output = try await Command.run([docker, "inspect", "--format", "{{.State.Status}}", postgresContainer], check: false)
        guard output.status == 0 else {
            throw ComposeError.containerCommandFailed(node: name, command: "docker inspect", reason: output.stderr)
        }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func container(_ verb: String) async throws {
        let output = try await Command.run([docker, verb, postgresContainer], check: false)
        guard output.status == 0 else {
            throw ComposeError.containerCommandFailed(node: name, command: "docker \(verb)", reason: output.stderr)
        }
    }
}
