import CLibPQ
import Dispatch

/// The client library the workload's connections go through (issue 15): the harness's own
/// libpq client, or postgres-nio, the driver under Vapor, Hummingbird and PostgresKit.
///
/// postgres-nio is there only in a build with the package trait `PostgresNIO`
/// (`swift build --traits PostgresNIO`); a plain build does not pay its build time.
/// The harness's own connections (set-up, fence, resolution, final read) always use libpq,
/// so that what the checker reads does not depend on the driver on trial.
public enum DatabaseDriver: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// libpq, non-blocking, with the harness's deadlines (``PostgresConnection``).
    case libpq
    /// vapor/postgres-nio, through ``NIOConnection`` (trait `PostgresNIO`).
    case postgresNIO = "postgres-nio"

    /// The version of postgres-nio the package depends on (`from:` in Package.swift; the
    /// machine's package copy has exactly this one). postgres-nio has no version constant
    /// of its own to read at run time.
    public static let postgresNIOVersion = "1.33.2"

    /// The drivers this build has: libpq always, postgres-nio with the trait.
    public static var available: [DatabaseDriver] {
        allCases.filter(\.isAvailable)
    }

    /// Whether this build has the driver.
    public var isAvailable: Bool {
        switch self {
        case .libpq: return true
        case .postgresNIO:
            #if PostgresNIO
            return true
            #else
            return false
            #endif
        }
    }

    /// What to do to get the driver in a build that lacks it.
    public var unavailableReason: String? {
        guard !isAvailable else { return nil }
        return "this build has no \(rawValue) driver: build with the package trait PostgresNIO, "
            + "`swift build --traits PostgresNIO` (a separate `--scratch-path`, such as .build-nio, keeps the plain build's cache)"
    }

    /// The driver and its version, as results.json and the summary name it:
    /// `libpq 15.18`, `postgres-nio 1.33.2`.
    public var description: String { "\(rawValue) \(version)" }

    /// The library's version: libpq's from `PQlibVersion`, postgres-nio's the package's.
    public var version: String {
        switch self {
        case .libpq:
            let number = Int(PQlibVersion())
            return number >= 100000 ? "\(number / 10000).\(number % 10000)" : "\(number / 10000).\(number / 100 % 100).\(number % 100)"
        case .postgresNIO:
            return Self.postgresNIOVersion
        }
    }

    /// Opens a connection through the driver, by `deadline`.
    ///
    /// - Parameter options: Where to connect, and the client's settings.
    /// - Parameter deadline: When to give up.
    /// - Parameter queue: For libpq, the serial queue of the connection's blocking work
    ///   (see ``PostgresConnection/connect(_:deadline:queue:)``); postgres-nio uses its
    ///   event loops.
    /// - Throws: ``PostgresError`` (sent `.nothing`); kind `client` for a driver this build
    ///   lacks.
    public func connect(_ options: ConnectionOptions, deadline: Deadline, queue: DispatchQueue? = nil) async throws
        -> any DatabaseConnection {
        switch self {
        case .libpq:
            return try await PostgresConnection.connect(options, deadline: deadline, queue: queue)
        case .postgresNIO:
            #if PostgresNIO
            return try await NIOConnection.connect(options, deadline: deadline)
            #else
            throw PostgresError(kind: .client, message: unavailableReason ?? rawValue, sent: .nothing)
            #endif
        }
    }
}
