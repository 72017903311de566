import ArgumentParser
import Foundation
import InDoubt

/// `indoubt node`: start one PostgreSQL node in a network namespace, report, and remove it.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Start a PostgreSQL node in its own network namespace, print its version and ready time, then remove it."
    )

    @Option(name: .long, help: "PostgreSQL major version (e.g. 15) or the path of a bin folder. Default: the newest installed.")
    var pg: String?

    @Option(name: .long, help: "How many nodes to start.")
    var nodes: Int = 1

    func validate() throws {
        guard nodes >= 1 && nodes <= 8 else { throw ValidationError("--nodes must be between 1 and 8, not \(nodes)") }
    }

    func run() async throws {
        let installation = try CLISupport.installation(pg)
        let cluster = try await CLISupport.cluster(nodes: nodes, installation: installation)
        do {
            for (node, ready) in zip(cluster.nodes, cluster.readyTimes) {
                let connection = try await PostgresConnection.connect(node.connectionOptions(), deadline: .after(.seconds(5)))
                let version = try await connection.query("SELECT version()", deadline: .after(.seconds(5)))
                connection.close()
                print("\(node.name) \(node.address):\(node.port) in namespace \(node.namespace)")
                print("  \(version.rows.first?.string(0) ?? "unknown version")")
                print("  ready in \(CLISupport.seconds(ready)) s (from launch to first successful connection)")
            }
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
        print("removed cluster slot \(cluster.slot)")
    }
}
