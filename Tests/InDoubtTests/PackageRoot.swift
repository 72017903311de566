import Foundation

/// The package's folder (the one with Package.swift), found from this file's path, for
/// tests that read the repository's own files.
enum PackageRoot {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `path`, relative to the package's folder.
    static func file(_ path: String) -> URL { url.appendingPathComponent(path) }
}
