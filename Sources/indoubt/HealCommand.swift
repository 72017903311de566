import ArgumentParser
import Foundation
import InDoubt

/// `indoubt heal --server FILE`: remove the faults a killed run left in a served node.
struct HealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heal",
        abstract: "Remove every fault in the namespace of a node that `indoubt serve` keeps (what a killed run left)."
    )

    @Option(help: "The server description written by `indoubt serve --describe`.")
    var server: String

    func run() async throws {
        let node: ServedNode
        do {
            node = try ServedNode.read(from: URL(fileURLWithPath: server))
        } catch {
            throw CLIError(String(describing: error))
        }
        do {
            try await node.healEverything()
        } catch {
            throw CLIError("cannot heal the faults in namespace \(node.namespace) (is `indoubt serve` still running?): \(error)")
        }
        print("healed: no fault rule is left in namespace \(node.namespace)")
    }
}
