import Foundation

/// The IPv4 TCP sockets of the caller's network namespace (`/proc/net/tcp`), to tell
/// whether any of them still holds data the peer has not acknowledged: a COMMIT that the
/// kernel keeps retransmitting after the client gave up on it.
public struct SocketTable: Sendable, Equatable {
    /// One socket.
    public struct Socket: Sendable, Equatable {
        /// The local port.
        public var localPort: Int
        /// The remote address, dotted.
        public var remoteAddress: String
        /// The remote port.
        public var remotePort: Int
        /// The kernel's state number (1 established, 4 FIN_WAIT1, 9 LAST_ACK, ...).
        public var state: Int
        /// Bytes (and a FIN) sent or queued but not yet acknowledged.
        public var sendQueue: Int

        /// Creates a socket entry.
        public init(localPort: Int, remoteAddress: String, remotePort: Int, state: Int, sendQueue: Int) {
            self.localPort = localPort
            self.remoteAddress = remoteAddress
            self.remotePort = remotePort
            self.state = state
            self.sendQueue = sendQueue
        }
    }

    /// The sockets.
    public var sockets: [Socket]

    /// Parses the text of `/proc/net/tcp`.
    public init(procNetTCP text: String) {
        sockets = text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 4 else { return nil }
            let local = fields[1].split(separator: ":")
            let remote = fields[2].split(separator: ":")
            let queues = fields[4].split(separator: ":")
            guard local.count == 2, let localPort = Int(local[1], radix: 16),
                  remote.count == 2, queues.count == 2, let hex = UInt32(remote[0], radix: 16),
                  let port = Int(remote[1], radix: 16), let state = Int(fields[3], radix: 16),
                  let sendQueue = Int(queues[0], radix: 16) else { return nil }
            // The kernel prints the address in host byte order (little-endian here).
            let octets = [hex & 0xff, hex >> 8 & 0xff, hex >> 16 & 0xff, hex >> 24]
            return Socket(
                localPort: localPort, remoteAddress: octets.map(String.init).joined(separator: "."), remotePort: port, state: state,
                sendQueue: sendQueue)
        }
    }

    /// The caller's namespace's table now (empty if it cannot be read).
    public static func current() -> SocketTable {
        SocketTable(procNetTCP: ProcFile.read("/proc/net/tcp"))
    }

    /// The sockets to `port` (at `address`, or at any address when `nil`), from one of
    /// `localPorts` when given, that still hold unacknowledged data.
    public func pendingSends(toPort port: Int, address: String? = nil, fromLocalPorts localPorts: Set<Int>? = nil) -> [Socket] {
        sockets.filter {
            $0.remotePort == port && (address == nil || $0.remoteAddress == address)
                && (localPorts?.contains($0.localPort) ?? true) && $0.sendQueue > 0
        }
    }
}
