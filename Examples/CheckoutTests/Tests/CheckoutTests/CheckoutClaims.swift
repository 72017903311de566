import Checkout
import InDoubt
import InDoubtTesting
import Testing
import XCTest

/// The double charge of "Jepsen: Postgres", and its fix, as claims about this shop's own
/// checkout (CheckoutStrategy). Each runs 100 checkouts by 5 customers while the answers to
/// their COMMITs are dropped for 1.5 s, and reads the payments back from PostgreSQL.
enum CheckoutClaims {
    static let lostAnswers = [
        FaultSchedule(.dropCommitAck, start: .afterAcknowledged(30, alignedToCommit: true), duration: .milliseconds(1500)),
    ]

    /// How many times each order was charged, read from the payments table.
    static func charges(_ run: ClaimRun) async throws -> [Int: Int] {
        let rows = try await run.query("SELECT order_element, count(*) FROM payments GROUP BY order_element")
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.int(0), try $0.int(1)) })
    }

    /// The orders whose checkout was submitted more than once, from history.jsonl.
    static func resubmitted(_ run: ClaimRun) -> Set<Int> {
        Set(run.lastCompletion.filter { ($0.value.attempt ?? 1) > 1 }.keys)
    }

    static let resubmittingChargesTwice = Claim(
        "A checkout resubmitted after its answer was lost charges the card twice, and the checker names each such order"
    ) { claim in
        let run = try await claim.run(writes: 100, faults: lostAnswers, strategy: CheckoutStrategy(keyed: false), retryBudget: .seconds(5))
        claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
        claim.expect(!resubmitted(run).isEmpty, "no checkout was submitted twice")
        let charged = try await charges(run)
        let chargedTwice = Set(charged.filter { $0.value > 1 }.keys)
        claim.expect(!chargedTwice.isEmpty, "no card was charged twice")
        // Each order charged twice was resubmitted after a COMMIT that did apply, and the
        // checker, reading set_app, counts exactly those orders as duplicates.
        claim.expect(chargedTwice.isSubset(of: resubmitted(run)), "charged twice without a resubmission: \(chargedTwice.subtracting(resubmitted(run)).sorted())")
        claim.expectEqual(run.result.duplicates.map(\.element).sorted(), chargedTwice.sorted())
        claim.expectEqual(run.outcome.results.duplicates, chargedTwice.count, "results.json's duplicates")
        print("checkout, resubmitted: \(resubmitted(run).count) checkouts submitted again, \(chargedTwice.count) cards charged twice: \(chargedTwice.sorted())")
    }

    static let keyedCheckoutChargesOnce = Claim(
        "A keyed checkout charges every order exactly once; a checkout still in doubt is resolved by its key, as the table says"
    ) { claim in
        // A 1 s budget, shorter than the fault: some checkouts give up in doubt.
        let run = try await claim.run(writes: 100, faults: lostAnswers, strategy: CheckoutStrategy(keyed: true), retryBudget: .seconds(1))
        let result = run.result
        claim.expect(run.outcome.faultsApplied, "the fault never started: \(run.outcome.faultErrors)")
        claim.expect(!resubmitted(run).isEmpty, "no checkout was submitted twice")
        claim.expect(!result.indeterminate.isEmpty, "no checkout was still in doubt when the shop gave up")
        let charged = try await charges(run)
        claim.expectEqual(charged.filter { $0.value != 1 }, [:], "orders charged other than once")
        claim.expectEqual(Set(charged.keys), Set(run.tableElements), "the charged orders are the placed ones")
        let table = Set(run.tableElements)
        for element in result.indeterminate {
            let expected: HistoryOperation.Resolution = table.contains(element) ? .committed : .aborted
            claim.expectEqual(run.resolveOperations[element]?.resolution, expected, "order \(element)")
        }
        claim.expectEqual(result.duplicates, [])
        claim.expectEqual(result.lost, [])
        claim.expectEqual(result.unresolved, [])
        claim.expectEqual(result.misresolved, [])
        claim.expect(result.invariantsHold, "\(result.invariantViolations)")
        print("checkout, keyed: \(resubmitted(run).count) checkouts submitted again, \(result.indeterminate.count) resolved by key, \(charged.filter { $0.value != 1 }.count) orders charged other than once")
    }
}

@Suite("Checkout under lost answers")
struct CheckoutTests {
    @Test("A checkout resubmitted after its answer was lost charges the card twice, and the checker names each such order")
    func resubmittingChargesTwice() async throws { try await CheckoutClaims.resubmittingChargesTwice.verify() }

    @Test("A keyed checkout charges every order exactly once; a checkout still in doubt is resolved by its key, as the table says")
    func keyedCheckoutChargesOnce() async throws { try await CheckoutClaims.keyedCheckoutChargesOnce.verify() }
}

/// The same claims through XCTest. XCTest runs methods one after another; the group starts
/// both claims at the first method, so the class takes as long as the longer one.
final class CheckoutXCTests: XCTestCase {
    static let claims = ClaimGroup(of: CheckoutXCTests.self, [
        "testResubmittingChargesTwice": CheckoutClaims.resubmittingChargesTwice,
        "testKeyedCheckoutChargesOnce": CheckoutClaims.keyedCheckoutChargesOnce,
    ])

    func testResubmittingChargesTwice() async throws { try await Self.claims.verify() }
    func testKeyedCheckoutChargesOnce() async throws { try await Self.claims.verify() }
}
