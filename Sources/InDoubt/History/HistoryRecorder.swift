import Foundation
import Synchronization

/// Records a run's history: numbers each operation, stamps it with a monotonic time and
/// appends it, as one JSON line, to `history.jsonl`, after a header line that names the
/// format's version (``HistoryFormat``).
///
/// Every line is written through with one `write(2)` as soon as it is appended
/// (`JSONLinesWriter`), so a run
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
    private let consumer: (@Sendable (HistoryOperation) -> Void)?
    private let state: Mutex<State>

    private struct State {
        var nextIndex = 0
        var writer: JSONLinesWriter?
        var closed = false
        var kept: [HistoryOperation] = []
        var firstError: HistoryRecorderError?
    }

    /// Creates a recorder and, if `file` is given, creates (or empties) that file.
    ///
    /// - Parameters:
    ///   - file: Where to write the history: the header line, then one JSON operation per
    ///     line. An existing file is
    ///     replaced. `nil` keeps the operations in memory instead (see ``operations``).
    ///   - observer: Called with every appended operation, after it is written, outside the
    ///     recorder's lock. Calls from concurrent appends may arrive out of index order.
    ///   - consumer: Called with every appended operation in index order, under the
    ///     recorder's lock, right after it is written: for bookkeeping that needs the
    ///     history's order, such as the run's analysis (which then needs no contended lock
    ///     of its own). It must be quick and must not append.
    /// - Throws: ``HistoryRecorderError/missingFolder(file:)`` if the file's folder does not
    ///   exist, ``HistoryRecorderError/cannotCreate(file:reason:)`` if it cannot be created.
    public init(
        file: URL?, observer: (@Sendable (HistoryOperation) -> Void)? = nil,
        consumer: (@Sendable (HistoryOperation) -> Void)? = nil
    ) throws {
        var writer: JSONLinesWriter?
        if let file {
            do throws(JSONLinesError) {
                writer = try JSONLinesWriter(file: file, start: .empty)
                try writer?.write(line: HistoryFormat.headerLine)
            } catch .missingFolder {
                throw HistoryRecorderError.missingFolder(file: file)
            } catch {
                throw HistoryRecorderError.cannotCreate(file: file, reason: error.reason)
            }
        }
        self.file = file
        self.observer = observer
        self.consumer = consumer
        self.start = ContinuousClock.now
        self.state = Mutex(State(writer: writer))
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
        value: Int? = nil, values: [Int]? = nil, error: String? = nil, warning: String? = nil,
        fault: String? = nil, evidence: String? = nil, resolution: HistoryOperation.Resolution? = nil,
        attempt: Int? = nil, node: String? = nil, promotion: Int64? = nil, nodes: [String]? = nil
    ) -> HistoryOperation {
        append([HistoryOperation(
            index: 0, time: 0, process: process, type: type, f: f, value: value, values: values, error: error,
            warning: warning, fault: fault, evidence: evidence, resolution: resolution, attempt: attempt,
            node: node, promotion: promotion, nodes: nodes)])[0]
    }

    /// Numbers, stamps, writes and returns several operations as one: consecutive indices,
    /// one lock, one `write(2)` for all their lines. Whatever `index` and `time` they held
    /// is replaced.
    ///
    /// A client appends a write's completion together with its next invoke: the completion
    /// is on disk as soon as it would have been alone (nothing waits between the two), and
    /// each write costs the clients one lock and one system call instead of two.
    @discardableResult
    public func append(_ operations: [HistoryOperation]) -> [HistoryOperation] {
        guard !operations.isEmpty else { return [] }
        let numbered = state.withLock { state -> [HistoryOperation] in
            var numbered = operations
            for position in numbered.indices {
                numbered[position].index = state.nextIndex
                numbered[position].time = Self.nanoseconds(since: start)
                state.nextIndex += 1
            }
            write(numbered, into: &state)
            if let consumer { numbered.forEach(consumer) }
            return numbered
        }
        if let observer {
            numbered.forEach(observer)
        }
        return numbered
    }

    /// Closes the history file. Later appends are numbered but not written, and set
    /// ``writeError``. Calling `close()` again does nothing.
    public func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            state.writer?.close()
            state.writer = nil
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

    private func write(_ operations: [HistoryOperation], into state: inout State) {
        guard let file else {
            state.kept += operations
            return
        }
        guard !state.closed, let writer = state.writer else {
            for operation in operations {
                remember(.appendAfterClose(file: file, index: operation.index), in: &state)
            }
            return
        }
        do throws(JSONLinesError) {
            try writer.write(lines: operations.map(HistoryLineEncoder.encode))
        } catch {
            remember(.writeFailed(file: file, index: operations[0].index, reason: error.reason), in: &state)
        }
    }

    private func remember(_ error: HistoryRecorderError, in state: inout State) {
        if state.firstError == nil {
            state.firstError = error
        }
    }

    private static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
