import Foundation
import InDoubt
import Testing

@Suite("The strategy catalog")
struct StrategyCatalogTests {
    @Test("The catalog offers exactly the seven strategies, each a fresh instance under its own name")
    func catalogNames() throws {
        #expect(StrategyCatalog.names == ["naive", "retry", "retry-commit", "idempotent", "ledger", "txid", "2pc"])
        let folder = URL(fileURLWithPath: "/nonexistent/run")
        for name in StrategyCatalog.names {
            let strategy = try #require(StrategyCatalog.strategy(named: name, runFolder: folder))
            #expect(strategy.name == name)
        }
        #expect(StrategyCatalog.strategy(named: "blind", runFolder: folder) == nil)
        let ledger = try #require(StrategyCatalog.strategy(named: "ledger", runFolder: folder) as? LedgerStrategy)
        #expect(ledger.intentLog.url.path == "/nonexistent/run/intents.jsonl")
    }

    @Test("Only two-phase commit asks the server for prepared transactions")
    func serverSettings() throws {
        let folder = URL(fileURLWithPath: "/nonexistent/run")
        for name in StrategyCatalog.names {
            let settings = try #require(StrategyCatalog.strategy(named: name, runFolder: folder)).serverSettings
            if name == "2pc" {
                #expect(settings["max_prepared_transactions"].flatMap(Int.init).map { $0 > 0 } == true)
            } else {
                #expect(settings.isEmpty)
            }
        }
    }
}
