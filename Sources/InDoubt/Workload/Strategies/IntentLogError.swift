import Foundation

/// Why an intent log could not be written or read.
public struct IntentLogError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the file and the line or system error.
    public var description: String
}

extension IntentLogError {
    /// The intent log's words for a failure of the JSON Lines layer.
    init(_ error: JSONLinesError) {
        switch error {
        case .missingFolder(let file), .cannotCreate(let file, _):
            description = "could not open the intent log \(file.path): \(error.reason)"
        case .writeFailed(let file, _):
            description = "could not append to the intent log \(file.path): \(error.reason)"
        case .missingFile(let file), .isFolder(let file), .unreadable(let file, _):
            description = "could not read the intent log \(file.path): \(error.reason)"
        case .corruptLine(let file, let line, let reason):
            description = "\(file.path) line \(line) is not an intent record: \(reason)"
        }
    }
}
