/// The IPv4 routes of the root namespace, to keep cluster subnets clear of networks the
/// machine already uses.
struct RouteTable {
    struct Route {
        var destination: String
        var network: UInt32
        var prefixLength: Int
    }

    var routes: [Route]

    /// Route types `ip route` prints before the destination.
    private static let types: Set<String> = ["unicast", "unreachable", "blackhole", "prohibit", "throw", "local", "broadcast", "multicast", "anycast", "nat"]

    /// Parses `ip -4 route show`. The default route, routes on InDoubt's own links
    /// (`dev idb…`) and InDoubt's own ``SubnetGuard`` are left out.
    init(ipRouteOutput: String) {
        routes = ipRouteOutput.split(separator: "\n").compactMap { (line: Substring) -> Route? in
            var words = line.split(separator: " ").map(String.init)
            if SubnetGuard.isInstalled(in: String(line)) { return nil }
            if let type = words.first, Self.types.contains(type) { words.removeFirst() }
            guard let destination = words.first, destination != "default" else { return nil }
            if let dev = words.firstIndex(of: "dev"), words.indices.contains(dev + 1), words[dev + 1].hasPrefix(Naming.prefix) {
                return nil
            }
            guard let (network, length) = Self.parse(destination) else { return nil }
            return Route(destination: destination, network: network, prefixLength: length)
        }
    }

    /// The destinations that overlap `cidr`.
    func overlapping(_ cidr: String) -> [String] {
        guard let (network, length) = Self.parse(cidr) else { return [] }
        return routes.filter { route in
            let shorter = min(length, route.prefixLength)
            let mask: UInt32 = shorter == 0 ? 0 : ~UInt32(0) << (32 - shorter)
            return network & mask == route.network & mask
        }.map(\.destination)
    }

    /// `10.213.4.0/24` or a bare address (a /32).
    static func parse(_ cidr: String) -> (UInt32, Int)? {
        let parts = cidr.split(separator: "/")
        let octets = parts.first?.split(separator: ".").compactMap { UInt8($0) } ?? []
        guard octets.count == 4 else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) ?? -1 : 32
        guard (0...32).contains(length) else { return nil }
        let address = octets.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return (address, length)
    }
}
