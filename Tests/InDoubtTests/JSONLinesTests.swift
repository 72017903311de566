import Foundation
import Testing
@testable import InDoubt

@Suite("JSON Lines: the writer and reader under the history and the intent log")
struct JSONLinesTests {
    struct Record: Codable, Equatable {
        var n: Int
    }

    static func read(_ file: URL) throws -> (records: [Record], scan: JSONLinesScan) {
        let decoder = JSONDecoder()
        var records: [Record] = []
        let scan = try JSONLinesReader.forEachLine(
            in: file, decode: { try decoder.decode(Record.self, from: $0) }
        ) { record, _ in records.append(record) }
        return (records, scan)
    }

    @Test("empty start replaces the file, appending keeps what it holds")
    func startModes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("{\"n\":0}\n", to: "l.jsonl")
        let encoder = JSONEncoder()
        try JSONLinesWriter(file: file, start: .appending).write(Record(n: 1), encoder: encoder)
        #expect(try Self.read(file).records == [Record(n: 0), Record(n: 1)])
        let fresh = try JSONLinesWriter(file: file, start: .empty)
        try fresh.write(line: Array(#"{"n":2}"#.utf8))
        fresh.close()
        #expect(try Self.read(file).records == [Record(n: 2)])
        #expect(throws: JSONLinesError.writeFailed(file, reason: "the file is closed")) {
            try fresh.write(line: Array("{}".utf8))
        }
    }

    @Test("a missing folder and an uncreatable file are errors that name the file")
    func writerErrors() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let nowhere = folder.file("absent/l.jsonl")
        #expect(throws: JSONLinesError.missingFolder(nowhere)) {
            try JSONLinesWriter(file: nowhere, start: .empty)
        }
        let error = try #require(throws: JSONLinesError.self) {
            try JSONLinesWriter(file: folder.url, start: .empty)
        }
        #expect(error.description.contains(folder.url.path))
    }

    @Test("a torn last line is skipped and reported; a damaged line before it is corrupt, with its number")
    func tornAndCorrupt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let torn = try folder.write("{\"n\":1}\n\n{\"n\":2}\n{\"n\"", to: "torn.jsonl")
        let (records, scan) = try Self.read(torn)
        #expect(records == [Record(n: 1), Record(n: 2)])
        #expect(scan.records == 2)
        #expect(scan.torn?.line == 4)
        let damaged = try folder.write("{\"n\":1}\n{\"m\":1}\n{\"n\":2}\n", to: "damaged.jsonl")
        #expect(throws: JSONLinesError.corruptLine(damaged, line: 2, reason: "missing field \"n\"")) {
            try Self.read(damaged)
        }
        let terminated = try folder.write("{\"n\":1}\n{\"n\"\n", to: "terminated.jsonl")
        #expect(throws: JSONLinesError.corruptLine(terminated, line: 2, reason: "not valid JSON")) {
            try Self.read(terminated)
        }
    }

    @Test("the body's errors pass through unchanged, also on the last line")
    func bodyErrors() throws {
        struct Stop: Error {}
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("{\"n\":1}", to: "l.jsonl")
        #expect(throws: Stop.self) {
            try JSONLinesReader.forEachLine(in: file, decode: { $0 }) { _, _ in throw Stop() }
        }
    }
}
