import Foundation

/// The names InDoubt gives to what it creates, so that a reaper can find them.
///
/// A cluster owns a *slot* (0..<``slotCount``): subnet `10.213.SLOT.0/24`; a bridge
/// namespace `idbSLOTbr-pPID` holding the bridge `idbSLOTbr` and the bridge-side veths
/// `idbSLOThN`; the root namespace's uplink veth `idbSLOTu` to it (address `SUBNET.1`);
/// node namespaces `idbSLOTnN-pPID` with their veth `idbSLOTvN`; and a folder
/// `/tmp/indoubt-PID-sSLOT`. The owner's identity is recorded in
/// `STATE/slots/SLOT/owner.json`. The bridge lives in a namespace of its own because a
/// bridge in the root namespace is subject to the root's FORWARD policy (Docker sets it to
/// DROP, and br_netfilter applies it to bridged frames), which would drop node-to-node
/// traffic; the root namespace's iptables are never changed instead.
public enum Naming {
    /// How many slots (and so clusters at once) a machine can have.
    public static let slotCount = 200
    /// Every name InDoubt gives to a namespace or link starts with this.
    public static let prefix = "idb"

    /// Where slot claims live (`INDOUBT_STATE_DIR`, default `/run/indoubt`).
    public static var stateDirectory: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["INDOUBT_STATE_DIR"] ?? "/run/indoubt")
    }

    /// Where cluster folders live (`INDOUBT_TMPDIR`, default `/tmp`); it must be one the
    /// `postgres` user can traverse.
    public static var temporaryRoot: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["INDOUBT_TMPDIR"] ?? "/tmp")
    }

    /// The namespace that holds a slot's bridge.
    public static func bridgeNamespace(slot: Int, owner: Int32) -> String { "\(prefix)\(slot)br-p\(owner)" }
    /// The bridge of a slot (inside ``bridgeNamespace(slot:owner:)``).
    public static func bridge(slot: Int) -> String { "\(prefix)\(slot)br" }
    /// The root namespace's veth to the bridge namespace (the clients' side, `SUBNET.1`).
    public static func uplink(slot: Int) -> String { "\(prefix)\(slot)u" }
    /// The uplink's peer, a port of the bridge.
    public static func uplinkPeer(slot: Int) -> String { "\(prefix)\(slot)ub" }
    /// The bridge-side veth of node `index` (inside the bridge namespace).
    public static func hostLink(slot: Int, node index: Int) -> String { "\(prefix)\(slot)h\(index)" }
    /// The namespace-side veth of node `index` (before it moves into the namespace).
    public static func nodeLink(slot: Int, node index: Int) -> String { "\(prefix)\(slot)v\(index)" }
    /// The network namespace of node `index`.
    public static func namespace(slot: Int, node index: Int, owner: Int32) -> String { "\(prefix)\(slot)n\(index)-p\(owner)" }
    /// The folder of a slot's cluster.
    public static func folder(slot: Int, owner: Int32) -> URL {
        temporaryRoot.appendingPathComponent("indoubt-\(owner)-s\(slot)")
    }
    /// The first two octets of every cluster subnet: `INDOUBT_SUBNET` (e.g. `10.214`),
    /// default `10.213`. Change it when your network already routes `10.213.0.0/16`.
    public static var subnetBase: String {
        ProcessInfo.processInfo.environment["INDOUBT_SUBNET"] ?? "10.213"
    }

    /// Throws ``ClusterError/invalidSubnetBase(_:)`` unless `base` is two octets.
    public static func validateSubnetBase(_ base: String = subnetBase) throws {
        let octets = base.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 2, octets.allSatisfy({ UInt8($0) != nil }) else {
            throw ClusterError.invalidSubnetBase(base)
        }
    }

    /// The subnet prefix (first three octets) of a slot.
    public static func subnet(slot: Int) -> String { "\(subnetBase).\(slot)" }

    /// The slot a namespace or link name belongs to, if it is one of ours.
    public static func slot(ofName name: String) -> Int? {
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count).prefix { $0.isNumber }
        guard !digits.isEmpty, let slot = Int(digits), slot < slotCount else { return nil }
        let rest = name.dropFirst(prefix.count + digits.count)
        guard ["br", "h", "v", "n", "u"].contains(where: { rest.hasPrefix($0) }) else { return nil }
        return slot
    }

    /// The owner pid and slot of a cluster folder name `indoubt-PID-sSLOT`.
    public static func owner(ofFolder name: String) -> (pid: Int32, slot: Int)? {
        let parts = name.split(separator: "-")
        guard parts.count == 3, parts[0] == "indoubt", let pid = Int32(parts[1]),
              parts[2].hasPrefix("s"), let slot = Int(parts[2].dropFirst()) else { return nil }
        return (pid, slot)
    }
}
