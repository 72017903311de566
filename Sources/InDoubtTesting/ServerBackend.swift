import Foundation
import InDoubt

/// Where the claims' PostgreSQL runs: chosen with `INDOUBT_BACKEND` (`netns`, the default,
/// or `compose`), so one suite proves the claims on either backend.
public enum ServerBackend: String, Sendable, CaseIterable {
    /// A network namespace per node (root, iptables, a local PostgreSQL).
    case netns
    /// Docker Compose: `INDOUBT_PG_IMAGE` (default `indoubt/postgres:15`) plus a sidecar.
    case compose

    /// The backend `INDOUBT_BACKEND` names (default ``netns``).
    public static func selected(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerBackend {
        guard let name = environment["INDOUBT_BACKEND"]?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return .netns }
        guard let backend = ServerBackend(rawValue: name.lowercased()) else {
            throw MissingPrerequisite(description: "INDOUBT_BACKEND='\(name)' names no backend; use one of: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return backend
    }
}

extension FaultEnvironment {
    /// Why compose clusters cannot run here (no docker CLI, no engine, no `docker compose`,
    /// an image missing); empty when they can.
    public static func composeProblems() async -> [String] {
        await ComposeCluster.checkProblems().map(\.description)
    }

    /// The decision for tests on `backend`. A compose test whose prerequisites are missing
    /// fails only when `INDOUBT_REQUIRE_FAULTS=1` *and* `INDOUBT_BACKEND=compose`: CI
    /// requires Docker only where it promised it.
    public static func decision(for backend: ServerBackend,
                                environment: [String: String] = ProcessInfo.processInfo.environment) async -> Decision {
        switch backend {
        case .netns:
            return decision()
        case .compose:
            let selected = (try? ServerBackend.selected(environment: environment)) == .compose
            let problems = await composeProblems()
            guard !problems.isEmpty else { return .run }
            let reason = "compose tests cannot run here: " + problems.joined(separator: "; ")
            if isRequired && selected {
                return .fail(reason + " (INDOUBT_REQUIRE_FAULTS=1 with INDOUBT_BACKEND=compose makes this a failure)")
            }
            return .skip(reason)
        }
    }
}
