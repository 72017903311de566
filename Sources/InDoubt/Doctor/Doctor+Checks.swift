import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The checks of ``Doctor``, each done the way the suite uses what it checks.
extension Doctor {
    /// Root, with CAP_NET_ADMIN (a container may drop it from root): namespaces and iptables need both.
    static func privileges(capabilities: String? = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) -> Check {
        guard geteuid() == 0 else {
            return Check("root", ok: false, detail: ClusterError.notRoot.description, fix: "sudo -E \(CommandLine.arguments.joined(separator: " "))")
        }
        guard let capabilities, let effective = effectiveCapabilities(capabilities) else {
            return Check("root", ok: true, detail: "uid 0 (CAP_NET_ADMIN not readable from /proc/self/status)")
        }
        let netAdmin: UInt64 = 1 << 12
        guard effective & netAdmin != 0 else {
            return Check("root", ok: false, detail: "uid 0, but without CAP_NET_ADMIN (a container that dropped it)",
                         fix: "give the container the capability: docker run --cap-add NET_ADMIN … (or --privileged)")
        }
        return Check("root", ok: true, detail: "uid 0 with CAP_NET_ADMIN")
    }

    /// The `CapEff` mask of a `/proc/PID/status` text.
    static func effectiveCapabilities(_ status: String) -> UInt64? {
        status.split(separator: "\n").first { $0.hasPrefix("CapEff:") }
            .flatMap { UInt64($0.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16) }
    }

    /// The tools the namespace backend runs, each run once for its version.
    static func tools() -> [Check] {
        let tools: [(tool: String, package: String, version: [String])] = [
            ("ip", "iproute2", ["-V"]), ("tc", "iproute2", ["-V"]), ("iptables", "iptables", ["--version"]),
            ("setpriv", "util-linux", ["--version"]), ("nsenter", "util-linux", ["--version"]), ("unshare", "util-linux", ["--version"]),
        ]
        return tools.map { tool, package, version in
            guard let path = Command.find(tool) else {
                return Check(tool, ok: false, detail: "not installed", fix: "apt-get install \(package)")
            }
            do {
                let output = try Command.runBlocking([path.path] + version)
                let said = (output.stdout + output.stderr).split(separator: "\n").first.map(String.init) ?? ""
                return Check(tool, ok: true, detail: "\(path.path): \(said.trimmingCharacters(in: .whitespaces))")
            } catch {
                return Check(tool, ok: false, detail: "\(path.path) \(version.joined(separator: " ")) failed: \(error)",
                             fix: "apt-get install --reinstall \(package)")
            }
        }
    }

    /// The kernel features the faults use, used once in a throwaway network namespace
    /// (`unshare --net`: it goes when the command ends, even after a kill -9): iptables'
    /// `string` and `comment` matches (drop-commit-ack) and the `tbf` qdisc (slow).
    static func kernelFeatures(canRun: Bool) -> [Check] {
        let probes: [(name: String, command: String, fix: String)] = [
            ("iptables string match", "iptables -w -A OUTPUT -p tcp -m string --algo bm --string COMMIT -m comment --comment indoubt-doctor -j DROP",
             "modprobe xt_string xt_comment (the kernel's netfilter string and comment matches)"),
            ("tc tbf qdisc", "tc qdisc add dev lo root tbf rate 1mbit burst 4kb latency 2s",
             "modprobe sch_tbf (the kernel's token bucket filter)"),
        ]
        return probes.map { name, command, fix in
            guard canRun, let unshare = Command.find("unshare") else {
                return Check(name, ok: false, detail: "not tried: needs root and the tools above", fix: "fix the lines above, then run this again")
            }
            do {
                try Command.runBlocking([unshare.path, "--net", "sh", "-c", command])
                return Check(name, ok: true, detail: "works (tried in a throwaway network namespace)")
            } catch {
                return Check(name, ok: false, detail: "\(command) failed: \(error)", fix: fix)
            }
        }
    }

    /// The user the servers run as (initdb refuses root).
    static func postgresUser() -> Check {
        guard let entry = getpwnam("postgres") else {
            return Check("postgres user", ok: false, detail: ClusterError.missingPostgresUser.description,
                         fix: "useradd --system --create-home postgres")
        }
        return Check("postgres user", ok: true, detail: "uid \(entry.pointee.pw_uid)")
    }

    /// The client library this binary runs with, and its development files for `swift build`.
    static func libpq() -> [Check] {
        var checks = [Check("libpq", ok: true, detail: "libpq \(DatabaseDriver.libpq.version) loaded")]
        if let pkgConfig = Command.find("pkg-config"),
           let version = try? Command.runBlocking([pkgConfig.path, "--modversion", "libpq"]).stdout {
            checks.append(Check("libpq-dev", ok: true, detail: "pkg-config finds libpq \(version.trimmingCharacters(in: .whitespacesAndNewlines)) (swift build)"))
        } else {
            checks.append(Check("libpq-dev", ok: false, detail: "pkg-config does not find libpq: swift build cannot link the CLibPQ module",
                                fix: "apt-get install libpq-dev pkg-config"))
        }
        return checks
    }

    /// The subnet base (`INDOUBT_SUBNET`) must be free of other routes.
    static func subnet(routes: String = (try? Command.runBlocking(["ip", "-4", "route", "show"]).stdout) ?? "") -> Check {
        let name = "subnet \(SubnetGuard.network)"
        do {
            try Naming.validateSubnetBase()
        } catch {
            return Check(name, ok: false, detail: String(describing: error), fix: "export INDOUBT_SUBNET=10.214")
        }
        let clashes = RouteTable(ipRouteOutput: routes).overlapping(SubnetGuard.network)
        guard clashes.isEmpty else {
            return Check(name, ok: false, detail: ClusterError.subnetInUse(base: Naming.subnetBase, routes: clashes).description,
                         fix: "export INDOUBT_SUBNET=10.214 (any free private /16)")
        }
        return Check(name, ok: true, detail: "free: no route of anyone else's overlaps it")
    }

    /// The protection that keeps cluster packets on the machine: an `unreachable` route for
    /// the whole subnet, which every cluster start installs first. Checked after a server
    /// started (it must be there then); before, only whether it could be installed.
    static func guardRoute(afterStart started: Bool) -> Check {
        let name = "packets stay on the machine"
        if SubnetGuard.isInstalled {
            return Check(name, ok: true, detail: "`unreachable \(SubnetGuard.network)` in the root namespace's routes: nothing addressed to the clusters can leave")
        }
        if started {
            return Check(name, ok: false, detail: "a server started, yet there is no `unreachable \(SubnetGuard.network)` route",
                         fix: SubnetGuard.installCommand.joined(separator: " "))
        }
        return Check(name, ok: true, detail: "not installed yet: the first cluster installs `\(SubnetGuard.installCommand.joined(separator: " "))`")
    }

    /// Every PostgreSQL installation found, each started once as a server that answers a
    /// query; then the guard route that the start installed.
    static func installations(environment: [String: String], canStart: Bool) async -> [Check] {
        let survey = PostgresInstallation.survey(environment: environment)
        var checks = survey.problems.map { folder, problem in
            Check("PostgreSQL at \(folder.path)", ok: false, detail: problem, fix: "bash ci/install-postgres.sh (16, 17, 18) or apt-get install postgresql (15)")
        }
        if survey.chosen.isEmpty {
            checks.append(Check("PostgreSQL", ok: false, detail: ClusterError.unknownVersion(requested: "any", installed: []).description,
                                fix: "bash ci/setup.sh (installs 15, 16, 17 and 18)"))
        }
        var started = false
        for installation in survey.chosen {
            let name = "PostgreSQL \(installation.major)"
            guard canStart else {
                checks.append(Check(name, ok: false, detail: "\(installation.version) at \(installation.binDirectory.path); not started: fix the lines above first",
                                    fix: "fix the lines above, then run this again"))
                continue
            }
            let began = ContinuousClock.now
            do {
                let cluster = try await NamespaceCluster.start(installation: installation)
                started = true
                let answered: String
                do {
                    let node = cluster.nodes[0]
                    let connection = try await PostgresConnection.connect(node.connectionOptions(applicationName: "indoubt-doctor"), deadline: .after(.seconds(10)))
                    defer { connection.close() }
                    answered = try await connection.query("SHOW server_version", deadline: .after(.seconds(10))).rows.first?.string(0) ?? "?"
                } catch {
                    await cluster.shutdown()
                    throw error
                }
                await cluster.shutdown()
                let took = began.duration(to: .now)
                checks.append(Check(name, ok: true, detail: "\(installation.binDirectory.path): a server started and answered \(answered) (\(String(format: "%.2f", took.seconds)) s)"))
            } catch {
                checks.append(Check(name, ok: false, detail: "\(installation.binDirectory.path): \(error)", fix: "bash ci/install-postgres.sh \(installation.major)"))
            }
        }
        checks.append(guardRoute(afterStart: started))
        return checks
    }

    /// pgbench, the bench's baseline.
    static func pgbench(environment: [String: String]) -> Check {
        guard let newest = PostgresInstallation.discover(environment: environment).first else {
            return Check("pgbench", need: .bench, ok: false, detail: "no PostgreSQL installation to go with", fix: "bash ci/setup.sh")
        }
        guard let binary = PgBench.binary(for: newest) else {
            return Check("pgbench", need: .bench, ok: false, detail: "not found beside PostgreSQL \(newest.major)", fix: "apt-get install postgresql-contrib")
        }
        return Check("pgbench", need: .bench, ok: true, detail: binary.path)
    }

    /// A Docker engine, Compose and the images, for the compose backend.
    static func compose() async -> [Check] {
        let problems = await ComposeCluster.checkProblems()
        guard !problems.isEmpty else {
            return [Check("Docker and Compose", need: .compose, ok: true,
                          detail: "an engine answers, `docker compose` runs, \(ComposeProject.postgresImage(nil)) and \(ComposeProject.sidecarImage()) are present")]
        }
        return problems.map {
            Check("Docker and Compose", need: .compose, ok: false, detail: $0.description, fix: "bash ci/test-compose.sh (installs and starts all of it)")
        }
    }

    /// Headless Chromium, for the timeline's browser test.
    static func chromium() -> Check {
        guard let path = Command.find("chromium") ?? Command.find("chromium-browser") else {
            return Check("chromium", need: .browser, ok: false, detail: "not installed", fix: "bash ci/install-chromium.sh")
        }
        return Check("chromium", need: .browser, ok: true, detail: path.path)
    }
}
