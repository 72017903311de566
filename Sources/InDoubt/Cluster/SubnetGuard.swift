/// Keeps every packet addressed to InDoubt's subnets on this machine.
///
/// An application's client does not reset the connections it gives up on: its kernel keeps
/// retransmitting an unacknowledged COMMIT for minutes, also after the cluster, its uplink
/// and so its `/24` route are gone. Without a route of its own the packet would follow the
/// default route off the machine. The guard is an `unreachable` route for the whole subnet
/// base (`10.213.0.0/16`) in the root namespace: each live cluster's uplink route (a `/24`)
/// is more specific and wins; once a cluster is gone, its addresses answer "no route to
/// host" locally and nothing is sent.
///
/// The guard is put in place before any cluster's network exists and is never removed:
/// a route is not an iptables rule, costs nothing, and must outlive teardown, `kill -9`
/// and the reaper, while sockets may still linger. Remove it by hand, if ever, with
/// `ip route del unreachable 10.213.0.0/16`.
public enum SubnetGuard {
    /// The guarded network: the subnet base as a `/16`.
    public static var network: String { "\(Naming.subnetBase).0.0/16" }

    /// The `ip` arguments that install the guard.
    public static var installCommand: [String] { ["ip", "-4", "route", "add", "unreachable", network] }

    /// Installs the guard in the caller's network namespace, unless it is there already.
    /// A route of someone else's for exactly the same network is left alone (the slot
    /// registry then reports the subnet as in use, with the fix).
    public static func install() throws {
        try Naming.validateSubnetBase()
        let routes = { (try? Command.runBlocking(["ip", "-4", "route", "show", "exact", network]).stdout) ?? "" }
        guard routes().isEmpty else { return }
        do {
            try Command.runBlocking(installCommand)
        } catch {
            // Another process may have added it in the meantime.
            guard isInstalled(in: routes()) else { throw error }
        }
    }

    /// Whether `ipRouteOutput` (`ip -4 route show`) holds the guard for ``network``.
    public static func isInstalled(in ipRouteOutput: String) -> Bool {
        ipRouteOutput.split(separator: "\n").contains { line in
            let words = line.split(separator: " ")
            return words.count >= 2 && words[0] == "unreachable" && words[1] == Substring(network)
        }
    }

    /// Whether the guard is in place in the caller's network namespace now.
    public static var isInstalled: Bool {
        isInstalled(in: (try? Command.runBlocking(["ip", "-4", "route", "show"]).stdout) ?? "")
    }
}
