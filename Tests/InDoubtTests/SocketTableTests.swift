@testable import InDoubt
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite("The socket table tells which client sockets still hold unacknowledged data")
struct SocketTableTests {
    // Two sockets to 10.213.7.10:5432 (one with 0x1c unacknowledged bytes, in FIN_WAIT1),
    // one idle, and one to 127.0.0.1:5432 with 3 bytes.
    static let text = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0107D50A:A1B2 0A07D50A:1538 04 0000001C:00000000 01:00000020 00000003     0        0 0 1 0000000000000000 200 4 30 10 -1
           1: 0107D50A:A1B4 0A07D50A:1538 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 20 4 30 10 -1
           2: 0100007F:B000 0100007F:1538 01 00000003:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 20 4 30 10 -1
        """

    @Test("Addresses, ports, states and send queues are parsed")
    func parses() {
        let table = SocketTable(procNetTCP: Self.text)
        #expect(table.sockets.count == 3)
        #expect(table.sockets[0] == .init(localPort: 0xA1B2, remoteAddress: "10.213.7.10", remotePort: 5432, state: 4, sendQueue: 28))
        #expect(table.sockets[2].remoteAddress == "127.0.0.1")
    }

    @Test("Only sockets with unacknowledged data to the given server count")
    func pending() {
        let table = SocketTable(procNetTCP: Self.text)
        #expect(table.pendingSends(toPort: 5432, address: "10.213.7.10").map(\.sendQueue) == [28])
        #expect(table.pendingSends(toPort: 5432).map(\.sendQueue) == [28, 3])
        #expect(table.pendingSends(toPort: 5433).isEmpty)
        // A socket of an earlier run to the same server does not count.
        #expect(table.pendingSends(toPort: 5432, address: "10.213.7.10", fromLocalPorts: [0xA1B4]).isEmpty)
        #expect(table.pendingSends(toPort: 5432, fromLocalPorts: [0xA1B2, 0xB000]).count == 2)
    }

    @Test("This namespace's table is read whole, past the 4 KB where String(contentsOfFile:) stops")
    func current() throws {
        let text = ProcFile.read("/proc/net/tcp")
        #expect(text.hasSuffix("\n"), "the read was cut short")
        #expect(SocketTable(procNetTCP: text).sockets.count == text.split(separator: "\n").count - 1)
        // A fixed number of lines of our own, so that the file passes 4 KB (150 bytes a line).
        let listeners = try (0..<40).map { _ in try Self.listeningSocket() }
        defer { listeners.forEach { close($0) } }
        let table = SocketTable.current()
        #expect(table.sockets.count >= 40, "only \(table.sockets.count) sockets read")
        let ours = Set(try listeners.map(Self.port(of:)))
        #expect(ours.isSubset(of: Set(table.sockets.map(\.localPort))), "a listening socket of this test is missing")
    }

    static func listeningSocket() throws -> Int32 {
        // Close-on-exec, as every descriptor this process makes outside Command's spawn lock
        // must be: without it, a server spawned meanwhile (CommandSpawnTests runs beside this
        // test) inherited 20 of these sockets, and that test failed.
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f000001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, bound == 0, listen(descriptor, 1) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        return descriptor
    }

    static func port(of descriptor: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { throw POSIXError(.EBADF) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
