extension HistoryReadError {
    /// The history's words for a failure of the JSON Lines layer.
    init(_ error: JSONLinesError) {
        switch error {
        case .missingFile(let file): self = .missingFile(file)
        case .isFolder(let file): self = .isFolder(file)
        case .unreadable(let file, let reason): self = .unreadable(file, reason: reason)
        case .corruptLine(let file, let line, let reason): self = .corruptLine(file: file, line: line, reason: reason)
        case .missingFolder(let file), .cannotCreate(let file, _), .writeFailed(let file, _):
            self = .unreadable(file, reason: error.description)  // a reader never writes
        }
    }
}
