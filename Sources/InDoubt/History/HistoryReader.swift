import Foundation

/// Reads a `history.jsonl` written by ``HistoryRecorder``.
///
/// The file is read in chunks and decoded line by line, so
/// ``forEachOperation(in:_:)`` checks a history of any length in constant memory.
///
/// Tolerance rules:
/// - A last line without its terminating newline that does not decode is a partial line
///   left by a killed run: it is skipped and reported as `truncated`.
/// - Any other line that does not decode (including a newline-terminated last line) is an
///   error naming the file and line: the file is not an InDoubt history.
/// - Blank lines are skipped.
/// - A file without any operation is an error (``HistoryReadError/empty(_:)``).
public enum HistoryReader {
    /// Reads a whole history into memory.
    ///
    /// - Throws: ``HistoryReadError``.
    public static func read(_ file: URL) throws -> History {
        var operations: [HistoryOperation] = []
        let scan = try forEachOperation(in: file) { operations.append($0) }
        return History(file: file, operations: operations, truncated: scan.truncated)
    }

    /// Streams a history: calls `body` with each complete operation, in file order.
    ///
    /// ```swift
    /// var checker = SetChecker()
    /// let scan = try HistoryReader.forEachOperation(in: url) { checker.consume($0) }
    /// let result = checker.result()   // scan.truncated tells whether the run was cut short
    /// ```
    ///
    /// - Throws: ``HistoryReadError``, or whatever `body` throws.
    @discardableResult
    public static func forEachOperation(
        in file: URL, _ body: (HistoryOperation) throws -> Void
    ) throws -> HistoryScan {
        let handle = try open(file)
        defer { try? handle.close() }

        let decoder = JSONDecoder()
        var buffer = Data()
        var lineNumber = 0
        var count = 0
        let chunkSize = 1 << 16

        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: chunkSize)
            } catch {
                throw HistoryReadError.unreadable(file, reason: String(describing: error))
            }
            guard let chunk, !chunk.isEmpty else { break }
            buffer.append(chunk)

            var lineStart = buffer.startIndex
            while let newline = buffer[lineStart...].firstIndex(of: 0x0A) {
                lineNumber += 1
                let line = buffer[lineStart..<newline]
                lineStart = buffer.index(after: newline)
                guard !isBlank(line) else { continue }
                do {
                    try body(try decode(line, decoder: decoder))
                } catch let error as LineError {
                    throw HistoryReadError.corruptLine(
                        file: file, line: lineNumber, reason: error.reason)
                }
                count += 1
            }
            buffer = Data(buffer[lineStart...])
        }

        var truncated = false
        if !isBlank(buffer) {
            lineNumber += 1
            do {
                try body(try decode(buffer, decoder: decoder))
                count += 1
            } catch let error as LineError {
                // A partial last line is a killed run — unless it is the only thing there,
                // in which case this is not a history at all.
                guard count > 0 else {
                    throw HistoryReadError.corruptLine(
                        file: file, line: lineNumber, reason: error.reason)
                }
                truncated = true
            }
        }
        guard count > 0 else {
            throw HistoryReadError.empty(file)
        }
        return HistoryScan(file: file, count: count, truncated: truncated)
    }

    // MARK: - Private

    /// A line that does not decode; kept apart from errors thrown by the caller's body.
    private struct LineError: Error {
        var reason: String
    }

    private static func open(_ file: URL) throws -> FileHandle {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder) else {
            throw HistoryReadError.missingFile(file)
        }
        guard !isFolder.boolValue else {
            throw HistoryReadError.isFolder(file)
        }
        do {
            return try FileHandle(forReadingFrom: file)
        } catch {
            throw HistoryReadError.unreadable(file, reason: String(describing: error))
        }
    }

    private static func decode(_ line: Data, decoder: JSONDecoder) throws -> HistoryOperation {
        do {
            return try decoder.decode(HistoryOperation.self, from: line)
        } catch let error as DecodingError {
            throw LineError(reason: describe(error))
        } catch {
            throw LineError(reason: String(describing: error))
        }
    }

    private static func isBlank(_ bytes: Data) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at \"\(keys)\""
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "not valid JSON"
            }
            return context.debugDescription + path(context)
        case .keyNotFound(let key, _):
            return "missing field \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            return "expected \(type)\(path(context))"
        case .valueNotFound(let type, let context):
            return "missing \(type)\(path(context))"
        @unknown default:
            return String(describing: error)
        }
    }
}
