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
    private let writer = Mutex<JSONLinesWriter?>(nil)

    /// A log at `url` (nothing is opened until the first write).
    public init(url: URL) {
        self.url = url
    }

    deinit {
        close()
    }

    /// Starts an empty log (creating its folder), replacing any previous run's.
    public func reset() throws {
        try writer.withLock { writer in
            writer?.close()
            writer = nil
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            do throws(JSONLinesError) {
                writer = try JSONLinesWriter(file: url, start: .empty)
            } catch {
                throw IntentLogError(error)
            }
        }
    }

    /// Appends an intent and returns once it is on disk.
    public func appendIntent(_ record: IntentRecord) async throws {
        // Flush through a duplicate of the descriptor, taken under the lock, so that a
        // concurrent close() cannot make the fsync hit whatever file reuses the number.
        let fd = try append(record, duplicatingDescriptor: true)
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
        _ = try append(record, duplicatingDescriptor: false)
    }

    /// Closes the file. Later appends reopen it.
    public func close() {
        writer.withLock { writer in
            writer?.close()
            writer = nil
        }
    }

    /// Writes `record` as one line; returns a duplicate of the file's descriptor if asked
    /// (close-on-exec; `-1` if that failed), else `-1`.
    private func append(_ record: IntentRecord, duplicatingDescriptor: Bool) throws -> Int32 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try writer.withLock { writer in
            do {
                // A restarted client appends to what its log holds.
                let open = try writer ?? JSONLinesWriter(file: url, start: .appending)
                writer = open
                try open.write(record, encoder: encoder)
                // Close-on-exec like the original, so that no server spawned meanwhile inherits it.
                return duplicatingDescriptor ? fcntl(open.descriptor, F_DUPFD_CLOEXEC, 0) : -1
            } catch let error as JSONLinesError {
                throw IntentLogError(error)
            }
        }
    }

    /// Every record of the log at `url`, in order. A partial last line (a crash in the
    /// middle of a write) is skipped; a damaged line before the last is an error.
    public static func read(_ url: URL) throws -> [IntentRecord] {
        let decoder = JSONDecoder()
        var records: [IntentRecord] = []
        do {
            try JSONLinesReader.forEachLine(
                in: url, decode: { try decoder.decode(IntentRecord.self, from: $0) }
            ) { record, _ in records.append(record) }
        } catch let error as JSONLinesError {
            throw IntentLogError(error)
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
