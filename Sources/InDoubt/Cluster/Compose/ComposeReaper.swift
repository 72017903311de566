import Foundation

/// Removes the compose projects of InDoubt runs that died (SIGKILL, a crash), like the
/// namespace ``Reaper``: it finds containers and networks by the owner labels that
/// `docker-compose.yml` puts on them, and removes those whose owner process is gone.
///
/// It runs before every ``ComposeCluster`` starts and in `indoubt reap`. It touches only
/// projects named `indoubt-PID-N` whose labels name an owner that is not running, with
/// plain `docker` (no compose file needed).
public enum ComposeReaper {
    /// One container or network of ours, as listed by docker.
    public struct Resource: Sendable, Hashable {
        /// Container id or network name.
        public var id: String
        /// The compose project.
        public var project: String
        /// The owner's identity, when the labels carry one.
        public var owner: ProcessIdentity?
    }

    /// The `--format` template that ``parse(_:)`` reads: id, project, owner pid, owner start.
    public static func listFormat(id: String) -> String {
        "\(id)\t{{.Label \"\(ComposeProject.projectLabel)\"}}\t{{.Label \"\(ComposeProject.ownerPIDLabel)\"}}\t{{.Label \"\(ComposeProject.ownerStartLabel)\"}}"
    }

    /// Parses lines of `docker ps` / `docker network ls` in ``listFormat(id:)``, keeping only
    /// InDoubt projects.
    public static func parse(_ output: String) -> [Resource] {
        output.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, !fields[0].isEmpty, ComposeProject.parse(name: fields[1]) != nil else { return nil }
            var owner: ProcessIdentity?
            if let pid = Int32(fields[2]), pid > 0 {
                owner = ProcessIdentity(pid: pid, startTicks: UInt64(fields[3]) ?? 0)
            }
            return Resource(id: fields[0], project: fields[1], owner: owner)
        }
    }

    /// The projects among `resources` whose owner is dead. A resource without owner labels
    /// (a project started by hand) is never reaped. A start time of 0 (unknown) only checks
    /// that the pid is gone.
    public static func abandonedProjects(_ resources: [Resource], isAlive: (ProcessIdentity) -> Bool = isRunning) -> [String] {
        var verdict: [String: Bool] = [:]
        for resource in resources {
            guard let owner = resource.owner else { continue }
            verdict[resource.project] = (verdict[resource.project] ?? true) && !isAlive(owner)
        }
        return verdict.filter(\.value).keys.sorted()
    }

    /// Whether `owner` still runs (the same process, not a recycled pid).
    public static func isRunning(_ owner: ProcessIdentity) -> Bool {
        if owner.startTicks == 0 { return kill(owner.pid, 0) == 0 || errno == EPERM }
        return owner.isAlive
    }

    /// Removes every abandoned project; returns their names. Without a reachable engine it
    /// does nothing.
    @discardableResult
    public static func reap(docker: String = Docker.cli()) -> [String] {
        guard Command.find(docker) != nil else { return [] }
        let resources = containers(docker: docker) + networks(docker: docker)
        let abandoned = abandonedProjects(resources)
        for project in abandoned { remove(project: project, docker: docker) }
        return abandoned
    }

    /// Removes the containers (with their anonymous volumes) and networks of `project`.
    public static func remove(project: String, docker: String = Docker.cli()) {
        let filter = "label=\(ComposeProject.projectLabel)=\(project)"
        let ids = lines((try? Command.runBlocking([docker, "ps", "--all", "--quiet", "--filter", filter]))?.stdout)
        if !ids.isEmpty { _ = try? Command.runBlocking([docker, "rm", "--force", "--volumes"] + ids) }
        let networks = lines((try? Command.runBlocking([docker, "network", "ls", "--quiet", "--filter", filter]))?.stdout)
        if !networks.isEmpty { _ = try? Command.runBlocking([docker, "network", "rm"] + networks) }
        let volumes = lines((try? Command.runBlocking([docker, "volume", "ls", "--quiet", "--filter", filter]))?.stdout)
        if !volumes.isEmpty { _ = try? Command.runBlocking([docker, "volume", "rm", "--force"] + volumes) }
    }

    /// What exists of `project` (or of every InDoubt project, when `nil`): container ids and
    /// network names, for checking that a teardown left nothing behind.
    public static func traces(ofProject project: String?, docker: String = Docker.cli()) -> [String] {
        let resources = containers(docker: docker) + networks(docker: docker)
        return resources.filter { project == nil || $0.project == project }.map { "\($0.project): \($0.id)" }
    }

    static func containers(docker: String) -> [Resource] {
        let output = try? Command.runBlocking([docker, "ps", "--all", "--no-trunc", "--filter", "label=\(ComposeProject.projectLabel)",
                                               "--format", listFormat(id: "{{.ID}}")])
        return parse(output?.stdout ?? "")
    }

    static func networks(docker: String) -> [Resource] {
        let output = try? Command.runBlocking([docker, "network", "ls", "--filter", "label=\(ComposeProject.projectLabel)",
                                               "--format", listFormat(id: "{{.Name}}")])
        return parse(output?.stdout ?? "")
    }

    private static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }
}
