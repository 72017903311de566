import Foundation
import InDoubt

/// Decides whether fault tests can run here, and what to do when they cannot.
///
/// Without root, `ip`, `iptables` or PostgreSQL, fault tests skip with the reason. With
/// `INDOUBT_REQUIRE_FAULTS=1` (CI sets it) a missing prerequisite fails the test instead,
/// because a fault test that silently skips proves nothing.
public enum FaultEnvironment {
    /// Whether `INDOUBT_REQUIRE_FAULTS=1` is set.
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["INDOUBT_REQUIRE_FAULTS"] == "1"
    }

    /// The PostgreSQL the tests use: `INDOUBT_PG` (a major version or a bin folder), else
    /// the newest installed.
    public static func installation() throws -> PostgresInstallation {
        try NamespaceBackend(request: .fromEnvironment(ProcessInfo.processInfo.environment)).installation
    }

    /// Why namespace clusters (and their faults) cannot run here; empty when they can.
    public static func problems() -> [String] {
        var problems = Prerequisites.problems().map(\.description)
        if problems.isEmpty {
            do { _ = try installation() } catch { problems.append(String(describing: error)) }
        }
        return problems
    }

    /// What a fixture should do.
    public enum Decision: Equatable, Sendable {
        /// Everything is here.
        case run
        /// Skip, with this reason.
        case skip(String)
        /// Fail, with this reason (`INDOUBT_REQUIRE_FAULTS=1`).
        case fail(String)
    }

    /// The decision for namespace clusters on this machine and environment.
    public static func decision() -> Decision {
        decide(problems: problems(), required: isRequired)
    }

    /// The decision for tests on `backend`. Under `INDOUBT_REQUIRE_FAULTS=1` a missing
    /// prerequisite fails the default backend's tests, and another backend's only when
    /// `INDOUBT_BACKEND` selects it: CI requires Docker only where it promised it.
    public static func decision(
        for backend: any ServerBackend.Type, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> Decision {
        var problems: [String]
        do {
            problems = try await backend.init(request: .fromEnvironment(environment)).problems()
        } catch {
            problems = [String(describing: error)]
        }
        let selected = (try? ServerBackendCatalog.selected(environment: environment)).map { $0.name }
        let promised = backend.name == selected || backend.name == ServerBackendCatalog.defaultBackend.name
        let required = environment["INDOUBT_REQUIRE_FAULTS"] == "1"
        return decide(problems: problems, required: required && promised, backend: backend.name)
    }

    /// The decision for given problems (pure, for unit tests).
    public static func decide(problems: [String], required: Bool, backend: String = NamespaceBackend.name) -> Decision {
        guard !problems.isEmpty else { return .run }
        let reason = "fault tests on the \(backend) backend cannot run here: " + problems.joined(separator: "; ")
        return required ? .fail(reason + " (INDOUBT_REQUIRE_FAULTS=1 makes this a failure)") : .skip(reason)
    }
}

/// The error a fixture throws when a prerequisite is missing and `INDOUBT_REQUIRE_FAULTS=1`.
public struct MissingPrerequisite: Error, CustomStringConvertible {
    /// What is missing and how to fix it.
    public var description: String

    /// Creates the error.
    public init(description: String) { self.description = description }
}
