import Foundation
import Testing
@testable import InDoubt

@Suite("history.jsonl versions: version 2 writes explicit fields, version 1 still reads")
struct HistoryFormatTests {
    /// A version-1 history as the harness wrote it before the header: one `error` field for
    /// the error, the warning, the fault's name and the evidence.
    static let version1 = [
        #"{"error":"partition","f":"start-fault","index":0,"process":"nemesis","time":1,"type":"invoke"}"#,
        #"{"error":"partition","f":"start-fault","index":1,"process":"nemesis","time":2,"type":"ok"}"#,
        #"{"f":"add","index":2,"process":0,"time":3,"type":"invoke","value":1}"#,
        #"{"error":"timeout: COMMIT sent","f":"add","index":3,"process":0,"time":4,"type":"info","value":1}"#,
        #"{"f":"add","index":4,"process":1,"time":5,"type":"invoke","value":2}"#,
        #"{"attempt":2,"error":"WARNING 25P01: no transaction","f":"add","index":5,"process":1,"time":6,"type":"ok","value":2}"#,
        #"{"f":"add","index":6,"process":1,"time":7,"type":"invoke","value":3}"#,
        #"{"error":"server [40001]: conflict","f":"add","index":7,"process":1,"time":8,"type":"fail","value":3}"#,
        #"{"error":"slow: tc: busy","f":"stop-fault","index":8,"process":"nemesis","time":9,"type":"fail"}"#,
        #"{"error":"partition","f":"stop-fault","index":9,"process":"nemesis","time":10,"type":"ok"}"#,
        #"{"error":"pg_xact_status 'committed'","f":"resolve","index":10,"process":0,"resolution":"committed","time":11,"type":"ok","value":1}"#,
        #"{"error":"the resolver failed: gone","f":"resolve","index":11,"process":0,"resolution":"unknown","time":12,"type":"fail","value":1}"#,
        #"{"f":"read","index":12,"process":2,"time":13,"type":"invoke"}"#,
        #"{"f":"read","index":13,"process":2,"time":14,"type":"ok","values":[1,2]}"#,
    ]

    @Test("error, warning, fault and evidence round-trip through the recorder and the reader")
    func newFieldsRoundTrip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file(RunFolder.historyFileName)
        let recorder = try HistoryRecorder(file: file)
        let written = [
            recorder.append(process: .nemesis, type: .fail, f: .startFault, error: "iptables: busy", fault: "partition"),
            recorder.append(process: .client(0), type: .info, f: .add, value: 1, error: "timeout"),
            recorder.append(process: .client(1), type: .ok, f: .add, value: 2, warning: "WARNING 25P01", attempt: 2),
            recorder.append(process: .client(0), type: .ok, f: .resolve, value: 1, evidence: "committed", resolution: .committed),
        ]
        recorder.close()
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix(#"{"format":"indoubt-history","version":2}"# + "\n"))
        #expect(try HistoryReader.read(file).operations == written)
    }

    @Test("a version-1 history (no header) reads with each error moved to the field of its job")
    func version1Mapping() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(Self.version1.joined(separator: "\n") + "\n", to: "history.jsonl")
        let operations = try HistoryReader.read(file).operations
        func fields(_ index: Int) -> [String?] {
            let operation = operations[index]
            return [operation.error, operation.warning, operation.fault, operation.evidence]
        }
        #expect(fields(0) == [nil, nil, "partition", nil])
        #expect(fields(1) == [nil, nil, "partition", nil])
        #expect(fields(2) == [nil, nil, nil, nil])
        #expect(fields(3) == ["timeout: COMMIT sent", nil, nil, nil])
        #expect(fields(5) == [nil, "WARNING 25P01: no transaction", nil, nil])
        #expect(fields(7) == ["server [40001]: conflict", nil, nil, nil])
        #expect(fields(8) == ["tc: busy", nil, "slow", nil])
        #expect(fields(9) == [nil, nil, "partition", nil])
        #expect(fields(10) == [nil, nil, nil, "pg_xact_status 'committed'"])
        #expect(fields(11) == ["the resolver failed: gone", nil, nil, nil])
        #expect(operations[5].attempt == 2)
        #expect(operations[13].values == [1, 2])

        let explicit = try folder.write(
            #"{"format":"indoubt-history","version":1}"# + "\n" + Self.version1.joined(separator: "\n") + "\n",
            to: "explicit.jsonl")
        #expect(try HistoryReader.read(explicit).operations == operations, "a version-1 header reads the same")
    }

    @Test("indoubt check on a version-1 run folder: same verdict, fault names from the old field")
    func checkVersion1Folder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try folder.write(Self.version1.joined(separator: "\n") + "\n", to: "history.jsonl")
        let outcome = try RunCheck.check(folder.url, write: false)
        #expect(outcome.operationCount == Self.version1.count)
        #expect(outcome.results.fault == "partition")
        #expect(outcome.result.acknowledged == 1)
        #expect(outcome.result.failedButPresent.isEmpty)
    }

    @Test("a newer version is a clear error that names the file and says what to do", arguments: [3, 0])
    func unknownVersion(version: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = #"{"format":"indoubt-history","version":\#(version)}"# + "\n" + Self.version1[2] + "\n"
        let file = try folder.write(text, to: "history.jsonl")
        let error = try #require(throws: HistoryReadError.self) { try HistoryReader.read(file) }
        #expect(error == .unknownVersion(file: file, version: version))
        #expect(error.description.contains(file.path))
        #expect(error.description.contains("version \(version) history"))
        #expect(error.description.contains("reads versions 1 to 2"))
        #expect(error.description.contains("Check it with the indoubt that wrote it"))
        let check = try #require(throws: RunCheckError.self) { try RunCheck.check(folder.url, write: false) }
        #expect(check.description.contains("version \(version) history"))
    }

    // A version-2 history cut inside its last line: HistoryRecorderTests.cutHistory (the
    // recorder writes the header).
    @Test("a version-1 history cut inside its last line reads back as truncated, still mapped")
    func tornVersion1() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = Self.version1.prefix(4).joined(separator: "\n") + "\n" + Self.version1[4].prefix(20)
        let history = try HistoryReader.read(try folder.write(text, to: "history.jsonl"))
        #expect(history.truncated)
        #expect(history.operations.map(\.index) == [0, 1, 2, 3])
        #expect(history.operations[1].fault == "partition")
    }

    @Test("a header and nothing else is an empty history, not a corrupt one")
    func headerOnly() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("history.jsonl")
        try HistoryRecorder(file: file).close()
        #expect(throws: HistoryReadError.empty(file)) { try HistoryReader.read(file) }
        let torn = try folder.write(#"{"format":"indoubt-history","version":2}"# + "\n" + #"{"f":"ad"#, to: "torn.jsonl")
        #expect(throws: HistoryReadError.empty(torn)) { try HistoryReader.read(torn) }
    }
}
