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
    /// var acknowledged = 0
    /// let scan = try HistoryReader.forEachOperation(in: url) { operation in
    ///     if operation.f == .add && operation.type == .ok { acknowledged += 1 }
    /// }
    /// // scan.truncated tells whether the run was cut short
    /// ```
    ///
    /// - Throws: ``HistoryReadError``, or whatever `body` throws.
    @discardableResult
    public static func forEachOperation(
        in file: URL, _ body: (HistoryOperation) throws -> Void
    ) throws -> HistoryScan {
        let decoder = JSONDecoder()
        let scan: JSONLinesScan
        do {
            scan = try JSONLinesReader.forEachLine(
                in: file, decode: { try decoder.decode(HistoryOperation.self, from: $0) }
            ) { operation, _ in try body(operation) }
        } catch let error as JSONLinesError {
            throw HistoryReadError(error)
        }
        // A torn last line is a killed run — unless it is the only thing there, in which
        // case this is not a history at all.
        if scan.records == 0, let torn = scan.torn {
            throw HistoryReadError.corruptLine(file: file, line: torn.line, reason: torn.reason)
        }
        guard scan.records > 0 else {
            throw HistoryReadError.empty(file)
        }
        return HistoryScan(file: file, count: scan.records, truncated: scan.torn != nil)
    }
}
