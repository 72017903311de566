import Foundation
import Synchronization
import Testing
@testable import InDoubt

@Suite("HistoryRecorder")
struct HistoryRecorderTests {
    @Test("assigns indices 0, 1, 2, … and non-decreasing times")
    func indicesAndTimes() throws {
        let recorder = try HistoryRecorder(file: nil)
        for element in 0..<50 {
            recorder.append(process: .client(element % 2), type: .invoke, f: .add, value: element)
        }
        let operations = recorder.operations
        #expect(operations.map(\.index) == Array(0..<50))
        #expect(operations.allSatisfy { $0.time >= 0 })
        #expect(zip(operations, operations.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(recorder.count == 50)
    }

    @Test("times are nanoseconds since the recorder started")
    func nanoseconds() throws {
        let recorder = try HistoryRecorder(file: nil)
        let first = recorder.append(process: .nemesis, type: .info, f: .startFault)
        Thread.sleep(forTimeInterval: 0.02)
        let second = recorder.append(process: .nemesis, type: .info, f: .stopFault)
        #expect(second.time - first.time >= 20_000_000)
        #expect(second.time - first.time < 10_000_000_000)
    }

    @Test("concurrent appends get distinct consecutive indices")
    func concurrent() async throws {
        let recorder = try HistoryRecorder(file: nil)
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    for element in 0..<250 {
                        recorder.append(
                            process: .client(client), type: .invoke, f: .add,
                            value: client * 1000 + element)
                    }
                }
            }
        }
        let operations = recorder.operations
        #expect(operations.map(\.index) == Array(0..<2000))
        #expect(Set(operations.compactMap(\.value)).count == 2000)
        #expect(zip(operations, operations.dropFirst()).allSatisfy { $0.time <= $1.time })
    }

    @Test("the consumer sees concurrent appends in index order, the observer sees each once")
    func consumerInOrder() async throws {
        let consumed = Mutex<[Int]>([])
        let observed = Mutex<[Int]>([])
        let recorder = try HistoryRecorder(
            file: nil, observer: { operation in observed.withLock { $0.append(operation.index) } },
            consumer: { operation in consumed.withLock { $0.append(operation.index) } })
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    for element in 0..<250 {
                        recorder.append([
                            HistoryOperation(index: 0, time: 0, process: .client(client), type: .ok, f: .add, value: element),
                            HistoryOperation(index: 0, time: 0, process: .client(client), type: .invoke, f: .add, value: element + 1),
                        ])
                    }
                }
            }
        }
        #expect(consumed.withLock { $0 } == Array(0..<4000))
        #expect(observed.withLock { $0 }.sorted() == Array(0..<4000))
    }

    @Test("writes one parseable JSON line per operation, sorted keys, nil fields omitted")
    func fileLines() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file(RunFolder.historyFileName)
        let recorder = try HistoryRecorder(file: file)
        let invoke = recorder.append(process: .client(3), type: .invoke, f: .add, value: 7)
        recorder.append(process: .client(3), type: .info, f: .add, value: 7, error: "timeout")
        recorder.append(process: .nemesis, type: .info, f: .startFault, fault: "partition")
        recorder.append(process: .client(0), type: .ok, f: .read, values: [7, 7])
        recorder.append(
            process: .client(0), type: .ok, f: .resolve, value: 7, resolution: .committed,
            attempt: 2)
        recorder.close()

        #expect(recorder.operations.isEmpty, "a file recorder keeps nothing in memory")
        #expect(recorder.writeError == nil)

        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 7, "the header and five operations, each ending with a newline")
        #expect(lines.last == "")
        #expect(lines[0] == #"{"format":"indoubt-history","version":2}"#)
        #expect(lines[1] == #"{"f":"add","index":0,"process":3,"time":\#(invoke.time),"type":"invoke","value":7}"#)
        #expect(lines[3].contains(#""process":"nemesis""#))
        #expect(lines[3].contains(#""f":"start-fault""#))
        #expect(lines[3].contains(#""fault":"partition""#))
        #expect(lines[4].contains(#""values":[7,7]"#))
        #expect(lines[5].contains(#""resolution":"committed""#))

        let decoded = try lines.dropFirst().dropLast().map {
            try JSONDecoder().decode(HistoryOperation.self, from: Data($0.utf8))
        }
        #expect(decoded.map(\.index) == [0, 1, 2, 3, 4])
        #expect(decoded[1].error == "timeout")
        #expect(decoded[3].values == [7, 7])
        #expect(decoded[4].attempt == 2)
        #expect(try HistoryReader.read(file).operations == decoded)
    }

    @Test("every line is on disk before close (written through, not buffered)")
    func writeThrough() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("history.jsonl")
        let recorder = try HistoryRecorder(file: file)
        for element in 0..<3 {
            recorder.append(process: .client(0), type: .invoke, f: .add, value: element)
        }
        let history = try HistoryReader.read(file)
        #expect(history.operations.count == 3)
        #expect(!history.truncated)
        recorder.close()
    }

    @Test("a completion appended with the next invoke: consecutive indices, times in order, both on disk before close, the observer sees both")
    func appendedTogether() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("history.jsonl")
        let seen = Mutex<[Int]>([])
        let recorder = try HistoryRecorder(file: file) { operation in seen.withLock { $0.append(operation.index) } }
        recorder.append(process: .client(0), type: .invoke, f: .add, value: 0)
        let pair = recorder.append([
            HistoryOperation(index: 99, time: 99, process: .client(0), type: .ok, f: .add, value: 0),
            HistoryOperation(index: 99, time: 99, process: .client(0), type: .invoke, f: .add, value: 5),
        ])
        #expect(pair.map(\.index) == [1, 2])
        #expect(pair[0].time <= pair[1].time)
        #expect(recorder.append([]).isEmpty, "nothing to append numbers nothing")
        #expect(recorder.count == 3)

        let history = try HistoryReader.read(file)
        #expect(!history.truncated)
        #expect(history.operations.map(\.index) == [0, 1, 2])
        #expect(history.operations.map(\.type) == [.invoke, .ok, .invoke])
        #expect(history.operations.map(\.value) == [0, 0, 5])
        #expect(Array(history.operations[1...]) == pair, "what append returned is what the file holds")
        #expect(seen.withLock { $0 } == [0, 1, 2])
        recorder.close()
    }

    @Test("a history cut inside its last line reads back as truncated")
    func cutHistory() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("history.jsonl")
        let recorder = try HistoryRecorder(file: file)
        for element in 0..<10 {
            recorder.append(process: .client(0), type: .invoke, f: .add, value: element)
            recorder.append(process: .client(0), type: .ok, f: .add, value: element)
        }
        recorder.close()
        let whole = try Data(contentsOf: file)
        try whole.dropLast(12).write(to: file)  // as if killed in the middle of a write

        let history = try HistoryReader.read(file)
        #expect(history.truncated)
        #expect(history.operations.count == 19)
        #expect(history.operations.last?.index == 18)
        let result = SetChecker.check(history.operations)
        #expect(result.total == 10)
        #expect(result.acknowledged == 9, "the cut completion of 9 is not counted")
    }

    @Test("the observer sees every operation as appended")
    func observer() throws {
        let seen = Mutex<[Int]>([])
        let recorder = try HistoryRecorder(file: nil) { operation in
            seen.withLock { $0.append(operation.index) }
        }
        for element in 0..<5 {
            recorder.append(process: .client(0), type: .invoke, f: .add, value: element)
        }
        #expect(seen.withLock { $0 } == [0, 1, 2, 3, 4])
    }

    @Test("a missing folder is a clear error")
    func missingFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("no-such-run/history.jsonl")
        let error = try #require(throws: HistoryRecorderError.self) {
            try HistoryRecorder(file: file)
        }
        #expect(error == .missingFolder(file: file))
        #expect(error.description.contains("no-such-run"))
        #expect(error.description.contains("does not exist"))
    }

    @Test("appending after close is reported, not silently dropped")
    func appendAfterClose() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("history.jsonl")
        let recorder = try HistoryRecorder(file: file)
        recorder.append(process: .client(0), type: .invoke, f: .add, value: 1)
        recorder.close()
        recorder.close()
        let late = recorder.append(process: .client(0), type: .ok, f: .add, value: 1)
        #expect(late.index == 1)
        #expect(recorder.writeError == .appendAfterClose(file: file, index: 1))
        #expect(try HistoryReader.read(file).operations.count == 1)
    }

    // Not a memory test: resident memory measured in this process moved by ±45 MB between
    // runs (the other suites allocate concurrently), more than keeping these operations
    // would cost. What is checked is the recorder's own account: nothing in `operations`.
    @Test("a large run: all 100,000 lines reach the file, none is kept in memory, a streaming check reads them back")
    func largeRunWritesEveryLineAndKeepsNone() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("history.jsonl")
        let recorder = try HistoryRecorder(file: file)
        let writes = 50_000
        for element in 0..<writes {
            recorder.append(process: .client(element % 5), type: .invoke, f: .add, value: element)
            if element.isMultiple(of: 2) {
                recorder.append(process: .client(element % 5), type: .ok, f: .add, value: element)
            } else {
                recorder.append(process: .client(element % 5), type: .info, f: .add, value: element,
                                error: "could not receive data from server: Connection timed out")
            }
        }
        #expect(recorder.count == 2 * writes)
        // The count, not the array: a failure should not print 100,000 operations.
        #expect(recorder.operations.count == 0, "a file recorder keeps nothing in memory")
        recorder.append(process: .client(0), type: .ok, f: .read, values: Array(stride(from: 0, to: writes, by: 2)))
        recorder.close()
        #expect(recorder.writeError == nil)

        var checker = SetChecker()
        let scan = try HistoryReader.forEachOperation(in: file) { checker.consume($0) }
        #expect(scan.count == 2 * writes + 1)
        #expect(!scan.truncated)
        let result = checker.result()
        #expect(result.total == writes)
        #expect(result.acknowledged == writes / 2)
        #expect(result.indeterminate.count == writes / 2)
        #expect(result.survivors == writes / 2)
        #expect(result.invariantsHold)
    }
}
