import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Appends lines to a JSON Lines file, each with one `write(2)` (looping only on a short
/// write): a line reaches the kernel at once, so a killed process (even with `SIGKILL`)
/// keeps every line it wrote, and at worst a torn last one, which ``JSONLinesReader``
/// tolerates. `FileHandle.write(contentsOf:)` does the same job at several times the cost,
/// which showed in the harness's throughput.
///
/// Not synchronized: its owner serializes the calls, under a lock of its own that also
/// keeps the lines in order.
final class JSONLinesWriter {
    /// What to do with what the file already holds.
    enum Start {
        /// Create the file, or empty it: a new run.
        case empty
        /// Create the file if needed, and append to what it holds: a restarted writer.
        case appending
    }

    /// The file.
    let file: URL
    /// The open file descriptor, or `-1` once closed.
    private(set) var descriptor: Int32

    /// Opens `file` for appending. Its folder must exist.
    init(file: URL, start: Start) throws(JSONLinesError) {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (start == .empty ? O_TRUNC : 0)
        let descriptor = Glibc.open(file.path, flags, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR: throw .missingFolder(file)
            default: throw .cannotCreate(file, reason: JSONLinesError.reason(code))
            }
        }
        self.file = file
        self.descriptor = descriptor
    }

    deinit {
        close()
    }

    /// Appends `line` and its newline, in one `write(2)`. `line` must hold no newline.
    func write(line: consuming [UInt8]) throws(JSONLinesError) {
        var bytes = line
        bytes.append(0x0A)
        try writeAll(bytes)
    }

    /// Appends `lines`, each with its newline, in one `write(2)`. No line may hold a newline.
    func write(lines: [[UInt8]]) throws(JSONLinesError) {
        guard lines.count != 1 else { return try write(line: lines[0]) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(lines.count) { $0 + $1.count })
        for line in lines {
            bytes += line
            bytes.append(0x0A)
        }
        try writeAll(bytes)
    }

    private func writeAll(_ bytes: [UInt8]) throws(JSONLinesError) {
        guard descriptor >= 0 else { throw .writeFailed(file, reason: "the file is closed") }
        let failure: Int32? = bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32? in
            guard var next = buffer.baseAddress else { return nil }
            var left = buffer.count
            while left > 0 {
                let written = Glibc.write(descriptor, next, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                left -= written
                next += written
            }
            return nil
        }
        if let failure { throw .writeFailed(file, reason: JSONLinesError.reason(failure)) }
    }

    /// Appends `value` as one line of JSON.
    func write(_ value: some Encodable, encoder: JSONEncoder) throws(JSONLinesError) {
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw .writeFailed(file, reason: "cannot encode the line: \(error)")
        }
        try write(line: Array(data))
    }

    /// Closes the file; later writes fail. Calling it again does nothing.
    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }
}
