import InDoubt
import Testing

@Suite("Faults become exact iptables and tc commands, and heal exactly")
struct FaultCommandTests {
    @Test("A partition drops both directions in one atomic iptables-restore")
    func partition() throws {
        let fault = Fault(.partition, port: 5432)
        let apply = try #require(fault.applyCommands.first)
        #expect(fault.applyCommands.count == 1)
        #expect(apply.arguments == ["iptables-restore", "-w", "--noflush"])
        #expect(apply.input == """
            *filter
            -A INPUT -p tcp --dport 5432 -m comment --comment indoubt-partition -j DROP
            -A OUTPUT -p tcp --sport 5432 -m comment --comment indoubt-partition -j DROP
            COMMIT

            """)
    }

    @Test("Healing deletes exactly the rules that were added", arguments: Fault.Kind.allCases)
    func healMirrorsApply(kind: Fault.Kind) {
        let fault = Fault(kind, port: 6543, interface: "idb3v0")
        let applied = fault.applyCommands.map { $0.input?.replacingOccurrences(of: "-A ", with: "-D ") ?? "" }
        let healed = fault.healCommands.map { $0.input ?? "" }
        #expect(applied.count == healed.count)
        if kind != .slow { #expect(applied == healed) }
    }

    @Test("drop-commit-ack drops only server packets that carry COMMIT")
    func commitAck() {
        let fault = Fault(.dropCommitAck, port: 5432)
        #expect(fault.iptablesRules == [[
            "OUTPUT", "-p", "tcp", "--sport", "5432", "-m", "string", "--algo", "bm", "--string", "COMMIT",
            "-m", "comment", "--comment", "indoubt-drop-commit-ack", "-j", "DROP",
        ]])
    }

    @Test("One-way drops touch one direction only")
    func oneWay() {
        #expect(Fault(.dropReplies).iptablesRules.map(\.first) == ["OUTPUT"])
        #expect(Fault(.dropRequests).iptablesRules.map(\.first) == ["INPUT"])
        #expect(Fault(.reset).iptablesRules.first?.suffix(4) == ["-j", "REJECT", "--reject-with", "tcp-reset"])
        #expect(Fault(.none).applyCommands.isEmpty)
    }

    @Test("slow shapes the server's interface with tbf, not netem")
    func slow() {
        let fault = Fault(.slow, interface: "idb7v0", rate: "32kbit")
        #expect(fault.applyCommands.map(\.arguments) == [[
            "tc", "qdisc", "add", "dev", "idb7v0", "root", "tbf", "rate", "32kbit", "burst", "4kb", "latency", "2s",
        ]])
        #expect(fault.healCommands.map(\.arguments) == [["tc", "qdisc", "del", "dev", "idb7v0", "root"]])
    }
}
