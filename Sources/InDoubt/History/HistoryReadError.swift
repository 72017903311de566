import Foundation

/// Why ``HistoryReader`` could not read a history file.
public enum HistoryReadError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// Nothing exists at that path.
    case missingFile(URL)
    /// The path names a folder, not a file.
    case isFolder(URL)
    /// The file exists but could not be opened or read.
    case unreadable(URL, reason: String)
    /// The file holds no operation at all.
    case empty(URL)
    /// A line (1-based `line`) is not an operation, and it is not a partial last line.
    case corruptLine(file: URL, line: Int, reason: String)
    /// The header line names a version of ``HistoryFormat`` this build does not know (a
    /// newer indoubt wrote it).
    case unknownVersion(file: URL, version: Int)

    /// A sentence that says what went wrong and what to do.
    public var description: String {
        switch self {
        case .missingFile(let file):
            return "no history file at \(file.path): pass the history.jsonl of a run folder "
                + "(a run writes one as it goes)."
        case .isFolder(let file):
            return "\(file.path) is a folder, not a history file: pass the history.jsonl "
                + "inside it."
        case .unreadable(let file, let reason):
            return "cannot read history file \(file.path): \(reason). Check its permissions."
        case .empty(let file):
            return "empty history: \(file.path) holds no operation. The run recorded nothing "
                + "(it stopped before its first operation); run it again."
        case .corruptLine(let file, let line, let reason):
            return "\(file.path), line \(line): not an InDoubt operation (\(reason)). This is "
                + "not an InDoubt history, or it was edited or damaged: each line must be one "
                + "JSON operation as written by HistoryRecorder. Only a partial last line (a "
                + "killed run) is tolerated."
        case .unknownVersion(let file, let version):
            return "\(file.path) is a version \(version) history; this indoubt reads versions "
                + "\(HistoryFormat.headerlessVersion) to \(HistoryFormat.version). Check it with the indoubt "
                + "that wrote it (or a newer one), or update this one."
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
