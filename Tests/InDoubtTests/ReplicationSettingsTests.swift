import InDoubt
import Testing

@Suite("Replication topologies: settings, standby names and WAL positions")
struct ReplicationSettingsTests {
    @Test("synchronous_standby_names lists the standbys by node name, ANY or FIRST")
    func standbyNames() {
        let names = Replication.standbyNames(2)
        #expect(names == ["n2", "n3"])
        #expect(Replication(standbys: 2, mode: .sync(.on)).synchronousStandbyNames(names) == "ANY 1 (n2, n3)")
        #expect(Replication(standbys: 2, mode: .sync(.on), quorum: .first(2)).synchronousStandbyNames(names) == "FIRST 2 (n2, n3)")
        #expect(Replication(standbys: 2, mode: .async).synchronousStandbyNames(names) == "")
    }

    @Test("Only the primary waits for standbys; a standby retries its primary quickly, so a promoted one waits for no one")
    func perNodeSettings() {
        let sync = Replication(standbys: 1, mode: .sync(.remoteApply), quorum: .first(1))
        #expect(sync.settings(forNode: 0) == ["synchronous_standby_names": "FIRST 1 (n2)", "synchronous_commit": "remote_apply"])
        #expect(sync.settings(forNode: 1)["synchronous_standby_names"] == nil)
        #expect(sync.settings(forNode: 1)["wal_retrieve_retry_interval"] == "50ms")
        #expect(Replication(standbys: 1).settings(forNode: 0).isEmpty)
        #expect(sync.requiredSynchronous == 1)
        #expect(Replication(standbys: 3).requiredSynchronous == 0)
    }

    @Test("A standby's conninfo names it, and the subnet may stream")
    func conninfoAndHBA() {
        #expect(Replication.primaryConninfo(host: "10.213.7.10", port: 5432, applicationName: "n2")
            == "host=10.213.7.10 port=5432 user=postgres application_name=n2 connect_timeout=2")
        #expect(Replication.hbaLine(subnet: "10.213.7") == "host replication all 10.213.7.0/24 trust\n")
    }

    @Test("WAL positions parse from pg_lsn text and compare by position", arguments: [
        ("0/3000060", UInt64(0x300_0060)), ("16/B374D848", UInt64(0x16_B374_D848)), ("FFFFFFFF/FFFFFFFF", UInt64.max),
    ])
    func lsn(text: String, value: UInt64) throws {
        let lsn = try #require(LogSequenceNumber(text))
        #expect(lsn.value == value)
        #expect(lsn.description == text)
    }

    @Test("Malformed positions are refused; later positions are greater")
    func lsnOrder() throws {
        for bad in ["", "0", "0/", "x/1", "1/2/3"] { #expect(LogSequenceNumber(bad) == nil) }
        #expect(try #require(LogSequenceNumber("0/FFFFFFFF")) < #require(LogSequenceNumber("1/0")))
    }
}
