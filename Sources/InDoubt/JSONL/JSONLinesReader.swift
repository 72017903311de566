import Foundation

/// Reads a JSON Lines file written by a ``JSONLinesWriter``, in chunks, so a file of any
/// length is read in constant memory.
///
/// Tolerance rules:
/// - A last line without its newline that does not decode is torn (the writer was killed
///   while writing it): it is skipped and reported in ``JSONLinesScan/torn``.
/// - Any other line that does not decode (a newline-terminated last line too) is
///   ``JSONLinesError/corruptLine(_:line:reason:)``, with its 1-based number.
/// - Blank lines are skipped (they still count in the line numbers).
enum JSONLinesReader {
    /// Calls `decode` on each non-blank line and `body` with what it returns, in file
    /// order, with the line's number.
    ///
    /// - Throws: ``JSONLinesError``, or whatever `body` throws, unchanged. What `decode`
    ///   throws becomes a corrupt (or torn) line.
    @discardableResult
    static func forEachLine<Record>(
        in file: URL, decode: (Data) throws -> Record, _ body: (Record, _ line: Int) throws -> Void
    ) throws -> JSONLinesScan {
        let handle = try open(file)
        defer { try? handle.close() }

        var scan = JSONLinesScan()
        var buffer = Data()
        var lineNumber = 0
        let chunkSize = 1 << 16

        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: chunkSize)
            } catch {
                throw JSONLinesError.unreadable(file, reason: String(describing: error))
            }
            guard let chunk, !chunk.isEmpty else { break }
            buffer.append(chunk)

            var lineStart = buffer.startIndex
            while let newline = buffer[lineStart...].firstIndex(of: 0x0A) {
                lineNumber += 1
                let line = buffer[lineStart..<newline]
                lineStart = buffer.index(after: newline)
                guard !isBlank(line) else { continue }
                let record: Record
                do {
                    record = try decode(line)
                } catch {
                    throw JSONLinesError.corruptLine(file, line: lineNumber, reason: reason(error))
                }
                try body(record, lineNumber)
                scan.records += 1
            }
            buffer = Data(buffer[lineStart...])
        }

        if !isBlank(buffer) {
            lineNumber += 1
            let record: Record
            do {
                record = try decode(buffer)
            } catch {
                scan.torn = JSONLinesScan.TornLine(line: lineNumber, reason: reason(error))
                return scan
            }
            try body(record, lineNumber)
            scan.records += 1
        }
        return scan
    }

    /// Why a line did not decode, in a few words (`missing field "f"`, `not valid JSON`).
    static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
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

    // MARK: - Private

    private static func open(_ file: URL) throws(JSONLinesError) -> FileHandle {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder) else {
            throw .missingFile(file)
        }
        guard !isFolder.boolValue else {
            throw .isFolder(file)
        }
        do {
            return try FileHandle(forReadingFrom: file)
        } catch {
            throw .unreadable(file, reason: String(describing: error))
        }
    }

    private static func isBlank(_ bytes: Data) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }
}
