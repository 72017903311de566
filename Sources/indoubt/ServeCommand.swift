import ArgumentParser
import Dispatch
import Foundation
import InDoubt

/// `indoubt serve`: keep one namespace node running, described in a file, until Ctrl-C, so
/// that `indoubt run --server FILE` can be killed while the server outlives it.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Keep a PostgreSQL node running until Ctrl-C, for runs that are killed on purpose.",
        discussion: """
            Writes the node's description to --describe. Then: `indoubt run --server FILE ...` (kill it \
            with kill -9 mid-COMMIT), `indoubt heal --server FILE` (remove the faults it left), and \
            `indoubt resolve RUN_DIR` (a restarted client: fence, then resolve from the intent log alone). \
            See docs/strategies.md.
            """
    )

    @Option(help: "Where to write the server description (JSON).")
    var describe: String

    @Option(help: "PostgreSQL major version (e.g. 15) or the path of a bin folder. Default: the newest installed.")
    var pg: String?

    func validate() throws {
        let folder = URL(fileURLWithPath: describe).deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("--describe \(describe): the folder \(folder.path) does not exist; create it first")
        }
        _ = try CLISupport.installation(pg)
    }

    func run() async throws {
        let installation = try CLISupport.installation(pg)
        // Room for two-phase commit too, so every strategy can run against it.
        let cluster = try await CLISupport.cluster(nodes: 1, installation: installation, settings: TwoPhaseCommitStrategy.requiredSettings)
        let node = cluster.nodes[0]
        let file = URL(fileURLWithPath: describe)
        do {
            try ServedNode(node: node).write(to: file)
        } catch {
            await cluster.shutdown()
            throw CLIError("cannot write \(file.path): \(error)")
        }
        print("serving PostgreSQL \(installation.version) on \(node.address):\(node.port) (namespace \(node.namespace)); described in \(file.path)")
        print("run against it with: indoubt run --server \(file.path) ...; stop with Ctrl-C")
        fflush(nil)
        await SignalWatch.next()
        await cluster.shutdown()
        try? FileManager.default.removeItem(at: file)
        print("stopped: the node is removed")
    }
}
