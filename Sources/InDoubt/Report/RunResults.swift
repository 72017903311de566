import Foundation

/// The machine-readable results of one run (`results.json`): the checker's metrics plus
/// what the run was.
///
/// Keys are snake_case. Counts are integers; the matching `*_elements` keys hold the sorted
/// elements. A rate whose denominator is 0 (or that needs a final read the run lacks) is
/// JSON `null`, and so is `writes_per_s` for a run of no measurable duration.
///
/// `writes_per_s` is **attempted writes per second**: distinct elements attempted
/// (``total``) divided by the write phase's duration. Every attempt counts, whatever its
/// outcome, so the number measures the load the clients put on the server, not its
/// successes.
public struct RunResults: Sendable, Equatable, Codable {
    /// Distinct elements attempted.
    public var total: Int
    /// Distinct elements acknowledged.
    public var acknowledged: Int
    /// Distinct elements in the final read.
    public var survivors: Int
    /// How many acknowledged elements are missing from the final read.
    public var lost: Int
    /// How many unacknowledged elements are in the final read.
    public var unacknowledgedFound: Int
    /// The unacknowledged elements in the final read.
    public var unacknowledgedElements: [Int]
    /// acknowledged / total.
    public var ackRate: Double?
    /// lost / acknowledged.
    public var lossRate: Double?
    /// unacknowledged found / acknowledged.
    public var unacknowledgedSuccessRate: Double?
    /// How many elements were read but never attempted.
    public var unexpected: Int
    /// How many distinct elements the final read returned more than once.
    public var duplicates: Int
    /// How many elements were indeterminate (never acknowledged, at least one `.info`).
    public var indeterminate: Int
    /// How many indeterminate elements no strategy resolved.
    public var unresolved: Int
    /// How many resolutions disagree with the final read.
    public var misresolved: Int
    /// The server version.
    public var postgresVersion: String
    /// How the server ran.
    public var backend: String
    /// The fault injected.
    public var fault: String
    /// The commit strategy.
    public var strategy: String
    /// Concurrent clients.
    public var clients: Int
    /// Duration of the write phase, in seconds.
    public var durationS: Double
    /// Attempted writes per second (see the type's documentation).
    public var writesPerS: Double?
    /// The clients' TCP behaviour (`application`, `hardened`); `null` in older results.
    public var client: String?
    /// Whether the sessions were fenced before resolution; `false` for a `--no-fence` run,
    /// whose verdicts may precede a late COMMIT; `null` in older results.
    public var fenced: Bool?
    /// The workload's driver and its version (`libpq 15.18`, `postgres-nio 1.33.2`);
    /// `null` in older results.
    public var driver: String?
    /// The lost elements.
    public var lostElements: [Int]
    /// The unexpected elements.
    public var unexpectedElements: [Int]
    /// The duplicated elements, with their counts.
    public var duplicateElements: [DuplicateElement]
    /// The unresolved elements.
    public var unresolvedElements: [Int]
    /// The misresolved elements.
    public var misresolvedElements: [Int]
    /// How many "definitely failed" writes are in the final read (must be 0).
    public var failedButPresent: Int
    /// The "definitely failed" writes in the final read; `null` in older results.
    public var failedButPresentElements: [Int]?
    /// How many elements a read returned while the writes went on that are gone from the
    /// final read (``SetCheckResult/readThenLost``); `null` in older results.
    public var readThenLost: Int?
    /// Those elements; `null` in older results.
    public var readThenLostElements: [Int]?
    /// Errored (fail or info, never ok) writes that are in the final read.
    public var erroredApplied: Int
    /// Errored (fail or info, never ok) writes that are not in the final read.
    public var erroredNotApplied: Int
    /// `false` when the run was interrupted or its history was truncated.
    public var complete: Bool
    /// The node the final read used (`n2` after a failover); `null` when the history does not
    /// say (older results, a run without a final read).
    public var finalReadNode: String?
    /// The standby a failover promoted; `null` without a failover.
    public var promotedNode: String?
    /// How long the failover's `pg_promote` took, in seconds; `null` without a failover.
    public var promotionS: Double?
    /// From the failover's start (fencing the old primary) to the promoted node accepting
    /// writes, in seconds; `null` without a failover.
    public var failoverS: Double?
    /// From the end of the failover to the first write acknowledged after it, in seconds;
    /// `null` without a failover or without such a write.
    public var firstAckAfterFailoverS: Double?
    /// ``SetCheckResult/invariantsHold``: a final read exists, and ``lost``,
    /// ``unexpected``, ``misresolved``, ``failedButPresent`` and ``readThenLost`` are all 0. Each of those
    /// counts is a key of its own, so the JSON says which invariant failed.
    public var invariantsHold: Bool

    /// Builds the results from a checker's verdict and a description of the run.
    ///
    /// - Parameter result: The checker's verdict.
    /// - Parameter run: What ran: version, backend, fault, strategy, clients.
    /// - Parameter complete: `false` for an interrupted run (for instance when
    ///   ``History/truncated`` is `true`).
    /// - Parameter topology: the final read's node and the failover's timing, from the history.
    public init(result: SetCheckResult, run: RunInfo, complete: Bool = true, topology: TopologyReport = TopologyReport()) {
        total = result.total
        acknowledged = result.acknowledged
        survivors = result.survivors
        lost = result.lost.count
        unacknowledgedFound = result.unacknowledgedFound.count
        unacknowledgedElements = result.unacknowledgedFound
        ackRate = result.ackRate
        lossRate = result.lossRate
        unacknowledgedSuccessRate = result.unacknowledgedSuccessRate
        unexpected = result.unexpected.count
        duplicates = result.duplicates.count
        indeterminate = result.indeterminate.count
        unresolved = result.unresolved.count
        misresolved = result.misresolved.count
        postgresVersion = run.postgresVersion
        backend = run.backend
        fault = run.fault
        strategy = run.strategy
        clients = run.clients
        durationS = run.durationSeconds
        client = run.client
        fenced = run.fenced
        driver = run.driver
        writesPerS = run.durationSeconds > 0 && run.durationSeconds.isFinite
            ? Double(result.total) / run.durationSeconds : nil
        lostElements = result.lost
        unexpectedElements = result.unexpected
        duplicateElements = result.duplicates
        unresolvedElements = result.unresolved
        misresolvedElements = result.misresolved
        failedButPresent = result.failedButPresent.count
        failedButPresentElements = result.failedButPresent
        readThenLost = result.readThenLost.count
        readThenLostElements = result.readThenLost
        erroredApplied = result.erroredApplied.count
        erroredNotApplied = result.erroredNotApplied.count
        self.complete = complete
        invariantsHold = result.invariantsHold
        finalReadNode = topology.finalReadNode
        promotedNode = topology.failover?.promotedNode
        promotionS = topology.failover?.promotionSeconds
        failoverS = topology.failover?.failoverSeconds
        firstAckAfterFailoverS = topology.failover?.firstAcknowledgedAfterSeconds
    }

    /// The JSON keys, exactly.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case total, acknowledged, survivors, lost
        case unacknowledgedFound = "unacknowledged_found"
        case unacknowledgedElements = "unacknowledged_elements"
        case ackRate = "ack_rate"
        case lossRate = "loss_rate"
        case unacknowledgedSuccessRate = "unacknowledged_success_rate"
        case unexpected, duplicates, indeterminate, unresolved, misresolved
        case postgresVersion = "postgres_version"
        case backend, fault, strategy, clients
        case durationS = "duration_s"
        case writesPerS = "writes_per_s"
        case client, fenced, driver
        case lostElements = "lost_elements"
        case unexpectedElements = "unexpected_elements"
        case duplicateElements = "duplicate_elements"
        case unresolvedElements = "unresolved_elements"
        case misresolvedElements = "misresolved_elements"
        case failedButPresent = "failed_but_present"
        case failedButPresentElements = "failed_but_present_elements"
        case readThenLost = "read_then_lost"
        case readThenLostElements = "read_then_lost_elements"
        case erroredApplied = "errored_applied"
        case erroredNotApplied = "errored_not_applied"
        case complete
        case invariantsHold = "invariants_hold"
        case finalReadNode = "final_read_node"
        case promotedNode = "promoted_node"
        case promotionS = "promotion_s"
        case failoverS = "failover_s"
        case firstAckAfterFailoverS = "first_ack_after_failover_s"
    }

    /// Encodes every key; `nil` rates become JSON `null` rather than disappearing.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(total, forKey: .total)
        try container.encode(acknowledged, forKey: .acknowledged)
        try container.encode(survivors, forKey: .survivors)
        try container.encode(lost, forKey: .lost)
        try container.encode(unacknowledgedFound, forKey: .unacknowledgedFound)
        try container.encode(unacknowledgedElements, forKey: .unacknowledgedElements)
        try container.encode(ackRate, forKey: .ackRate)
        try container.encode(lossRate, forKey: .lossRate)
        try container.encode(unacknowledgedSuccessRate, forKey: .unacknowledgedSuccessRate)
        try container.encode(unexpected, forKey: .unexpected)
        try container.encode(duplicates, forKey: .duplicates)
        try container.encode(indeterminate, forKey: .indeterminate)
        try container.encode(unresolved, forKey: .unresolved)
        try container.encode(misresolved, forKey: .misresolved)
        try container.encode(postgresVersion, forKey: .postgresVersion)
        try container.encode(backend, forKey: .backend)
        try container.encode(fault, forKey: .fault)
        try container.encode(strategy, forKey: .strategy)
        try container.encode(clients, forKey: .clients)
        try container.encode(durationS, forKey: .durationS)
        try container.encode(writesPerS, forKey: .writesPerS)
        try container.encode(client, forKey: .client)
        try container.encode(fenced, forKey: .fenced)
        try container.encode(driver, forKey: .driver)
        try container.encode(lostElements, forKey: .lostElements)
        try container.encode(unexpectedElements, forKey: .unexpectedElements)
        try container.encode(duplicateElements, forKey: .duplicateElements)
        try container.encode(unresolvedElements, forKey: .unresolvedElements)
        try container.encode(misresolvedElements, forKey: .misresolvedElements)
        try container.encode(failedButPresent, forKey: .failedButPresent)
        try container.encode(failedButPresentElements, forKey: .failedButPresentElements)
        try container.encode(readThenLost, forKey: .readThenLost)
        try container.encode(readThenLostElements, forKey: .readThenLostElements)
        try container.encode(erroredApplied, forKey: .erroredApplied)
        try container.encode(erroredNotApplied, forKey: .erroredNotApplied)
        try container.encode(complete, forKey: .complete)
        try container.encode(invariantsHold, forKey: .invariantsHold)
        try container.encode(finalReadNode, forKey: .finalReadNode)
        try container.encode(promotedNode, forKey: .promotedNode)
        try container.encode(promotionS, forKey: .promotionS)
        try container.encode(failoverS, forKey: .failoverS)
        try container.encode(firstAckAfterFailoverS, forKey: .firstAckAfterFailoverS)
    }

    /// The results as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes the results as pretty-printed JSON with sorted keys, replacing `url` atomically.
    ///
    /// - Throws: ``ReportError/cannotWrite(file:reason:)``.
    public func write(to url: URL) throws {
        do {
            var data = try jsonData()
            data.append(0x0A)
            try data.write(to: url, options: .atomic)
        } catch {
            throw ReportError.cannotWrite(file: url, reason: Self.reason(error))
        }
    }

    /// Reads results written by ``write(to:)``.
    ///
    /// - Throws: ``ReportError/cannotRead(file:reason:)``.
    public static func read(from url: URL) throws -> RunResults {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReportError.cannotRead(file: url, reason: reason(error))
        }
        do {
            return try JSONDecoder().decode(RunResults.self, from: data)
        } catch {
            throw ReportError.cannotRead(file: url, reason: "not InDoubt results: \(error)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    }
}
