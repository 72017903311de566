import Foundation

/// Reads a `history.jsonl` written by ``HistoryRecorder``.
///
/// The file is read in chunks and decoded line by line, so
/// ``forEachOperation(in:_:)`` checks a history of any length in constant memory.
///
/// It reads every version of ``HistoryFormat``: a version-1 history (no header line) is
/// handed on as version 2 says it (`HistoryOperation.upgradedFromVersion1()`); a newer
/// version is ``HistoryReadError/unknownVersion(file:version:)``.
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
        var version = HistoryFormat.headerlessVersion
        var firstLine = true
        var count = 0
        let scan: JSONLinesScan
        do {
            scan = try JSONLinesReader.forEachLine(in: file, decode: { line -> Line in
                defer { firstLine = false }
                if firstLine, let header = try? decoder.decode(HistoryFormat.Header.self, from: line),
                    header.format == HistoryFormat.name
                {
                    return .header(header)
                }
                return .operation(try decoder.decode(HistoryOperation.self, from: line))
            }) { line, _ in
                switch line {
                case .header(let header):
                    guard (HistoryFormat.headerlessVersion...HistoryFormat.version).contains(header.version) else {
                        throw HistoryReadError.unknownVersion(file: file, version: header.version)
                    }
                    version = header.version
                case .operation(let operation):
                    try body(version == 1 ? operation.upgradedFromVersion1() : operation)
                    count += 1
                }
            }
        } catch let error as JSONLinesError {
            throw HistoryReadError(error)
        }
        // A torn last line is a killed run — unless it is the only thing there, in which
        // case this is not a history at all.
        if scan.records == 0, let torn = scan.torn {
            throw HistoryReadError.corruptLine(file: file, line: torn.line, reason: torn.reason)
        }
        guard count > 0 else {
            throw HistoryReadError.empty(file)
        }
        return HistoryScan(file: file, count: count, truncated: scan.torn != nil)
    }

    /// A decoded line: the header, or an operation as the file's version wrote it.
    private enum Line {
        case header(HistoryFormat.Header)
        case operation(HistoryOperation)
    }
}
