import Foundation

/// One Docker Compose project of InDoubt: its name, the variables `docker-compose.yml`
/// reads, and every `docker` / `docker compose` command line the compose backend runs.
///
/// Pure: nothing here runs a command, so unit tests can check each line exactly. A project
/// is named `indoubt-PID-N` (the owner's pid and a number counted in that process), and its
/// containers and network carry the owner's identity as the labels `indoubt.owner.pid` and
/// `indoubt.owner.start`, which ``ComposeReaper`` reads.
public struct ComposeProject: Sendable, Hashable {
    /// Every project name starts with this.
    public static let namePrefix = "indoubt-"
    /// The label with the owner's pid.
    public static let ownerPIDLabel = "indoubt.owner.pid"
    /// The label with the owner's start time (clock ticks since boot), against pid reuse.
    public static let ownerStartLabel = "indoubt.owner.start"
    /// The label Compose puts on every container and network of a project.
    public static let projectLabel = "com.docker.compose.project"
    /// The PostgreSQL service.
    public static let postgresService = "postgres"
    /// The fault-injecting service that shares the server's network namespace.
    public static let sidecarService = "sidecar"
    /// The streaming standby of the replication profile.
    public static let standbyService = "standby"
    /// The standby's sidecar.
    public static let standbySidecarService = "standby-sidecar"
    /// The compose profile that adds the standby and its sidecar.
    public static let replicationProfile = "replication"
    /// The `pg_hba.conf` the compose file mounts in the primary, which also lets replication
    /// connections in (trust, as the rest): the primary's `hba_file` in the replication profile.
    public static let replicationHBAFile = "/etc/indoubt/pg_hba.conf"
    /// The server's port inside the container.
    public static let containerPort = 5432
    /// The image when neither `--pg-image` nor `INDOUBT_PG_IMAGE` names one: the local build
    /// of `ci/build-images.sh`.
    public static let defaultPostgresImage = "indoubt/postgres:15"
    /// The sidecar image when `INDOUBT_SIDECAR_IMAGE` names none.
    public static let defaultSidecarImage = "indoubt/sidecar:latest"

    /// The project name, `indoubt-PID-N`.
    public var name: String
    /// The process that owns the project.
    public var owner: ProcessIdentity
    /// The PostgreSQL image.
    public var postgresImage: String
    /// The sidecar image (iptables, tc and sh).
    public var sidecarImage: String
    /// The host port on 127.0.0.1; `nil` lets Docker pick a free one.
    public var hostPort: Int?
    /// Server settings, passed as `-c name=value` arguments.
    public var settings: [String: String]
    /// With the replication profile, the standby's settings (`-c` arguments too); `nil` for
    /// one server.
    public var standbySettings: [String: String]?
    /// The compose file.
    public var file: ComposeFile
    /// The docker CLI.
    public var docker: String

    /// Creates a project description.
    public init(
        name: String, owner: ProcessIdentity, postgresImage: String = ComposeProject.defaultPostgresImage,
        sidecarImage: String = ComposeProject.defaultSidecarImage, hostPort: Int? = nil,
        settings: [String: String] = [:], standbySettings: [String: String]? = nil,
        file: ComposeFile = .embedded, docker: String = Docker.cli()
    ) {
        self.name = name
        self.owner = owner
        self.postgresImage = postgresImage
        self.sidecarImage = sidecarImage
        self.hostPort = hostPort
        self.settings = settings
        self.standbySettings = standbySettings
        self.file = file
        self.docker = docker
    }

    // MARK: Names

    /// `indoubt-PID-N`.
    public static func name(owner pid: Int32, sequence: Int) -> String {
        "\(namePrefix)\(pid)-\(sequence)"
    }

    /// The owner pid and sequence number of a project name, if it is one of ours.
    public static func parse(name: String) -> (pid: Int32, sequence: Int)? {
        guard name.hasPrefix(namePrefix) else { return nil }
        let parts = name.dropFirst(namePrefix.count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, let sequence = Int(parts[1]), sequence >= 0,
              String(pid) == parts[0], String(sequence) == parts[1] else { return nil }
        return (pid, sequence)
    }

    /// The image for this run: the explicit choice, else `INDOUBT_PG_IMAGE`, else the local build.
    public static func postgresImage(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for candidate in [explicit, environment["INDOUBT_PG_IMAGE"]] {
            if let candidate, !candidate.trimmingCharacters(in: .whitespaces).isEmpty { return candidate }
        }
        return defaultPostgresImage
    }

    /// The sidecar image: `INDOUBT_SIDECAR_IMAGE`, else the local build.
    public static func sidecarImage(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let image = environment["INDOUBT_SIDECAR_IMAGE"], !image.isEmpty { return image }
        return defaultSidecarImage
    }

    // MARK: Variables

    /// The server's extra arguments, `-c name=value` per setting in name order, each word
    /// quoted for Compose's shell-like splitting of a string `command`.
    public var serverArguments: String { Self.arguments(settings) }

    /// The standby's extra arguments, the same way; empty without the replication profile.
    public var standbyArguments: String { Self.arguments(standbySettings ?? [:]) }

    /// Whether the project runs the replication profile (a standby and its sidecar).
    public var isReplicated: Bool { standbySettings != nil }

    private static func arguments(_ settings: [String: String]) -> String {
        settings.sorted { $0.key < $1.key }
            .flatMap { ["-c", Command.Invocation.shellQuoted("\($0.key)=\($0.value)")] }
            .joined(separator: " ")
    }

    /// Every variable `docker-compose.yml` reads, all set, so that nothing in the caller's
    /// environment (an exported `INDOUBT_PG_PORT`, say) leaks into the project.
    public var environment: [String: String] {
        [
            "INDOUBT_PG_IMAGE": postgresImage,
            "INDOUBT_SIDECAR_IMAGE": sidecarImage,
            "INDOUBT_PG_PORT": hostPort.map(String.init) ?? "",
            "INDOUBT_PG_ARGS": serverArguments,
            "INDOUBT_STANDBY_PORT": "",
            "INDOUBT_STANDBY_ARGS": standbyArguments,
            "INDOUBT_OWNER_PID": String(owner.pid),
            "INDOUBT_OWNER_START": String(owner.startTicks),
        ]
    }

    // MARK: Commands

    /// `env VAR=value... docker compose -p NAME [--profile replication] -f FILE ARGUMENTS`; with
    /// the embedded file, `-f -` and the file's text on standard input. The profile is named
    /// when the project is replicated, or when `allProfiles` asks for it (a teardown must
    /// name it, or `down` leaves the standby behind).
    public func compose(_ arguments: [String], allProfiles: Bool = false) -> Command.Invocation {
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let profile = isReplicated || allProfiles ? ["--profile", Self.replicationProfile] : []
        let base = ["env"] + variables + [docker, "compose", "--project-name", name] + profile
        switch file {
        case .embedded:
            return Command.Invocation(base + ["--file", "-"] + arguments, input: ComposeFile.text)
        case .path(let url):
            return Command.Invocation(base + ["--file", url.path] + arguments)
        }
    }

    /// Validates and prints the resolved file (`docker compose config`).
    public var configCommand: Command.Invocation { compose(["config"]) }

    /// Creates and starts both services and waits until PostgreSQL's healthcheck passes.
    /// Never pulls: the images must be local (``ComposeCluster/problems(images:docker:)``
    /// says how to get them), so a run never reaches for a registry.
    public func upCommand(waitSeconds: Int) -> Command.Invocation {
        compose(["up", "--detach", "--wait", "--wait-timeout", String(waitSeconds), "--pull", "never", "--no-color"])
    }

    /// The published address of the server's port (`127.0.0.1:PORT`).
    public var portCommand: Command.Invocation { portCommand(Self.postgresService) }

    /// The published address of `service`'s server port.
    public func portCommand(_ service: String) -> Command.Invocation {
        compose(["port", service, String(Self.containerPort)])
    }

    /// The container id of `service`.
    public func containerIDCommand(_ service: String) -> Command.Invocation {
        compose(["ps", "--all", "--quiet", service])
    }

    /// The last lines of the server's log (and the standby's, when replicated).
    public var logsCommand: Command.Invocation {
        compose(["logs", "--no-color", "--tail", "40", Self.postgresService] + (isReplicated ? [Self.standbyService] : []))
    }

    /// Stops and removes the containers, the network and any volume at once (the data is
    /// throwaway).
    public var downCommand: Command.Invocation {
        compose(["down", "--volumes", "--remove-orphans", "--timeout", "0"], allProfiles: true)
    }

    /// A container's address on the project's network.
    public func addressCommand(container: String) -> Command.Invocation {
        Command.Invocation([docker, "inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", container])
    }

    /// Runs `invocation` in the sidecar, that is inside the server's network namespace.
    public static func exec(_ invocation: Command.Invocation, inContainer container: String, docker: String) -> Command.Invocation {
        let interactive = invocation.input == nil ? [] : ["--interactive"]
        return Command.Invocation([docker, "exec"] + interactive + [container] + invocation.arguments, input: invocation.input)
    }

    /// The host port in `docker compose port` output such as `127.0.0.1:49153`; `nil`
    /// unless it is published on 127.0.0.1.
    public static func parsePublishedPort(_ output: String) -> Int? {
        for line in output.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("127.0.0.1:"), let port = Int(text.dropFirst("127.0.0.1:".count)),
                  (1...65535).contains(port) else { continue }
            return port
        }
        return nil
    }
}
