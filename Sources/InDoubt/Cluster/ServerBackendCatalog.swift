import Foundation

/// Every server backend, by name: the one registration a new backend needs. The CLI's
/// `--backend`, its help, its SIGINT handler and the fixtures' `INDOUBT_BACKEND` all read
/// this list.
public enum ServerBackendCatalog {
    /// The backends, the default first.
    public static let all: [any ServerBackend.Type] = [NamespaceBackend.self, ComposeBackend.self]

    /// The backend used when none is named.
    public static var defaultBackend: any ServerBackend.Type { all[0] }

    /// Every backend's name.
    public static var names: [String] { all.map { $0.name } }

    /// The backend called `name` (case-insensitive), or an error that lists the names.
    public static func named(_ name: String) throws -> any ServerBackend.Type {
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let backend = all.first(where: { $0.name == wanted }) else {
            throw ServerRequestError("'\(name)' names no backend; choose one of: \(names.joined(separator: ", "))")
        }
        return backend
    }

    /// The backend `INDOUBT_BACKEND` names, or the default when it is unset or empty.
    public static func selected(environment: [String: String]) throws -> any ServerBackend.Type {
        guard let name = environment["INDOUBT_BACKEND"], !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            return defaultBackend
        }
        do {
            return try named(name)
        } catch let error as ServerRequestError {
            throw ServerRequestError("INDOUBT_BACKEND: \(error.description)")
        }
    }

    /// Removes every server of this process, on every backend, at once (SIGINT).
    public static func shutdownAllNow() {
        for backend in all { backend.shutdownAllNow() }
    }
}
