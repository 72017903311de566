/// A cluster's network: a bridge in a namespace of its own, one veth from the root
/// namespace to it (the clients' address, `SUBNET.1`), and one veth per node namespace
/// (`SUBNET.(10+i)`).
///
/// The bridge is not in the root namespace because there the root's FORWARD policy
/// (Docker's DROP, applied to bridged frames by br_netfilter) would drop node-to-node
/// traffic such as streaming replication. The root namespace only sends and receives on
/// its uplink, so its iptables and sysctls stay as they are.
struct ClusterNetwork: Sendable {
    /// A node's place on the network.
    struct Member: Sendable {
        var index: Int
        var namespace: String
        var address: String
    }

    var slot: Int
    var owner: Int32
    var members: [Member]

    var bridgeNamespace: String { Naming.bridgeNamespace(slot: slot, owner: owner) }

    /// The `ip -batch` script for the root namespace: every namespace, and the uplink.
    var rootBatch: [String] {
        let uplink = Naming.uplink(slot: slot)
        return ["netns add \(bridgeNamespace)"] + members.map { "netns add \($0.namespace)" } + [
            "link add \(uplink) type veth peer name \(Naming.uplinkPeer(slot: slot)) netns \(bridgeNamespace)",
            "addr add \(Naming.subnet(slot: slot)).1/24 dev \(uplink)",
            "link set \(uplink) up",
        ]
    }

    /// The `ip -batch` script for the bridge namespace: the bridge, its uplink port, and a
    /// veth pair per node whose other end goes straight into the node's namespace.
    var bridgeBatch: [String] {
        let bridge = Naming.bridge(slot: slot)
        let uplinkPeer = Naming.uplinkPeer(slot: slot)
        var lines = [
            "link add \(bridge) type bridge",
            "link set \(bridge) up",
            "link set \(uplinkPeer) master \(bridge)",
            "link set \(uplinkPeer) up",
        ]
        for member in members {
            let host = Naming.hostLink(slot: slot, node: member.index)
            lines += [
                "link add \(host) type veth peer name \(Naming.nodeLink(slot: slot, node: member.index)) netns \(member.namespace)",
                "link set \(host) master \(bridge)",
                "link set \(host) up",
            ]
        }
        return lines
    }

    /// The `ip -batch` script inside a node's namespace.
    func nodeBatch(_ member: Member) -> [String] {
        let link = Naming.nodeLink(slot: slot, node: member.index)
        return ["link set lo up", "addr add \(member.address)/24 dev \(link)", "link set \(link) up"]
    }

    /// Creates it all. A failure leaves names the ``Reaper`` removes with the slot.
    func create() async throws {
        try await Self.batch(["ip"], rootBatch)
        try await Self.batch(["ip", "-n", bridgeNamespace], bridgeBatch)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for member in members {
                group.addTask { try await Self.batch(["ip", "-n", member.namespace], nodeBatch(member)) }
            }
            try await group.waitForAll()
        }
    }

    private static func batch(_ ip: [String], _ lines: [String]) async throws {
        try await Command.run(ip + ["-batch", "-"], input: lines.joined(separator: "\n") + "\n")
    }
}
