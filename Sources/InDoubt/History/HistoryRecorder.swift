import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Records a run's history: numbers each operation, stamps it with a monotonic time and
/// appends it, as one JSON line, to `history.jsonl`.
///
/// Every line is written through with one `write(2)` as soon as it is appended, so a run
/// that is killed (even with `SIGKILL`) leaves every completed line on disk; at worst the
/// last line is partial, which ``HistoryReader`` tolerates and reports.
///
/// With a file the recorder keeps nothing but a counter in memory, so a run of any length
/// stays small. Without a file (`file: nil`, for tests) it keeps every operation in
/// ``operations``.
///
/// All methods may be called from any thread or task. Indices and times are assigned
/// under one lock, so they increase together, and lines appear in the file in index
/// order.
///
/// ```swift
/// let recorder = try HistoryRecorder(file: runFolder.appendingPathComponent("history.jsonl"))
/// recorder.append(process: .client(0), type: .invoke, f: .add, value: 7)
/// recorder.append(process: .client(0), type: .ok, f: .add, value: 7)
/// recorder.close()
/// ```
public final class HistoryRecorder: Sendable {
    /// The customary name of the history file inside a run folder.

    /// The history file, or `nil` for an in-memory recorder.
    public let file: URL?

    private let start: ContinuousClock.Instant
    private let observer: (@Sendable (HistoryOperation) -> Void)?
    private let state: Mutex<State>

    private struct State {
        var nextIndex = 0
        var handle: FileHandle?
        var closed = false
        var kept: [HistoryOperation] = []
        var firstError: HistoryRecorderError?
    }

    /// Creates a recorder and, if `file` is given, creates (or empties) that file.
    ///
    /// - Parameters:
    ///   - file: Where to write the history, one JSON operation per line. An existing file is
    ///     replaced. `nil` keeps the operations in memory instead (see ``operations``).
    ///   - observer: Called with every appended operation, after it is written, outside the
    ///     recorder's lock. Calls from concurrent appends may arrive out of index order.
    /// - Throws: ``HistoryRecorderError/missingFolder(file:)`` if the file's folder does not
    ///   exist, ``HistoryRecorderError/cannotCreate(file:reason:)`` if it cannot be created.
    public init(file: URL?, observer: (@Sendable (HistoryOperation) -> Void)? = nil) throws {
        var handle: FileHandle?
        if let file {
            handle = try Self.createFile(file)
        }
        self.file = file
        self.observer = observer
        self.start = ContinuousClock.now
        self.state = Mutex(State(handle: handle))
    }

    deinit {
        close()
    }

    /// Numbers, stamps, writes and returns one operation.
    ///
    /// The returned operation carries the assigned ``HistoryOperation/index`` (0, 1, 2, …) and
    /// ``HistoryOperation/time`` (nanoseconds since the recorder was created). A failed write does
    /// not throw, so that a client's bookkeeping never changes what it does to the database;
    /// it is kept in ``writeError`` and the remaining lines are still attempted.
    @discardableResult
    public func append(
        process: HistoryOperation.Process, type: HistoryOperation.Kind, f: HistoryOperation.Function,
        value: Int? = nil, values: [Int]? = nil, error: String? = nil,
        resolution: HistoryOperation.Resolution? = nil, attempt: Int? = nil
    ) -> HistoryOperation {
        let operation = state.withLock { state -> HistoryOperation in
            let operation = HistoryOperation(
                index: state.nextIndex, time: Self.nanoseconds(since: start), process: process,
                type: type, f: f, value: value, values: values, error: error,
                resolution: resolution, attempt: attempt)
            state.nextIndex += 1
            write(operation, into: &state)
            return operation
        }
        observer?(operation)
        return operation
    }

    /// Closes the history file. Later appends are numbered but not written, and set
    /// ``writeError``. Calling `close()` again does nothing.
    public func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            if let handle = state.handle {
                try? handle.close()
                state.handle = nil
            }
        }
    }

    /// The operations appended so far, in index order — only for an in-memory recorder
    /// (`file: nil`). A recorder that writes to a file keeps none and returns `[]`.
    public var operations: [HistoryOperation] {
        state.withLock { $0.kept }
    }

    /// How many operations were appended so far.
    public var count: Int {
        state.withLock { $0.nextIndex }
    }

    /// The first write failure, if any: when set, the history file is incomplete.
    public var writeError: HistoryRecorderError? {
        state.withLock { $0.firstError }
    }

    // MARK: - Private

    private func write(_ operation: HistoryOperation, into state: inout State) {
        guard let file else {
            state.kept.append(operation)
            return
        }
        guard !state.closed, let handle = state.handle else {
            remember(.appendAfterClose(file: file, index: operation.index), in: &state)
            return
        }
        do {
            var line = HistoryLineEncoder.encode(operation)
            line.append(0x0A)
            try Self.writeThrough(line, to: handle.fileDescriptor)
        } catch {
            remember(
                .writeFailed(file: file, index: operation.index, reason: String(describing: error)),
                in: &state)
        }
    }

    /// One `write(2)` per line (looping only on a short write): the line reaches the kernel
    /// at once, so a killed run keeps it. `FileHandle.write(contentsOf:)` does the same job
    /// at several times the cost, which showed in the harness's throughput.
    private static func writeThrough(_ bytes: [UInt8], to descriptor: Int32) throws {
        try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard var next = buffer.baseAddress else { return }
            var left = buffer.count
            while left > 0 {
                let written = Glibc.write(descriptor, next, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                left -= written
                next += written
            }
        }
    }

    private func remember(_ error: HistoryRecorderError, in state: inout State) {
        if state.firstError == nil {
            state.firstError = error
        }
    }

    private static func createFile(_ file: URL) throws -> FileHandle {
        let folder = file.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder),
            isFolder.boolValue
        else {
            throw HistoryRecorderError.missingFolder(file: file)
        }
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw HistoryRecorderError.cannotCreate(
                file: file, reason: "the file system refused to create it")
        }
        do {
            return try FileHandle(forWritingTo: file)
        } catch {
            throw HistoryRecorderError.cannotCreate(file: file, reason: String(describing: error))
        }
    }

    private static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
