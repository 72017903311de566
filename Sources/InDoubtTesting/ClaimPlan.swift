import InDoubt
import Synchronization

/// The ``ClaimGroup``s of a test target, started together.
///
/// XCTest runs one class after another, so with a group per class the claims of a class
/// wait for every class before it. A plan starts, at the first claim that any of its groups
/// verifies, the claims this run selected in all of them (`swift test --filter` is still
/// respected), at most ``limit`` at once, the groups in XCTest's order (by class name) so
/// that the claims asked for first start first. Each test method still waits for its own
/// claim and records its failures, as in a group of its own.
///
/// ```swift
/// enum AllClaims {
///     static let plan: ClaimPlan = ClaimPlan(atMost: 8) { [MyClaims.claims, MyOtherClaims.claims] }
/// }
///
/// final class MyClaims: XCTestCase {
///     static let claims = ClaimGroup(of: MyClaims.self, [
///         "testLostAcknowledgement": lostAcknowledgementSurvives,
///     ], plan: { AllClaims.plan })
///     func testLostAcknowledgement() async throws { try await Self.claims.verify() }
/// }
/// ```
///
/// The groups are listed in a closure, and each group names its plan in one: a class's
/// `static let` is made the first time it is read, and the plan reads its groups only when
/// the first claim starts. The plan's declared type (`: ClaimPlan`) keeps the compiler from
/// inferring the plan's and the groups' types from each other (a "circular reference").
public final class ClaimPlan: Sendable {
    /// The most claims that run at once; the others wait, in order, for a place.
    public let limit: Int
    /// Where the plan's claims wait for a place.
    let gate: AsyncGate
    private let groups: @Sendable () -> [ClaimGroup]
    private let started = Atomic<Bool>(false)

    /// A plan of `groups`, running at most `limit` claims at once.
    ///
    /// - Parameters:
    ///   - limit: The most claims that run at once (at least 1). Each claim starts its own
    ///     server and mostly waits on its faults and deadlines; on 2 cores, 8 at once kept
    ///     every claim's timing in three plain `swift test` runs of this repository.
    ///   - groups: Every group of the plan (each made with `plan:` naming this plan).
    public init(atMost limit: Int = 8, _ groups: @escaping @Sendable () -> [ClaimGroup]) {
        self.limit = max(1, limit)
        self.gate = AsyncGate(admitting: self.limit)
        self.groups = groups
    }

    /// Starts the selected claims of every group, the first time it is called.
    func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let groups = self.groups().sorted { $0.testCaseName < $1.testCaseName }
        var count = 0
        for group in groups { count += group.startSelected(through: gate) }
        print("claims: a plan starts \(count) claim\(count == 1 ? "" : "s") of \(groups.count) classes, at most \(limit) at once")
    }
}
