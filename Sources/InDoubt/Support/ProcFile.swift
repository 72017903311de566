import Foundation

/// Reading files under /proc.
enum ProcFile {
    /// The whole of a /proc file. `String(contentsOfFile:)` stops after the first 4 KB of a
    /// file whose size /proc reports as 0: a mount table passes that as soon as Docker or a
    /// few clusters run, and `/proc/net/tcp` as soon as a few dozen sockets exist.
    static func read(_ path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }
}
