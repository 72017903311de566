/// The PostgreSQL server of a compose project, as the experiment sees it.
///
/// Clients reach it on 127.0.0.1 at the published port, through Docker's port proxy.
/// Faults go into the server's network namespace through the sidecar container
/// (`docker exec`), so the iptables and tc rules never touch the host.
///
/// Behind the proxy, a server whose replies are dropped leaves the client waiting forever:
/// the proxy acknowledges every byte, so neither keepalives nor `tcp_user_timeout` fire on
/// the client's socket. Only the client's ``Deadline`` ends such a call.
public struct ComposeNode: ExperimentTarget, Sendable, Hashable {
    /// The compose project.
    public let project: String
    /// The node's name in a topology (`n1` the first primary, `n2` the standby): the name
    /// the history, the partitions and `synchronous_standby_names` use.
    public let name: String
    /// The compose service (`postgres`, `standby`).
    public let service: String
    /// The server container's address on the project's network (`nil` when not asked).
    public let networkAddress: String?
    /// The host port on 127.0.0.1.
    public let hostPort: Int
    /// The PostgreSQL container's id.
    public let postgresContainer: String
    /// The sidecar container's id (it shares the server's network namespace).
    public let sidecarContainer: String
    /// The image the server runs.
    public let image: String
    /// The docker CLI.
    public let docker: String

    /// Creates a node description (``ComposeCluster`` does this).
    public init(project: String, name: String = "n1", service: String = ComposeProject.postgresService, networkAddress: String? = nil,
                hostPort: Int, postgresContainer: String, sidecarContainer: String, image: String, docker: String) {
        self.project = project
        self.name = name
        self.service = service
        self.networkAddress = networkAddress
        self.hostPort = hostPort
        self.postgresContainer = postgresContainer
        self.sidecarContainer = sidecarContainer
        self.image = image
        self.docker = docker
    }

    /// The client's address: 127.0.0.1 and the published port.
    public var address: String { "127.0.0.1" }

    public var targetName: String { "\(project)/\(service)" }
    public var serverPort: Int { ComposeProject.containerPort }
    public var serverInterface: String { "eth0" }
    public var backendName: String { ComposeBackend.name }

    public func connectionOptions(applicationName: String = "indoubt") -> ConnectionOptions {
        ConnectionOptions(host: address, port: hostPort, applicationName: applicationName)
    }

    /// The clients' sockets to the published port, and every socket of the port proxy to
    /// the server's port in a container (the proxy acknowledges the clients' bytes at once,
    /// and its own socket is the one that retransmits them; its ports are not the clients').
    public func pendingSends(in table: SocketTable, clientPorts: Set<Int>) -> [SocketTable.Socket] {
        table.pendingSends(toPort: hostPort, address: address, fromLocalPorts: clientPorts) + table.pendingSends(toPort: serverPort)
    }

    /// The `docker exec` line that runs `invocation` in the sidecar.
    public func execInvocation(_ invocation: Command.Invocation) -> Command.Invocation {
        ComposeProject.exec(invocation, inContainer: sidecarContainer, docker: docker)
    }

    @discardableResult
    public func runInNetwork(_ invocation: Command.Invocation) async throws -> Command.Output {
        let exec = execInvocation(invocation)
        return try await Command.run(exec.arguments, input: exec.input)
    }
}
