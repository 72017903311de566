import Foundation

/// Where the compose file comes from.
public enum ComposeFile: Sendable, Hashable {
    /// The harness's own copy (``ComposeFile/text``), given on standard input.
    case embedded
    /// A file on disk (`INDOUBT_COMPOSE_FILE`).
    case path(URL)

    /// `INDOUBT_COMPOSE_FILE` when set, else the embedded copy.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ComposeFile {
        if let path = environment["INDOUBT_COMPOSE_FILE"], !path.isEmpty { return .path(URL(fileURLWithPath: path)) }
        return .embedded
    }
}
