import InDoubt
import Testing

@Suite("Client ports: the sockets an unfenced run waits to drain")
struct ClientPortsTests {
    @Test("Known ports are kept once; an unknown port (0, as postgres-nio reports) is not kept")
    func knownPortsOnly() {
        let ports = ClientPorts()
        ports.record(40001)
        ports.record(40002)
        ports.record(40001)
        ports.record(0)
        #expect(ports.all == [40001, 40002])
    }
}
