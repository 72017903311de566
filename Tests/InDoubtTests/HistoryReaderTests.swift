import Foundation
import Testing
@testable import InDoubt

@Suite("HistoryReader")
struct HistoryReaderTests {
    static let lines = [
        #"{"f":"add","index":0,"process":0,"time":10,"type":"invoke","value":1}"#,
        #"{"f":"add","index":1,"process":0,"time":20,"type":"ok","value":1}"#,
        #"{"f":"read","index":2,"process":1,"time":30,"type":"invoke"}"#,
        #"{"f":"read","index":3,"process":1,"time":40,"type":"ok","values":[1]}"#,
    ]

    @Test("reads a complete history")
    func complete() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(Self.lines.joined(separator: "\n") + "\n", to: "h.jsonl")
        let history = try HistoryReader.read(file)
        #expect(history.operations.count == 4)
        #expect(!history.truncated)
        #expect(history.operations[3].values == [1])
        #expect(history.operations[0].process == .client(0))
        #expect(SetChecker.check(history.operations).acknowledged == 1)
    }

    @Test("a last line without newline that decodes is complete")
    func noFinalNewline() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(Self.lines.joined(separator: "\n"), to: "h.jsonl")
        let history = try HistoryReader.read(file)
        #expect(history.operations.count == 4)
        #expect(!history.truncated)
    }

    @Test("a partial last line (a killed run) is skipped and reported")
    func truncated() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let partial = String(Self.lines[3].prefix(30))
        let text = Self.lines.prefix(3).joined(separator: "\n") + "\n" + partial
        let file = try folder.write(text, to: "h.jsonl")
        let history = try HistoryReader.read(file)
        #expect(history.truncated)
        #expect(history.operations.map(\.index) == [0, 1, 2])
    }

    @Test("a corrupt line in the middle names the file and line")
    func corruptMiddle() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var lines = Self.lines
        lines[2] = "this is not json"
        let file = try folder.write(lines.joined(separator: "\n") + "\n", to: "h.jsonl")
        let error = try #require(throws: HistoryReadError.self) { try HistoryReader.read(file) }
        guard case .corruptLine(let errorFile, let line, _) = error else {
            Issue.record("expected corruptLine, got \(error)")
            return
        }
        #expect(errorFile == file)
        #expect(line == 3)
        #expect(error.description.contains(file.path + ", line 3"))
        #expect(error.description.contains("not an InDoubt history"))
    }

    @Test("valid JSON that is not an operation is corrupt too, with the field named")
    func notAnOperation() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = Self.lines[0] + "\n" + #"{"hello":"world"}"# + "\n" + Self.lines[1] + "\n"
        let file = try folder.write(text, to: "h.jsonl")
        let error = try #require(throws: HistoryReadError.self) { try HistoryReader.read(file) }
        #expect(error.description.contains("line 2"))
        #expect(error.description.contains("missing field"))
    }

    @Test("a corrupt last line that ends with a newline is not a partial line")
    func corruptTerminatedLastLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = Self.lines.prefix(2).joined(separator: "\n") + "\n{\"f\":\"add\"\n"
        let file = try folder.write(text, to: "h.jsonl")
        let error = try #require(throws: HistoryReadError.self) { try HistoryReader.read(file) }
        #expect(error.description.contains("line 3"))
    }

    @Test("a file that is one line of something else is not a history")
    func foreignFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("hello", to: "notes.txt")
        let error = try #require(throws: HistoryReadError.self) { try HistoryReader.read(file) }
        #expect(error.description.contains("line 1"))
    }

    @Test("an empty file is a clear error", arguments: ["", "\n\n", "  \n"])
    func empty(text: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(text, to: "h.jsonl")
        let error = try #require(throws: HistoryReadError.self) { try HistoryReader.read(file) }
        #expect(error == .empty(file))
        #expect(error.description.contains("empty history"))
        #expect(error.description.contains(file.path))
    }

    @Test("a missing file and a folder are clear errors")
    func missing() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("absent.jsonl")
        #expect(throws: HistoryReadError.missingFile(file)) { try HistoryReader.read(file) }
        #expect(throws: HistoryReadError.isFolder(folder.url)) {
            try HistoryReader.read(folder.url)
        }
        #expect(HistoryReadError.missingFile(file).description.contains("absent.jsonl"))
    }

    @Test("lines longer than a read chunk are reassembled")
    func longLines() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.file("history.jsonl")
        let recorder = try HistoryRecorder(file: file)
        let values = Array(0..<50_000)  // a read line of about 300 KB
        recorder.append(process: .client(0), type: .invoke, f: .read)
        recorder.append(process: .client(0), type: .ok, f: .read, values: values)
        recorder.append(process: .client(1), type: .invoke, f: .add, value: 1)
        recorder.close()
        let history = try HistoryReader.read(file)
        #expect(history.operations.count == 3)
        #expect(history.operations[1].values == values)
    }

    @Test("errors thrown by the caller's body pass through unchanged")
    func bodyErrors() throws {
        struct Stop: Error {}
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(Self.lines.joined(separator: "\n") + "\n", to: "h.jsonl")
        #expect(throws: Stop.self) {
            try HistoryReader.forEachOperation(in: file) { _ in throw Stop() }
        }
    }
}
