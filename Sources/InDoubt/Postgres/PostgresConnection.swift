import CLibPQ
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A connection to PostgreSQL over libpq, where every call has a client-enforced deadline.
///
/// libpq runs in non-blocking mode: the client sends, polls `PQsocket` until the deadline,
/// and consumes input, so a server whose replies vanish cannot hold a call past its
/// deadline even where TCP timeouts never fire. On a deadline or a lost connection the
/// connection is abandoned (`PQfinish`) and never reused: later calls fail with
/// ``PostgresError/Kind/closed``.
///
/// Blocking waits happen on the connection's own dispatch queue, never on Swift's
/// cooperative thread pool.
public final class PostgresConnection: @unchecked Sendable {
    /// Options the connection was opened with.
    public let options: ConnectionOptions
    /// `pg_backend_pid()` of the server process serving this connection (for fencing).
    public let backendPID: Int32
    /// The server's version number (`PQserverVersion`, e.g. 150018).
    public let serverVersionNumber: Int
    /// The local TCP port of the connection's socket (0 for a Unix socket or if unknown).
    public let localPort: Int

    // `handle` and `sentAnything` are touched only on `queue`.
    private let queue: DispatchQueue
    private var handle: OpaquePointer?
    private var sentAnything = false
    private let abandoned = Atomic<Bool>(false)
    private let notices: NoticeCollector
    /// `queue`'s mark (``QueueMark``): a call made on `queue` itself runs there at once.
    private let mark: QueueMark

    private init(options: ConnectionOptions, handle: OpaquePointer, queue: DispatchQueue, notices: NoticeCollector) {
        self.options = options
        self.handle = handle
        self.queue = queue
        self.notices = notices
        // Made on `queue` (openBlocking), so two connections of one queue cannot race here.
        if let existing = queue.getSpecific(key: QueueMark.key) {
            mark = existing
        } else {
            mark = QueueMark()
            queue.setSpecific(key: QueueMark.key, value: mark)
        }
        self.backendPID = PQbackendPID(handle)
        self.serverVersionNumber = Int(PQserverVersion(handle))
        self.localPort = Self.localPort(of: PQsocket(handle))
    }

    private static func localPort(of socket: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard socket >= 0, status == 0, address.sin_family == sa_family_t(AF_INET) else { return 0 }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Opens a connection, or throws ``PostgresError`` (kind `connect` or `timeout`) by
    /// `deadline`.
    ///
    /// - Parameter options: Where to connect, and the client's settings.
    /// - Parameter deadline: When to give up.
    /// - Parameter queue: The serial queue for the connection's blocking work. Pass the
    ///   queue of the ``SerialQueueExecutor`` the calling task prefers, so that each call
    ///   runs without a thread hand-off; by default the connection gets a queue of its own.
    public static func connect(
        _ options: ConnectionOptions, deadline: Deadline, queue: DispatchQueue? = nil
    ) async throws -> PostgresConnection {
        let queue = queue ?? DispatchQueue(label: "indoubt.postgres.\(options.host):\(options.port)")
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try openBlocking(options, deadline: deadline, queue: queue) })
            }
        }
    }

    /// Runs `sql` (one statement when `parameters` are given, else one or more) and waits
    /// for all its results until `deadline`.
    ///
    /// - Parameters:
    ///   - sql: The statement text; parameters are `$1`, `$2`, ... in text format.
    ///   - parameters: Parameter values, `nil` for NULL.
    ///   - phase: What sending this statement means for a write: pass `.commit` for
    ///     `COMMIT`, `COMMIT PREPARED` or an autocommit write, so that an error after it
    ///     was sent is reported as such.
    ///   - deadline: When to give up and abandon the connection.
    public func query(
        _ sql: String, _ parameters: [String?] = [], phase: SentPhase = .statement, deadline: Deadline
    ) async throws -> QueryResult {
        // A client task that prefers its SerialQueueExecutor already runs on `queue`: the
        // work runs here, where the block below would run next anyway, without the block,
        // the continuation and the two enqueues (a fifth of the client's CPU per write).
        if DispatchQueue.getSpecific(key: QueueMark.key) === mark {
            return try queryBlocking(sql, parameters, phase: phase, deadline: deadline)
        }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.queryBlocking(sql, parameters, phase: phase, deadline: deadline) })
            }
        }
    }

    /// Whether the connection can still be used: not abandoned after an error or a
    /// deadline, and not closed. (A connection the server dropped shows only at the next
    /// call, which then fails before sending anything.) Safe to call from any thread,
    /// including the connection's own queue.
    public var isUsable: Bool { !abandoned.load(ordering: .acquiring) }

    /// Closes the connection. Safe to call more than once.
    public func close() {
        abandoned.store(true, ordering: .releasing)
        queue.async { self.abandon() }
    }

    // MARK: - Blocking work, on `queue`

    private static func openBlocking(_ options: ConnectionOptions, deadline: Deadline, queue: DispatchQueue) throws -> PostgresConnection {
        let pairs = options.keywordValuePairs
        let keywords = pairs.map { strdup($0.keyword) }
        let values = pairs.map { strdup($0.value) }
        defer { (keywords + values).forEach { free($0) } }
        let keywordPointers = keywords.map { $0.map { UnsafePointer($0) } } + [nil]
        let valuePointers = values.map { $0.map { UnsafePointer($0) } } + [nil]
        // libpq makes its socket and marks it close-on-exec in two steps, inside these calls:
        // under the spawn lock (``Command/launch(_:)``), no server spawned meanwhile can
        // inherit it and keep the session open after the client has closed it.
        guard let handle = Command.spawnLock.withLock({ PQconnectStartParams(keywordPointers, valuePointers, 0) }) else {
            throw PostgresError(kind: .client, message: "libpq could not allocate a connection", sent: .nothing)
        }
        do {
            guard PQstatus(handle) != CONNECTION_BAD else {
                throw PostgresError(kind: .connect, message: errorMessage(handle), sent: .nothing)
            }
            var status = PGRES_POLLING_WRITING
            while status != PGRES_POLLING_OK {
                switch status {
                case PGRES_POLLING_FAILED:
                    throw PostgresError(
                        kind: .connect, message: "\(options.summary): \(errorMessage(handle))", sent: .nothing)
                case PGRES_POLLING_READING:
                    _ = try wait(handle, events: POLLIN, deadline: deadline, sent: .nothing, context: "connecting to \(options.summary)")
                default:
                    _ = try wait(handle, events: POLLOUT, deadline: deadline, sent: .nothing, context: "connecting to \(options.summary)")
                }
                status = Command.spawnLock.withLock { PQconnectPoll(handle) }
            }
            guard PQsetnonblocking(handle, 1) == 0 else {
                throw PostgresError(kind: .connect, message: "could not make the connection non-blocking: \(errorMessage(handle))", sent: .nothing)
            }
        } catch {
            if options.resetOnAbandon { resetOnClose(handle) }
            PQfinish(handle)
            throw error
        }
        let notices = NoticeCollector()
        PQsetNoticeReceiver(handle, noticeReceiver, Unmanaged.passUnretained(notices).toOpaque())
        return PostgresConnection(options: options, handle: handle, queue: queue, notices: notices)
    }

    private func queryBlocking(_ sql: String, _ parameters: [String?], phase: SentPhase, deadline: Deadline) throws -> QueryResult {
        let before: SentPhase = sentAnything ? .statement : .nothing
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let reason = self.handle.map { Self.errorMessage($0) } ?? "the connection was abandoned after an earlier error"
            abandon()
            throw PostgresError(kind: .closed, message: reason, sent: before, statement: sql)
        }
        notices.reset()
        // From here on bytes may reach the server.
        sentAnything = true
        do {
            try send(handle, sql, parameters, phase: phase, deadline: deadline)
            return try receive(handle, sql: sql, phase: phase, deadline: deadline)
        } catch var error as PostgresError {
            error.statement = error.statement ?? sql
            if error.kind != .server || PQstatus(handle) != CONNECTION_OK { abandon(reset: options.resetOnAbandon) }
            throw error
        }
    }

    private func send(_ handle: OpaquePointer, _ sql: String, _ parameters: [String?], phase: SentPhase, deadline: Deadline) throws {
        let accepted: Int32
        if parameters.isEmpty {
            accepted = PQsendQuery(handle, sql)
        } else {
            let copies = parameters.map { $0.flatMap { strdup($0) } }
            defer { copies.forEach { free($0) } }
            let pointers = copies.map { $0.map { UnsafePointer($0) } }
            accepted = PQsendQueryParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        guard accepted == 1 else {
            throw PostgresError(kind: .connectionLost, message: Self.errorMessage(handle), sent: phase)
        }
        while true {
            let flushed = PQflush(handle)
            if flushed == 0 { return }
            if flushed < 0 { throw PostgresError(kind: .connectionLost, message: Self.errorMessage(handle), sent: phase) }
            let revents = try Self.wait(handle, events: POLLIN | POLLOUT, deadline: deadline, sent: phase, context: "sending")
            if revents & Int16(POLLIN) != 0, PQconsumeInput(handle) == 0 {
                throw PostgresError(kind: .connectionLost, message: Self.errorMessage(handle), sent: phase)
            }
        }
    }

    private func receive(_ handle: OpaquePointer, sql: String, phase: SentPhase, deadline: Deadline) throws -> QueryResult {
        var result = QueryResult()
        var firstError: PostgresError?
        var (waitDeadline, waitContext, cancelSent) = (deadline, "waiting for the reply", false)
        while true {
            if PQisBusy(handle) == 0 {
                guard let pgResult = PQgetResult(handle) else { break }
                defer { PQclear(pgResult) }
                switch PQresultStatus(pgResult) {
                case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                    result.commandTags.append(String(cString: PQcmdStatus(pgResult)))
                case PGRES_TUPLES_OK:
                    result.commandTags.append(String(cString: PQcmdStatus(pgResult)))
                    (result.columns, result.rows) = Self.rows(of: pgResult)
                case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
                    if firstError == nil { firstError = Self.error(from: pgResult, handle: handle, phase: phase) }
                default:
                    if firstError == nil {
                        firstError = PostgresError(
                            kind: .client, message: "unexpected result status \(String(cString: PQresStatus(PQresultStatus(pgResult))))",
                            sent: phase)
                    }
                }
                continue
            }
            if PQstatus(handle) != CONNECTION_OK { break }
            do {
                _ = try Self.wait(handle, events: POLLIN, deadline: waitDeadline, sent: phase, context: waitContext)
            } catch let error as PostgresError where error.kind == .timeout {
                guard let grace = options.cancelOnDeadline, !cancelSent else { throw error }
                // Ask the server to cancel, then read its answer: a cancelled wait for a
                // synchronous standby answers COMMIT all the same, with a warning.
                cancelSent = true
                Self.sendCancelRequest(handle)
                waitDeadline = .after(grace)
                waitContext = "waiting for the reply, and for \(grace) after a cancel request"
                continue
            }
            if PQconsumeInput(handle) == 0 {
                throw PostgresError(kind: .connectionLost, message: Self.errorMessage(handle), sent: phase)
            }
        }
        if let firstError { throw firstError }
        if PQstatus(handle) != CONNECTION_OK {
            throw PostgresError(kind: .connectionLost, message: Self.errorMessage(handle), sent: phase)
        }
        result.notices = notices.drain()
        return result
    }

    /// Gives the connection up. With `reset` (``ConnectionOptions/resetOnAbandon``, the
    /// hardened client), the socket is closed with a TCP reset (SO_LINGER 0) and what the
    /// kernel still had to send is dropped; without it, as in an application, the kernel
    /// keeps retransmitting it (a COMMIT, say), and it may land after the heal.
    private func abandon(reset: Bool = false) {
        abandoned.store(true, ordering: .releasing)
        if let handle {
            if reset { Self.resetOnClose(handle) }
            PQfinish(handle)
            self.handle = nil
        }
    }

    // MARK: - Helpers

    /// Makes the next close of the connection's socket send a reset and drop unsent data.
    private static func resetOnClose(_ handle: OpaquePointer) {
        let socket = PQsocket(handle)
        guard socket >= 0 else { return }
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(socket, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    /// Sends a cancel request for the call in flight, without waiting for it: libpq 15's
    /// `PQcancel` opens its own connection and blocks, with no timeout of its own, so it runs
    /// on a thread of its own while the caller keeps reading the reply until its grace passes.
    private static func sendCancelRequest(_ handle: OpaquePointer) {
        guard let cancel = PQgetCancel(handle) else { return }
        let request = CancelRequest(cancel: cancel)
        Thread.detachNewThread { request.send() }
    }

    /// Waits until the socket is ready for `events` or `deadline` passes.
    private static func wait(
        _ handle: OpaquePointer, events: Int32, deadline: Deadline, sent: SentPhase, context: String
    ) throws -> Int16 {
        let socket = PQsocket(handle)
        guard socket >= 0 else {
            throw PostgresError(kind: .connectionLost, message: "no socket while \(context): \(errorMessage(handle))", sent: sent)
        }
        var descriptor = pollfd(fd: socket, events: Int16(events), revents: 0)
        while true {
            if deadline.hasPassed {
                throw PostgresError(kind: .timeout, message: "client deadline passed while \(context)", sent: sent)
            }
            let ready = poll(&descriptor, 1, deadline.pollMilliseconds)
            if ready > 0 { return descriptor.revents }
            if ready < 0 && errno != EINTR {
                throw PostgresError(kind: .connectionLost, message: "poll failed while \(context): \(String(cString: strerror(errno)))", sent: sent)
            }
        }
    }

    private static func rows(of result: OpaquePointer) -> ([String], [PostgresRow]) {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let rows = (0..<rowCount).map { row in
            PostgresRow((0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        return (columns, rows)
    }

    private static func error(from result: OpaquePointer, handle: OpaquePointer, phase: SentPhase) -> PostgresError {
        let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
        let field = PQresultErrorField(result, Int32(UInt8(ascii: "C")))  // PG_DIAG_SQLSTATE
        if let field {
            // PG_DIAG_SEVERITY_NONLOCALIZED: servers before 9.6 send only the localized one,
            // which is then missing here and classifies as unknown after COMMIT.
            let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))).map { String(cString: $0) }
            return PostgresError(
                kind: .server, sqlState: String(cString: field), severity: severity, message: message, sent: phase)
        }
        let kind: PostgresError.Kind = PQstatus(handle) == CONNECTION_OK ? .client : .connectionLost
        return PostgresError(kind: kind, message: message.isEmpty ? errorMessage(handle) : message, sent: phase)
    }

    static func errorMessage(_ handle: OpaquePointer) -> String {
        let text = PQerrorMessage(handle).map { String(cString: $0) } ?? ""
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "connection lost" : trimmed
    }
}

/// Marks a queue that connections do their blocking work on (`DispatchQueue.setSpecific`),
/// so that a connection can tell that it is called on its own queue.
private final class QueueMark: Sendable {
    static let key = DispatchSpecificKey<QueueMark>()
}

/// A `PGcancel`, used once on the thread that sends it and freed there.
private struct CancelRequest: @unchecked Sendable {
    let cancel: OpaquePointer

    func send() {
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
        PQfreeCancel(cancel)
    }
}

/// Collects notices for the call in flight; touched only on the connection's queue.
private final class NoticeCollector {
    private var notices: [PostgresNotice] = []
    func reset() { notices.removeAll() }
    func drain() -> [PostgresNotice] { defer { notices.removeAll() }; return notices }
    func append(_ notice: PostgresNotice) { notices.append(notice) }
}

private func noticeReceiver(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result else { return }
    let collector = Unmanaged<NoticeCollector>.fromOpaque(context).takeUnretainedValue()
    func field(_ code: Character) -> String {
        PQresultErrorField(result, Int32(code.asciiValue ?? 0)).map { String(cString: $0) } ?? ""
    }
    collector.append(PostgresNotice(severity: field("V"), sqlState: field("C"), message: field("M")))
}
