@testable import InDoubt
import InDoubtTesting
import Testing

@Suite("Names, versions and prerequisites")
struct ClusterNamingTests {
    @Test("Every name of a slot carries the prefix and maps back to its slot")
    func namesMapBack() {
        for slot in [0, 7, 199] {
            let names = [Naming.bridge(slot: slot), Naming.hostLink(slot: slot, node: 2),
                         Naming.nodeLink(slot: slot, node: 0), Naming.namespace(slot: slot, node: 1, owner: 4_194_304),
                         Naming.bridgeNamespace(slot: slot, owner: 4_194_304), Naming.uplink(slot: slot), Naming.uplinkPeer(slot: slot)]
            for name in names {
                #expect(name.hasPrefix("idb"))
                #expect(Naming.slot(ofName: name) == slot)
            }
            #expect(Naming.bridge(slot: slot).count <= 15)
            #expect(Naming.hostLink(slot: slot, node: 9).count <= 15)
            #expect(Naming.uplinkPeer(slot: slot).count <= 15)
        }
        #expect(Naming.slot(ofName: "eth0") == nil)
        #expect(Naming.slot(ofName: "idbx") == nil)
        #expect(Naming.slot(ofName: "idb250br") == nil)
    }

    @Test("The bridge lives in a namespace of its own; the root namespace gets only the uplink")
    func networkLayout() {
        let members = [ClusterNetwork.Member(index: 0, namespace: "idb7n0-p42", address: "10.213.7.10"),
                       ClusterNetwork.Member(index: 1, namespace: "idb7n1-p42", address: "10.213.7.11")]
        let network = ClusterNetwork(slot: 7, owner: 42, members: members)
        #expect(network.rootBatch == [
            "netns add idb7br-p42", "netns add idb7n0-p42", "netns add idb7n1-p42",
            "link add idb7u type veth peer name idb7ub netns idb7br-p42",
            "addr add 10.213.7.1/24 dev idb7u", "link set idb7u up",
        ])
        #expect(!network.rootBatch.contains { $0.contains("type bridge") || $0.contains("master") })
        #expect(network.bridgeBatch.contains("link add idb7br type bridge"))
        #expect(network.bridgeBatch.contains("link add idb7h1 type veth peer name idb7v1 netns idb7n1-p42"))
        #expect(network.bridgeBatch.contains("link set idb7h1 master idb7br"))
        #expect(network.nodeBatch(members[1]) == ["link set lo up", "addr add 10.213.7.11/24 dev idb7v1", "link set idb7v1 up"])
    }

    @Test("Cluster folders name their owner's pid and slot")
    func folderOwner() {
        let folder = Naming.folder(slot: 42, owner: 1234)
        #expect(folder.lastPathComponent == "indoubt-1234-s42")
        #expect(Naming.owner(ofFolder: "indoubt-1234-s42")! == (1234, 42))
        #expect(Naming.owner(ofFolder: "indoubt-cache") == nil)
        #expect(Naming.owner(ofFolder: "indoubt-12-x4") == nil)
    }

    @Test("Versions are read from postgres --version", arguments: [
        ("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", "15.18"),
        ("postgres (PostgreSQL) 18.1", "18.1"),
        ("postgres (PostgreSQL) 17beta2", "17"),
    ])
    func parseVersion(output: String, version: String) {
        #expect(PostgresInstallation.parseVersion(output) == version)
    }

    @Test("Something that is not PostgreSQL has no version")
    func notPostgres() {
        #expect(PostgresInstallation.parseVersion("bash 5.2") == nil)
    }

    @Test("An unknown version is an error that lists what exists and what to do")
    func unknownVersion() {
        let error = ClusterError.unknownVersion(requested: "9", installed: [])
        #expect(error.description.contains("PostgreSQL 9 is not installed; found: none"))
        #expect(error.description.contains("--pg"))
    }

    @Test("Missing prerequisites skip, or fail when INDOUBT_REQUIRE_FAULTS=1")
    func decision() {
        #expect(FaultEnvironment.decide(problems: [], required: true) == .run)
        #expect(FaultEnvironment.decide(problems: ["not root"], required: false) == .skip("fault tests on the netns backend cannot run here: not root"))
        guard case .fail(let reason) = FaultEnvironment.decide(problems: ["no iptables"], required: true) else {
            Issue.record("a required run must fail, not skip")
            return
        }
        #expect(reason.contains("no iptables"))
        #expect(reason.contains("INDOUBT_REQUIRE_FAULTS=1"))
    }
}
