import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One line of an ``IntentLog``.
public struct IntentRecord: Codable, Sendable, Hashable {
    /// What the line says.
    public enum Kind: String, Codable, Sendable {
        /// The client is about to run transaction ``txn`` for ``element`` (written and
        /// flushed to disk before the transaction begins).
        case intent
        /// How the client saw the write end (``outcome``), written after it ended.
        case outcome
    }

    /// What the line says.
    public var kind: Kind
    /// The client-generated transaction id (a UUID), also written to the ledger table.
    public var txn: String
    /// The element.
    public var element: Int
    /// The client.
    public var client: Int
    /// For `.outcome`: `ok`, `fail` or `info`.
    public var outcome: HistoryOperation.Kind?
    /// The `application_name` of every session the transaction may run on, unique to this
    /// client's incarnation: what a client restarted from the log fences (terminates and
    /// waits for) before it trusts the ledger. `nil` in logs written before it existed.
    public var session: String?

    /// Creates a record.
    public init(kind: Kind, txn: String, element: Int, client: Int, outcome: HistoryOperation.Kind? = nil,
                session: String? = nil) {
        self.kind = kind
        self.txn = txn
        self.element = element
        self.client = client
        self.outcome = outcome
        self.session = session
    }
}

/// Why an intent log could not be written or read.
public struct IntentLogError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the file and the line or system error.
    public var description: String
}

/// A client's local, append-only intent log (JSON lines): before a transaction begins,
/// its id and element are written **and flushed to disk**, so that a client restarted from
/// the log alone knows which transactions it may have left in doubt.
///
/// Appends may come from any task; lines are written with one `write(2)` each under a
/// lock, and the `fsync` runs outside the lock on a dispatch thread, so concurrent clients
/// share flushes instead of queueing behind each other.
public final class IntentLog: Sendable {
    /// The file.
    public let url: URL
    private let descriptor = Mutex<Int32>(-1)

    /// A log at `url` (nothing is opened until the first write).
    public init(url: URL) {
        self.url = url
    }

    deinit {
        close()
    }

    /// Starts an empty log (creating its folder), replacing any previous run's.
    public func reset() throws {
        try descriptor.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            fd = try Self.open(url, truncate: true)
        }
    }

    /// Appends an intent and returns once it is on disk.
    public func appendIntent(_ record: IntentRecord) async throws {
        // Flush through a duplicate of the descriptor, so that a concurrent close() cannot
        // make the fsync hit whatever file reuses the number.
        let fd = dup(try append(record))
        guard fd >= 0 else {
            throw IntentLogError(description: "could not flush \(url.path): \(String(cString: strerror(errno)))")
        }
        let status: Int32 = await withCheckedContinuation { continuation in
            Blocking.queue.async {
                let status = fsync(fd) == 0 ? 0 : errno
                Glibc.close(fd)
                continuation.resume(returning: status)
            }
        }
        if status != 0 {
            throw IntentLogError(description: "could not flush \(url.path): \(String(cString: strerror(status)))")
        }
    }

    /// Appends an outcome (not flushed: losing it only makes a restarted client resolve a
    /// write it did not need to).
    public func appendOutcome(_ record: IntentRecord) throws {
        _ = try append(record)
    }

    /// Closes the file. Later appends reopen it.
    public func close() {
        descriptor.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    private func append(_ record: IntentRecord) throws -> Int32 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(record)
        line.append(0x0A)
        return try descriptor.withLock { fd in
            if fd < 0 { fd = try Self.open(url, truncate: false) }
            let written = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written == line.count else {
                throw IntentLogError(description: "could not append to \(url.path): \(written < 0 ? String(cString: strerror(errno)) : "short write")")
            }
            return fd
        }
    }

    private static func open(_ url: URL, truncate: Bool) throws -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        let fd = Glibc.open(url.path, flags, 0o644)
        guard fd >= 0 else {
            throw IntentLogError(description: "could not open the intent log \(url.path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// Every record of the log at `url`, in order. A partial last line (a crash in the
    /// middle of a write) is skipped; a damaged line before the last is an error.
    public static func read(_ url: URL) throws -> [IntentRecord] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw IntentLogError(description: "could not read the intent log \(url.path): \(error.localizedDescription)")
        }
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        var records: [IntentRecord] = []
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do {
                records.append(try decoder.decode(IntentRecord.self, from: Data(line)))
            } catch {
                if index == lines.count - 1 { break }  // the unterminated tail of an interrupted write
                throw IntentLogError(description: "\(url.path) line \(index + 1) is not an intent record: \(error)")
            }
        }
        return records
    }

    /// The writes `records` leave in doubt: an intent whose last outcome is `info`, or that
    /// has no outcome at all (the client died mid-write), in element order.
    public static func inDoubt(_ records: [IntentRecord]) -> [IndeterminateWrite] {
        var intents: [String: IntentRecord] = [:]
        var outcomes: [String: HistoryOperation.Kind] = [:]
        for record in records {
            switch record.kind {
            case .intent: intents[record.txn] = record
            case .outcome: if let outcome = record.outcome { outcomes[record.txn] = outcome }
            }
        }
        return intents.values
            .filter { outcomes[$0.txn] == nil || outcomes[$0.txn] == .info }
            .map { IndeterminateWrite(element: $0.element, client: $0.client, token: $0.txn) }
            .sorted { ($0.element, $0.token ?? "") < ($1.element, $1.token ?? "") }
    }
}
