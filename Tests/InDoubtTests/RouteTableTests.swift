@testable import InDoubt
import Testing

@Suite("Cluster subnets stay clear of the machine's routes")
struct RouteTableTests {
    static let output = """
        default via 172.16.0.1 dev eth0
        172.16.0.0/24 dev eth0 proto kernel scope link src 172.16.0.2
        10.213.7.0/24 dev idb7u proto kernel scope link src 10.213.7.1
        10.213.40.0/22 dev vpn0 scope link
        192.168.5.9 dev tun0 scope link
        """

    @Test("A /22 on someone else's link blocks the four /24s inside it, and only those")
    func overlap() {
        let table = RouteTable(ipRouteOutput: Self.output)
        #expect(table.overlapping("10.213.40.0/24") == ["10.213.40.0/22"])
        #expect(table.overlapping("10.213.43.0/24") == ["10.213.40.0/22"])
        #expect(table.overlapping("10.213.44.0/24").isEmpty)
        #expect(table.overlapping("192.168.5.0/24") == ["192.168.5.9"])
    }

    @Test("The default route and InDoubt's own bridges are not conflicts")
    func ignored() {
        let table = RouteTable(ipRouteOutput: Self.output)
        #expect(table.overlapping("10.213.7.0/24").isEmpty)
        #expect(table.overlapping("10.213.0.0/24").isEmpty)
        #expect(table.routes.map(\.destination) == ["172.16.0.0/24", "10.213.40.0/22", "192.168.5.9"])
    }

    @Test("A /16 over the whole base blocks every slot", arguments: [0, 99, 199])
    func wholeBase(slot: Int) {
        let table = RouteTable(ipRouteOutput: "10.213.0.0/16 dev lab0 scope link")
        #expect(table.overlapping("10.213.\(slot).0/24") == ["10.213.0.0/16"])
    }

    @Test("InDoubt's own unreachable route for the base is not a conflict; someone else's blackhole is")
    func guardIsNotAConflict() {
        let table = RouteTable(ipRouteOutput: """
            unreachable 10.213.0.0/16
            blackhole 10.213.50.0/24 proto static
            """)
        #expect(table.overlapping("10.213.7.0/24").isEmpty)
        #expect(table.overlapping("10.213.50.0/24") == ["10.213.50.0/24"])
    }

    @Test("The guard is recognised in ip route's output, and only for the whole base")
    func guardRecognised() {
        #expect(SubnetGuard.network == "10.213.0.0/16")
        #expect(SubnetGuard.isInstalled(in: "default via 192.0.2.1 dev eth0\nunreachable 10.213.0.0/16 \n"))
        #expect(!SubnetGuard.isInstalled(in: "unreachable 10.213.7.0/24\n10.213.0.0/16 dev lab0"))
        #expect(SubnetGuard.installCommand == ["ip", "-4", "route", "add", "unreachable", "10.213.0.0/16"])
    }

    @Test("INDOUBT_SUBNET must be two octets", arguments: ["10.214", "192.168"])
    func validBase(base: String) throws {
        try Naming.validateSubnetBase(base)
    }

    @Test("A malformed INDOUBT_SUBNET is refused with the fix", arguments: ["10", "10.214.0", "10.300", "ten.one", ""])
    func invalidBase(base: String) {
        #expect(throws: ClusterError.self) { try Naming.validateSubnetBase(base) }
        #expect(ClusterError.invalidSubnetBase(base).description.contains("such as 10.214"))
    }
}
