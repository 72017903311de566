/// The topology and the nemesis schedule of a run on a primary with standbys (`indoubt run
/// --standbys N`): a fault on the topology, then (by default) a failover. Its defaults are
/// claim R1's: asynchronous replication, the replication link cut after an eighth of the
/// writes were acknowledged (at a COMMIT), the failover once half of them were.
public struct ReplicatedRunPlan: Sendable, Equatable {
    /// The faults `--fault` takes on a topology (a failover is `--failover`).
    public static let faultKinds: [Fault.Kind] = [.replicationCut, .isolatePrimary, .clientCut, .killPrimary, .pausePrimary]
    /// The replication modes `--replication` takes, by name.
    public static let modes: [(name: String, mode: Replication.Mode)] = [
        ("async", .async), ("sync", .sync(.on)), ("remote-apply", .sync(.remoteApply)),
    ]
    /// How long after a fault that stops acknowledgements the failover comes (so that the
    /// writes in flight meet their deadline first); a killed primary's failover comes at once.
    public static let failoverDelay: Duration = .seconds(1)

    /// The topology to start.
    public var replication: Replication
    /// The fault, then the failover (when there is one).
    public var faults: [FaultSchedule]

    /// The mode `--replication` names.
    public static func mode(named name: String) throws(RunPlanError) -> Replication.Mode {
        guard let found = modes.first(where: { $0.name == name.lowercased() }) else {
            throw RunPlanError("unknown replication '\(name)'; choose one of: \(modes.map(\.name).joined(separator: ", "))")
        }
        return found.mode
    }

    /// Plans the run.
    ///
    /// - Parameters:
    ///   - standbys: How many standbys stream from the primary.
    ///   - mode: Asynchronous or synchronous replication, and at which level.
    ///   - fault: The topology fault (``faultKinds``), or `.none` for a healthy topology.
    ///   - failover: Whether a failover follows the fault; `nil`: yes, unless there is no fault.
    ///   - writes: How many writes the run makes.
    ///   - start: When the fault starts; `nil`: after `writes / 8` acknowledged writes, at a COMMIT.
    ///   - duration: How long the fault lasts; `nil`: until the writes end with a failover, 2 s without.
    ///   - cycle: Repeat the fault this often (``FaultSchedule/cycle``); needs no failover.
    /// - Throws: ``RunPlanError`` that says which option to change.
    public init(
        standbys: Int, mode: Replication.Mode, fault: Fault.Kind, failover: Bool?, writes: Int,
        start: FaultSchedule.Start?, duration: Duration?, cycle: Duration?
    ) throws(RunPlanError) {
        guard standbys >= 1 else { throw RunPlanError("--standbys must be at least 1, not \(standbys)") }
        guard fault == .none || Self.faultKinds.contains(fault) else {
            throw RunPlanError("--fault \(fault.rawValue) with --standbys: choose one of \(Self.faultKinds.map(\.rawValue).joined(separator: ", ")) or none (--failover adds a failover)")
        }
        let failsOver = failover ?? (fault != .none)
        replication = Replication(standbys: standbys, mode: mode)
        faults = []
        if fault == .killPrimary && !failsOver {
            throw RunPlanError("kill-primary leaves no primary for the rest of the writes and the final read: drop --no-failover")
        }
        if cycle != nil && failsOver {
            throw RunPlanError("--fault-cycle repeats a fault that heals, a failover happens once: add --no-failover")
        }
        if fault == .killPrimary, duration != nil {
            throw RunPlanError("kill-primary is never healed (the node stays down until the failover): drop --fault-for")
        }
        let faultStart = start ?? .afterAcknowledged(max(writes / 8, 1), alignedToCommit: true)
        if fault != .none {
            let lasts = duration ?? (failsOver ? nil : .seconds(2))
            faults.append(FaultSchedule(fault, start: faultStart, duration: lasts, cycle: cycle))
        }
        guard failsOver else { return }
        faults.append(FaultSchedule(.failover, start: Self.failoverStart(after: fault, mode: mode, faultStart: faultStart, writes: writes), duration: nil))
    }

    /// When the failover starts. Only an asynchronous primary whose replication link is cut
    /// keeps acknowledging, so only then can a count of acknowledgements time it (R1: half
    /// the writes, at a COMMIT, so the clients wait while it fences and promotes); otherwise
    /// it comes a while after the fault took effect.
    static func failoverStart(after fault: Fault.Kind, mode: Replication.Mode, faultStart: FaultSchedule.Start, writes: Int) -> FaultSchedule.Start {
        switch fault {
        case .none:
            return .afterAcknowledged(max(writes / 2, 1), alignedToCommit: true)
        case .replicationCut where mode == .async:
            if case .afterAcknowledged(let count, _) = faultStart {
                return .afterAcknowledged(min(max(writes / 2, count + 1), max(writes - 1, 0)), alignedToCommit: true)
            }
            return .afterFault(fault, delay: failoverDelay)
        case .killPrimary:
            return .afterFault(fault, delay: .zero)
        default:
            return .afterFault(fault, delay: failoverDelay)
        }
    }
}
