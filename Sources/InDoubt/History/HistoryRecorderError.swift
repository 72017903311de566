import Foundation

/// Why a ``HistoryRecorder`` could not create or write its history file.
public enum HistoryRecorderError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The folder that should hold the history file does not exist.
    case missingFolder(file: URL)
    /// The history file could not be created (permissions, a read-only file system, …).
    case cannotCreate(file: URL, reason: String)
    /// A line could not be written; the history on disk is incomplete from `index` on.
    case writeFailed(file: URL, index: Int, reason: String)
    /// `HistoryRecorder.append(...)` was
    /// called after ``HistoryRecorder/close()``; the operation was not written.
    case appendAfterClose(file: URL, index: Int)

    /// A sentence that says what went wrong and what to do.
    public var description: String {
        switch self {
        case .missingFolder(let file):
            return "cannot create history file \(file.path): the folder "
                + "\(file.deletingLastPathComponent().path) does not exist. Create it first "
                + "(or choose an existing run folder)."
        case .cannotCreate(let file, let reason):
            return "cannot create history file \(file.path): \(reason). Check that the folder "
                + "is writable and that the path is not a folder."
        case .writeFailed(let file, let index, let reason):
            return "could not write operation \(index) to history file \(file.path): \(reason). "
                + "The history is incomplete from that operation on; free disk space or choose "
                + "another folder and run again."
        case .appendAfterClose(let file, let index):
            return "operation \(index) was recorded after the history file \(file.path) was "
                + "closed, so it is not in the file. Close the recorder only after the last "
                + "operation (the final read) has completed."
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
