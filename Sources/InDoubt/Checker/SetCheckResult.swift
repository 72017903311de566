/// The verdict of ``SetChecker`` on a set workload's history, with the article's metrics.
///
/// Element lists are sorted ascending. A metric that needs the final read is empty (and a
/// rate that needs it is `nil`) when the history has no final read: see ``hasFinalRead``.
public struct SetCheckResult: Sendable, Equatable {
    /// Distinct elements attempted (retries of one element count once).
    public var total: Int
    /// Distinct elements with at least one `.ok` completion.
    public var acknowledged: Int
    /// Distinct elements in the final read.
    public var survivors: Int
    /// Acknowledged but absent from the final read.
    public var lost: [Int]
    /// In the final read, attempted, never acknowledged (Jepsen's "recovered").
    public var unacknowledgedFound: [Int]
    /// In the final read but never attempted.
    public var unexpected: [Int]
    /// Elements present more than once in the final read, with their counts.
    public var duplicates: [DuplicateElement]
    /// Attempted, never acknowledged, with at least one `.info` completion.
    public var indeterminate: [Int]
    /// Indeterminate elements whose last verdict is neither committed nor aborted.
    public var unresolved: [Int]
    /// Resolved committed but absent from the final read, or resolved aborted but present.
    public var misresolved: [Int]
    /// Never acknowledged, every completion `.fail`, yet present in the final read: the
    /// client called a write "definitely failed" that took place (a classification bug).
    public var failedButPresent: [Int]
    /// Never acknowledged, at least one `.fail` or `.info` completion, present in the read.
    public var erroredApplied: [Int]
    /// Never acknowledged, at least one `.fail` or `.info` completion, absent from the read.
    public var erroredNotApplied: [Int]
    /// Never acknowledged, and every completion was `.fail`.
    public var failed: [Int]
    /// Returned by a read while the writes went on (any `.ok` read before the final one),
    /// yet absent from the final read: a read of a write that was later lost, whether or not
    /// it was acknowledged (after a failover, say, a write committed on the old primary
    /// only). Jepsen's set-full counts these as lost too.
    public var readThenLost: [Int]
    /// Whether the history holds a successful (`.ok`) read.
    public var hasFinalRead: Bool

    /// Creates a result. ``SetChecker`` is the usual way to get one.
    public init(
        total: Int, acknowledged: Int, survivors: Int, lost: [Int], unacknowledgedFound: [Int],
        unexpected: [Int], duplicates: [DuplicateElement], indeterminate: [Int],
        unresolved: [Int], misresolved: [Int], failedButPresent: [Int], erroredApplied: [Int],
        erroredNotApplied: [Int], failed: [Int], readThenLost: [Int] = [], hasFinalRead: Bool
    ) {
        self.total = total
        self.acknowledged = acknowledged
        self.survivors = survivors
        self.lost = lost
        self.unacknowledgedFound = unacknowledgedFound
        self.unexpected = unexpected
        self.duplicates = duplicates
        self.indeterminate = indeterminate
        self.unresolved = unresolved
        self.misresolved = misresolved
        self.failedButPresent = failedButPresent
        self.erroredApplied = erroredApplied
        self.erroredNotApplied = erroredNotApplied
        self.failed = failed
        self.readThenLost = readThenLost
        self.hasFinalRead = hasFinalRead
    }

    /// acknowledged / total, or `nil` when nothing was attempted.
    public var ackRate: Double? {
        Self.ratio(acknowledged, total)
    }

    /// lost / acknowledged, or `nil` when nothing was acknowledged or there is no final read.
    public var lossRate: Double? {
        hasFinalRead ? Self.ratio(lost.count, acknowledged) : nil
    }

    /// unacknowledged found / **acknowledged** (the article's formula: 2/950 = 0.002105263),
    /// or `nil` when nothing was acknowledged or there is no final read.
    public var unacknowledgedSuccessRate: Double? {
        hasFinalRead ? Self.ratio(unacknowledgedFound.count, acknowledged) : nil
    }

    /// The set's invariants: there is a final read, no acknowledged write is lost, no
    /// element appeared that was never written, no resolution disagrees with the final
    /// read (``misresolved``), no write the client called definitely failed is in it
    /// (``failedButPresent``), and nothing a read returned has vanished from it
    /// (``readThenLost``). ``misresolved`` and ``failedButPresent`` are bugs of the client, not of the server, and
    /// a verdict CI trusts must catch them too. ``invariantViolations`` says which fail.
    public var invariantsHold: Bool {
        invariantViolations.isEmpty
    }

    /// Why the invariants do not hold, one sentence fragment per broken invariant, in the
    /// order of ``invariantsHold``'s documentation; empty when they hold.
    public var invariantViolations: [String] {
        var violations: [String] = []
        if !hasFinalRead { violations.append("there is no final read") }
        if !lost.isEmpty { violations.append("\(lost.count) acknowledged writes were lost") }
        if !unexpected.isEmpty { violations.append("\(unexpected.count) elements were read that were never written") }
        if !misresolved.isEmpty {
            violations.append("\(misresolved.count) resolutions disagree with the final read")
        }
        if !failedButPresent.isEmpty {
            violations.append("\(failedButPresent.count) writes the client called definitely failed are in the final read")
        }
        if !readThenLost.isEmpty {
            violations.append("\(readThenLost.count) elements a read returned are gone from the final read")
        }
        return violations
    }

    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
        denominator == 0 ? nil : Double(numerator) / Double(denominator)
    }
}
