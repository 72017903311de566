import InDoubt
import Testing

@Suite("Backend registry: the sessions a fence terminates")
struct BackendRegistryTests {
    @Test("Pids are kept by server: the fence of one node never names another node's pids")
    func pidsByServer() {
        let registry = BackendRegistry()
        let n1 = BackendRegistry.server(ConnectionOptions(host: "127.0.0.1", port: 32772))
        let n2 = BackendRegistry.server(ConnectionOptions(host: "127.0.0.1", port: 32770))
        #expect(n1 == "127.0.0.1:32772")
        registry.record(51, localPort: 40001, server: n1)
        registry.record(52, server: n1)
        registry.record(63, localPort: 40002, server: n2)
        // On compose every container counts pids from 1: 51 on n1 may be n2's checkpointer.
        #expect(registry.pids(on: n2) == [63])
        #expect(registry.pids(on: n1) == [51, 52])
        #expect(registry.all == [51, 52, 63])
        #expect(registry.localPorts == [40001, 40002])
        // A pid recorded without its server is fenced everywhere.
        registry.record(70)
        #expect(registry.pids(on: n2) == [63, 70])
    }
}
