import Foundation

/// The set workload's parameters: the article's app, with its defaults.
public struct ExperimentConfiguration: Sendable {
    /// How many elements to write (one transaction each). The article: 1000.
    public var writes: Int = 1000
    /// How many concurrent clients; elements are dealt round robin. The article: 5.
    public var clients: Int = 5
    /// Each write's client-side deadline, from invocation to acknowledgement (for a
    /// strategy that retries: each attempt's).
    public var timeout: Duration = .seconds(1)
    /// How long a retrying strategy may keep retrying one write, from its invocation;
    /// then it reports what it knows (indeterminate if any attempt was). Give retrying
    /// strategies faults with a duration: a fault without one is healed only after the
    /// last write, so every write caught in it would wait out its whole budget.
    public var retryBudget: Duration = .seconds(30)
    /// The faults to inject.
    public var faults: [FaultSchedule] = []
    /// The commit strategy.
    public var strategy: any CommitStrategy = NaiveStrategy()
    /// Where to write `history.jsonl`, `results.json`, `summary.txt` and `timeline.html`; `nil` keeps the
    /// history in memory.
    public var outputFolder: URL?
    /// How long the fencing, the strategy's resolution and the final read may take, together,
    /// to get through after the heal.
    public var finalReadTimeout: Duration = .seconds(30)
    /// How the clients treat their TCP connections: like an application's (the default),
    /// so that a COMMIT they gave up on can land after the heal, or hardened.
    public var client: ClientProfile = .application
    /// Whether the sessions the clients used are terminated, and waited for, before the
    /// strategy resolves (the default). An unfenced run (`--no-fence`) shows the trap: its
    /// verdicts can precede a late COMMIT, so it waits, before the final read, until no
    /// client socket holds unacknowledged data, and the checker can see the misresolution.
    public var fence = true
    /// How often a reader reads the whole set while the writes go on (`nil`, the default: no
    /// reads but the final one). Its reads go to whichever node is the primary, and are
    /// checked against the final read (``SetCheckResult/readThenLost``): after a failover, a
    /// read may have returned writes the new primary does not have.
    public var readInterval: Duration?
    /// How long an unfenced run waits for the clients' sockets to drain before its final
    /// read (the kernel's retransmissions back off exponentially: about 3 s after a 2 s
    /// fault, 6 s after a 5 s one).
    public var drainTimeout: Duration = .seconds(20)
    /// The client library the workload's clients go through (libpq by default; postgres-nio
    /// in a build with the trait `PostgresNIO`). The harness's own connections (set-up,
    /// fence, resolution, final read) always use libpq.
    public var driver: DatabaseDriver = .libpq

    /// The article's defaults, with no fault.
    public init() {}

    /// Creates a configuration.
    public init(writes: Int, clients: Int, timeout: Duration = .seconds(1), retryBudget: Duration = .seconds(30),
                faults: [FaultSchedule] = [], strategy: any CommitStrategy = NaiveStrategy(), outputFolder: URL? = nil,
                client: ClientProfile = .application, fence: Bool = true) {
        self.client = client
        self.fence = fence
        self.writes = writes
        self.clients = clients
        self.timeout = timeout
        self.retryBudget = retryBudget
        self.faults = faults
        self.strategy = strategy
        self.outputFolder = outputFolder
    }

    /// The fault names joined for reports (`none` without faults).
    public var faultName: String {
        let names = faults.filter { $0.kind != .none }.map(\.kind.rawValue)
        return names.isEmpty ? "none" : names.joined(separator: "+")
    }

    /// Throws ``ExperimentError/invalid(_:)`` describing the first bad parameter.
    public func validate() throws {
        guard writes > 0 else { throw ExperimentError.invalid("--writes must be at least 1, not \(writes)") }
        guard clients > 0 else { throw ExperimentError.invalid("--clients must be at least 1, not \(clients)") }
        guard clients <= writes else {
            throw ExperimentError.invalid("--clients (\(clients)) cannot exceed --writes (\(writes)): every client needs an element to write")
        }
        guard timeout > .zero else { throw ExperimentError.invalid("--timeout must be longer than 0") }
        if let readInterval, readInterval <= .zero {
            throw ExperimentError.invalid("--read-every must be longer than 0")
        }
        if let reason = driver.unavailableReason { throw ExperimentError.invalid(reason) }
        guard retryBudget > .zero else { throw ExperimentError.invalid("--retry-for must be longer than 0") }
        for schedule in faults {
            if let duration = schedule.duration, duration <= .zero {
                throw ExperimentError.invalid("--fault-for must be longer than 0")
            }
            if let problem = schedule.problem { throw ExperimentError.invalid("--fault-cycle: \(problem)") }
            if let kind = schedule.afterReadSince, readInterval == nil {
                throw ExperimentError.invalid(
                    "the \(schedule.kind.rawValue) fault waits for a read since \(kind.rawValue), but the run has no reader: set --read-every")
            }
            if case .afterAcknowledged(let count, _) = schedule.start, count < 0 || count >= writes {
                throw ExperimentError.invalid("--fault-after must be between 0 and \(writes - 1) acknowledged writes, not \(count)")
            }
        }
    }
}

/// Why an experiment could not run or finish.
public enum ExperimentError: Error, Sendable, CustomStringConvertible {
    /// A parameter is out of range.
    case invalid(String)
    /// Setting up the table failed.
    case setup(String)
    /// The final read never got through.
    case finalRead(String)

    public var description: String {
        switch self {
        case .invalid(let reason): return reason
        case .setup(let reason): return "could not set up the workload: \(reason)"
        case .finalRead(let reason): return "the final read failed after the heal: \(reason)"
        }
    }
}
