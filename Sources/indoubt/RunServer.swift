import ArgumentParser
import Foundation
import InDoubt

/// The server `indoubt run` writes to: one of ``ServerBackendCatalog``'s backends
/// (`--backend`), or the node `indoubt serve` keeps (`--server FILE`). Mistakes become exit
/// code 2 with the fix.
enum RunServer {
    /// `--backend`'s help: every registered backend.
    static var help: ArgumentHelp {
        ArgumentHelp(
            "Where PostgreSQL runs: \(ServerBackendCatalog.names.joined(separator: ", ")) (default \(ServerBackendCatalog.defaultBackend.name)).",
            discussion: ServerBackendCatalog.all.map { "\($0.name): \($0.summary)" }.joined(separator: "\n"))
    }

    /// The backend `--backend` names (the catalog's default without it), given the options
    /// `--pg` and `--pg-image`, and the topology `--standbys` asks for.
    static func backend(_ chosen: String?, pg: String?, pgImage: String?, replication: Replication? = nil) throws -> any ServerBackend {
        let name = chosen ?? ServerBackendCatalog.defaultBackend.name
        do {
            return try ServerBackendCatalog.named(name).init(request: ServerRequest(postgres: pg, image: pgImage, replication: replication))
        } catch let error as ServerRequestError {
            throw ValidationError("--backend \(name): \(error.description)")
        }
    }

    /// The node `indoubt serve` describes in `file`; the backend options do not apply to it.
    static func served(_ file: String, backend: String?, pg: String?, pgImage: String?) throws -> RunningServer {
        guard backend == nil, pg == nil, pgImage == nil else {
            throw ValidationError("--server uses the node `indoubt serve` keeps: drop --backend, --pg and --pg-image")
        }
        do {
            return try ServedNode.read(from: URL(fileURLWithPath: file)).runningServer
        } catch {
            throw ValidationError(String(describing: error))
        }
    }

    /// `backend`, once its prerequisites are here; missing ones become exit code 2 with the fix.
    static func ready(_ backend: any ServerBackend) async throws -> any ServerBackend {
        let problems = await backend.problems()
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
        return backend
    }
}
