import Foundation

/// Which docker CLI the compose backend runs.
public enum Docker {
    /// `INDOUBT_DOCKER`, else Debian's `/usr/bin/docker` (from `docker.io`, matching the
    /// engine it ships with), else `docker` on `PATH`. `ci/docker-lib.sh` chooses the same way.
    public static func cli(environment: [String: String] = ProcessInfo.processInfo.environment,
                           isExecutable: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }) -> String {
        if let explicit = environment["INDOUBT_DOCKER"], !explicit.isEmpty { return explicit }
        if isExecutable("/usr/bin/docker") { return "/usr/bin/docker" }
        return "docker"
    }
}
