import Foundation

/// Why ``RunCheck`` could not check a recorded run. Nothing was written when it throws.
public enum RunCheckError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// Nothing exists at the path given.
    case notFound(URL)
    /// The folder holds no `history.jsonl`.
    case noHistory(folder: URL)
    /// The history file is missing, empty, corrupt or unreadable.
    case unreadableHistory(HistoryReadError)
    /// The results, summary or timeline could not be written.
    case cannotWrite(ReportError)

    /// A sentence that names the file and says what to do.
    public var description: String {
        switch self {
        case .notFound(let path):
            return "nothing at \(path.path): pass a run folder that `indoubt run --out FOLDER` wrote, "
                + "or the path of its \(RunFolder.historyFileName)."
        case .noHistory(let folder):
            return "no \(RunFolder.historyFileName) in \(folder.path): pass a run folder that "
                + "`indoubt run --out FOLDER` wrote, or the path of a history file itself."
        case .unreadableHistory(let error):
            return error.description
        case .cannotWrite(let error):
            return error.description
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
