import Foundation

/// Why a ``JSONLinesWriter`` or ``JSONLinesReader`` failed, always with the file. Each
/// user of this layer turns it into its own public error, which says what to do about
/// its file.
enum JSONLinesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder that should hold the file does not exist.
    case missingFolder(URL)
    /// The file could not be created or opened for writing.
    case cannotCreate(URL, reason: String)
    /// A line could not be written.
    case writeFailed(URL, reason: String)
    /// Nothing exists at that path.
    case missingFile(URL)
    /// The path names a folder, not a file.
    case isFolder(URL)
    /// The file exists but could not be opened or read.
    case unreadable(URL, reason: String)
    /// A line (1-based) does not decode, and it is not a torn last line.
    case corruptLine(URL, line: Int, reason: String)

    var description: String {
        switch self {
        case .missingFolder(let file):
            return "cannot create \(file.path): the folder \(file.deletingLastPathComponent().path) does not exist"
        case .cannotCreate(let file, let reason):
            return "cannot create \(file.path): \(reason)"
        case .writeFailed(let file, let reason):
            return "could not append to \(file.path): \(reason)"
        case .missingFile(let file):
            return "no file at \(file.path)"
        case .isFolder(let file):
            return "\(file.path) is a folder, not a file"
        case .unreadable(let file, let reason):
            return "cannot read \(file.path): \(reason)"
        case .corruptLine(let file, let line, let reason):
            return "\(file.path), line \(line): \(reason)"
        }
    }

    /// The cause alone, without the file: for an owner whose own error names the file.
    var reason: String {
        switch self {
        case .missingFolder(let file): return "the folder \(file.deletingLastPathComponent().path) does not exist"
        case .cannotCreate(_, let reason), .writeFailed(_, let reason), .unreadable(_, let reason),
             .corruptLine(_, _, let reason):
            return reason
        case .missingFile: return "no such file"
        case .isFolder: return "it is a folder"
        }
    }

    /// The system's words for `code` (an `errno`).
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
