import InDoubt
import Testing

@Suite("Partitions between nodes become exact iptables rules in each node's namespace, and heal exactly")
struct NodePartitionTests {
    static let primary = (name: "n1", address: "10.213.7.10")
    static let standbys = [(name: "n2", address: "10.213.7.11"), (name: "n3", address: "10.213.7.12")]

    @Test("The replication link is cut on both sides: the primary drops the standbys, each standby the primary")
    func replicationCut() throws {
        let partition = NodePartition.between([Self.primary], Self.standbys, name: "replication-cut")
        #expect(partition.cuts.map(\.node) == ["n1", "n2", "n3"])
        #expect(partition.cuts[0].peers == ["10.213.7.11", "10.213.7.12"])
        #expect(partition.cuts[1].peers == ["10.213.7.10"])
        let apply = try #require(partition.cuts[1].applyCommands.first)
        #expect(apply.arguments == ["iptables-restore", "-w", "--noflush"])
        #expect(apply.input == """
            *filter
            -A INPUT -s 10.213.7.10 -m comment --comment indoubt-replication-cut -j DROP
            -A OUTPUT -d 10.213.7.10 -m comment --comment indoubt-replication-cut -j DROP
            COMMIT

            """)
    }

    @Test("An isolated node drops everything but loopback: clients and peers alike")
    func isolation() {
        let partition = NodePartition.isolating("n1")
        #expect(partition.name == "isolate-n1")
        #expect(partition.cuts.count == 1)
        #expect(partition.cuts[0].iptablesRules == [
            ["INPUT", "!", "-i", "lo", "-m", "comment", "--comment", "indoubt-isolate-n1", "-j", "DROP"],
            ["OUTPUT", "!", "-o", "lo", "-m", "comment", "--comment", "indoubt-isolate-n1", "-j", "DROP"],
        ])
    }

    @Test("Healing deletes exactly the rules that applying appended")
    func healMirrorsApply() {
        let partitions = [NodePartition.between([Self.primary], Self.standbys, name: "cut"), .isolating("n2")]
        for cut in partitions.flatMap(\.cuts) {
            let applied = cut.applyCommands.map { $0.input?.replacingOccurrences(of: "-A ", with: "-D ") }
            #expect(applied == cut.healCommands.map(\.input))
            #expect(cut.applyCommands.count == 1)
        }
    }

    @Test("A cut for a node the targets lack is an error that names it")
    func unknownNode() async {
        let partition = NodePartition.isolating("n9")
        await #expect(throws: NodePartitionError.self) { try await partition.apply(on: [:]) }
        #expect(NodePartitionError(node: "n9", partition: "isolate-n9").description.contains("n9"))
    }
}
