import Foundation
@testable import InDoubt
import Testing

@Suite("History lines are the bytes JSONEncoder would write")
struct HistoryLineEncoderTests {
    static let operations: [HistoryOperation] = [
        HistoryOperation(index: 0, time: 12, process: .client(3), type: .invoke, f: .add, value: 217),
        HistoryOperation(index: 1, time: 1_000_000_123, process: .client(3), type: .info, f: .add, value: 217,
                         error: "timeout: \"COMMIT\" sent\\n\n\t\u{1}/é", attempt: 2),
        HistoryOperation(index: 2, time: 5, process: .nemesis, type: .ok, f: .startFault, fault: "partition"),
        HistoryOperation(index: 6, time: 9, process: .nemesis, type: .fail, f: .stopFault,
                         error: "iptables: \"busy\"", fault: "slow"),
        HistoryOperation(index: 7, time: 10, process: .client(1), type: .ok, f: .add, value: 4,
                         warning: "WARNING 25P01: there is no transaction in progress", attempt: 3),
        HistoryOperation(index: 3, time: 6, process: .client(5), type: .ok, f: .read, values: [3, 1, 1, -4]),
        HistoryOperation(index: 4, time: 7, process: .client(5), type: .ok, f: .read, values: []),
        HistoryOperation(index: 5, time: 8, process: .client(0), type: .ok, f: .resolve, value: 9,
                         evidence: "pg_xact_status = committed", resolution: .committed),
        HistoryOperation(index: 6, time: 9, process: .client(5), type: .ok, f: .read, values: [1], node: "n2"),
        HistoryOperation(index: 7, time: 10, process: .nemesis, type: .ok, f: .startFault, fault: "failover",
                         evidence: "n1 fenced, n2 promoted", node: "n2", promotion: 101_234_567, nodes: ["n1", "n2"]),
        HistoryOperation(index: 8, time: 11, process: .nemesis, type: .ok, f: .startFault, fault: "replication-cut",
                         evidence: "n1 drops 10.0.0.3", nodes: ["n1", "n2", "n\"3\\"]),
        HistoryOperation(index: 9, time: 12, process: .nemesis, type: .ok, f: .stopFault, fault: "pause-primary", nodes: []),
        // The extremes of the digits the encoder writes itself.
        HistoryOperation(index: 10, time: Int64.max, process: .client(0), type: .ok, f: .read,
                         values: [Int.min, Int.max, -1, 0, 10, -10, 1_000_000_000]),
        HistoryOperation(index: 11, time: 0, process: .nemesis, type: .ok, f: .startFault, fault: "failover",
                         promotion: Int64.min, nodes: ["n1"]),
    ]

    @Test("Byte for byte equal to JSONEncoder with sorted keys", arguments: operations)
    func sameBytes(operation: HistoryOperation) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = Array(try encoder.encode(operation))
        #expect(String(decoding: HistoryLineEncoder.encode(operation), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    @Test("Decodes back to the same operation", arguments: operations)
    func roundTrip(operation: HistoryOperation) throws {
        let decoded = try JSONDecoder().decode(HistoryOperation.self, from: Data(HistoryLineEncoder.encode(operation)))
        #expect(decoded == operation)
    }

    @Test("nodes is written as a JSON array of names between node and process, and read back by HistoryReader")
    func nodesThroughTheFile() throws {
        let operation = Self.operations[9]
        let line = String(decoding: HistoryLineEncoder.encode(operation), as: UTF8.self)
        #expect(line.contains(#""node":"n2","nodes":["n1","n2"],"process":"nemesis""#), "\(line)")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("history.jsonl")
        let recorder = try HistoryRecorder(file: file)
        recorder.append(process: .nemesis, type: .ok, f: .startFault, fault: "failover", node: "n2", nodes: ["n1", "n2"])
        recorder.append(process: .nemesis, type: .ok, f: .startFault, fault: "partition")
        recorder.close()
        let read = try HistoryReader.read(file).operations
        #expect(read.map(\.nodes) == [["n1", "n2"], nil])
        #expect(read.map(\.node) == ["n2", nil])
    }
}
