import Synchronization

/// Applies scheduled faults to a target while the workload runs, records each start and
/// heal in the history, and heals whatever is still in force when asked.
///
/// For a schedule aligned to a COMMIT, the nemesis closes a gate that clients pass just
/// before sending COMMIT; they wait there while the rules go in, then commit into the fault.
public final class Nemesis: Sendable {
    private let target: any FaultTarget
    private let schedules: [FaultSchedule]
    private let history: HistoryRecorder
    private let state = Mutex(State())

    /// Acknowledged writes so far: counted by every client on every write, so an atomic
    /// rather than the state's lock, which the clients would contend for.
    private let acknowledgedCount = Atomic<Int>(0)
    /// Whether any schedule starts at a COMMIT: without one the gate never closes, and
    /// ``beforeCommit()`` returns without taking the lock.
    private let hasAlignedSchedules: Bool

    private struct State {
        var active: [Int: Fault] = [:]
        var gateClosed = false
        var triggered: Set<Int> = []
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var applied: [Int: Bool] = [:]
        var errors: [String] = []
        /// When each kind of fault first took effect (for ``FaultSchedule/Start/afterFault(_:delay:)``).
        var firstEffect: [Fault.Kind: ContinuousClock.Instant] = [:]
        /// When the latest read that returned was invoked (for ``FaultSchedule/afterReadSince``).
        var lastReadInvoked: ContinuousClock.Instant?
        /// The primary is down (killed, or being fenced) and a failover is due: new
        /// connections wait in ``beforeConnect()``.
        var primaryDown = false
        /// Failovers that ended in an error (never applied).
        var failoverEnded: Set<Int> = []
        var connectWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    /// Creates a nemesis for `schedules` on `target`.
    public init(target: any FaultTarget, schedules: [FaultSchedule], history: HistoryRecorder) {
        self.target = target
        self.schedules = schedules.filter { $0.kind != .none }
        self.history = history
        self.hasAlignedSchedules = self.schedules.contains {
            if case .afterAcknowledged(_, true) = $0.start { true } else { false }
        }
    }

    /// Errors met while applying or healing.
    public var errors: [String] { state.withLock { $0.errors } }

    /// Whether every scheduled fault was applied at some point.
    public var appliedAll: Bool {
        state.withLock { state in schedules.indices.allSatisfy { state.applied[$0] == true } }
    }

    /// Counts an acknowledged write (the trigger for ``FaultSchedule/Start/afterAcknowledged(_:alignedToCommit:)``).
    public func acknowledged() {
        acknowledgedCount.add(1, ordering: .relaxed)
    }

    /// Records a read of the run's reader that returned, invoked at `invoked` (the trigger
    /// for ``FaultSchedule/afterReadSince``).
    public func readReturned(invokedAt invoked: ContinuousClock.Instant) {
        state.withLock { state in
            if state.lastReadInvoked.map({ $0 < invoked }) ?? true { state.lastReadInvoked = invoked }
        }
    }

    /// Whether `schedule`'s ``FaultSchedule/afterReadSince`` is met (or it has none).
    private static func hasRead(for schedule: FaultSchedule, in state: State) -> Bool {
        guard let kind = schedule.afterReadSince else { return true }
        guard let effect = state.firstEffect[kind], let read = state.lastReadInvoked else { return false }
        return read > effect
    }

    /// Called by a client right before it sends COMMIT: if an aligned fault is due, applies
    /// it before letting the COMMIT go.
    public func beforeCommit() async {
        guard hasAlignedSchedules else { return }
        let acknowledged = acknowledgedCount.load(ordering: .relaxed)
        let passage: GatePassage = state.withLock { state in
            // One aligned fault at a time: one due while another is being put in place waits
            // at the gate with everyone else and starts at a COMMIT after it (else both would
            // go in at once, and the first's reopening of the gate would let COMMITs through
            // while the second is still being applied).
            guard !state.gateClosed else { return .wait }
            for (index, schedule) in schedules.enumerated() where !state.triggered.contains(index) {
                if case .afterAcknowledged(let count, true) = schedule.start, acknowledged >= count,
                   Self.hasRead(for: schedule, in: state) {
                    state.triggered.insert(index)
                    state.gateClosed = true
                    return .apply(index)
                }
            }
            return .pass
        }
        switch passage {
        case .pass:
            return
        case .apply(let due):
            await apply(due)
            let waiters = state.withLock { state in
                state.gateClosed = false
                defer { state.waiters.removeAll() }
                return Array(state.waiters.values)
            }
            waiters.forEach { $0.resume() }
        case .wait:
            // Another client is putting an aligned fault in place: wait until it reopens.
            await park(while: \.gateClosed, in: \.waiters)
        }
    }

    /// What a client does at the gate before its COMMIT.
    private enum GatePassage {
        /// Commit now.
        case pass
        /// Put aligned schedule N in place, then commit into it.
        case apply(Int)
        /// Wait while another client puts a fault in place.
        case wait
    }

    /// Called by a client before it opens a connection: waits while the primary is down and a
    /// failover is due (from a `kill-primary` or the start of a `failover` until the failover
    /// ends, applied or failed), so that the next connection reaches the new primary.
    public func beforeConnect() async {
        guard state.withLock({ $0.primaryDown }) else { return }
        await park(while: \.primaryDown, in: \.connectWaiters)
    }

    /// Suspends while `closed` holds, its continuation kept in `waiters` until whoever
    /// opens empties them; returns at once if it no longer holds when checked under the lock.
    private func park(
        while closed: KeyPath<State, Bool>, in waiters: WritableKeyPath<State, [Int: CheckedContinuation<Void, Never>]>
    ) async {
        let id = Int.random(in: Int.min...Int.max)
        await withCheckedContinuation { continuation in
            let waiting = state.withLock { state in
                guard state[keyPath: closed] else { return false }
                state[keyPath: waiters][id] = continuation
                return true
            }
            if !waiting { continuation.resume() }
        }
    }

    /// Marks the primary down or up again; up releases every client waiting to connect.
    private func setPrimaryDown(_ down: Bool) {
        let waiters = state.withLock { state in
            state.primaryDown = down
            guard !down else { return [CheckedContinuation<Void, Never>]() }
            defer { state.connectWaiters.removeAll() }
            return Array(state.connectWaiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Whether a failover is scheduled that has not ended: only then may connections wait
    /// for one.
    private var failoverPending: Bool {
        state.withLock { state in
            schedules.indices.contains { schedules[$0].kind == .failover && state.applied[$0] == nil && !state.failoverEnded.contains($0) }
        }
    }

    /// Runs the schedules until `finished` returns true; faults with a duration heal on
    /// their own, the rest are healed by ``healAll()``.
    public func run(until finished: @Sendable @escaping () -> Bool) async {
        await withTaskGroup(of: Void.self) { group in
            for (index, schedule) in schedules.enumerated() {
                group.addTask { await self.drive(index, schedule, finished: finished) }
            }
        }
    }

    private func drive(_ index: Int, _ schedule: FaultSchedule, finished: @Sendable () -> Bool) async {
        let began = ContinuousClock.now
        while !finished() {
            let due: Bool = state.withLock { state in
                guard !state.triggered.contains(index) else { return false }
                switch schedule.start {
                case .immediately: break
                case .afterTime(let time): guard began.duration(to: .now) >= time else { return false }
                case .afterFault(let kind, let delay):
                    guard let effect = state.firstEffect[kind], effect.duration(to: .now) >= delay else { return false }
                case .afterAcknowledged(let count, let aligned):
                    // An aligned start happens in `beforeCommit`; if no client commits
                    // again (all writes done), it never starts.
                    guard !aligned, acknowledgedCount.load(ordering: .relaxed) >= count else { return false }
                }
                guard Self.hasRead(for: schedule, in: state) else { return false }
                state.triggered.insert(index)
                return true
            }
            if due { await apply(index) }
            let isApplied = state.withLock { $0.applied[index] == true }
            if isApplied { break }
            try? await Task.sleep(for: .milliseconds(2))
        }
        guard let duration = schedule.duration, state.withLock({ $0.active[index] != nil }) else { return }
        var appliedAt = ContinuousClock.now
        while true {
            await wait(until: appliedAt + duration, unless: finished)
            await heal(index)
            // A soak run's next cycle, timed from this one's start so that the cycles keep
            // their period however long applying takes.
            guard let cycle = schedule.cycle else { return }
            await wait(until: appliedAt + cycle, unless: finished)
            guard !finished() else { return }
            appliedAt = ContinuousClock.now
            await apply(index)
            guard state.withLock({ $0.active[index] != nil }) else { return }
        }
    }

    /// Sleeps until `instant`, or until `finished` returns true.
    private func wait(until instant: ContinuousClock.Instant, unless finished: @Sendable () -> Bool) async {
        while ContinuousClock.now < instant && !finished() {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func apply(_ index: Int) async {
        let schedule = schedules[index]
        let fault = target.fault(schedule.kind, rate: schedule.rate)
        history.append(process: .nemesis, type: .invoke, f: .startFault, fault: fault.description)
        do {
            var effect = TopologyFaultEffect()
            if fault.kind.isTopologyFault {
                // Between a topology's nodes, on its primary, or its failover: the target carries it out.
                guard let topology = target as? any TopologyTarget else {
                    throw TopologyFaultError(kind: fault.kind, target: target.targetName)
                }
                // From here until the failover ends, new connections would be refused.
                if fault.kind == .failover || (fault.kind == .killPrimary && failoverPending) { setPrimaryDown(true) }
                effect = try await topology.applyTopologyFault(fault.kind)
            } else {
                var commands = fault.applyCommands
                // A partition also loses what is on the wire: with a slow link, the replies
                // queued in its tbf qdisc. Re-creating the qdisc right after the rules are in
                // force drops them, as a cut cable would.
                if fault.kind == .partition, let slow = state.withLock({ $0.active.values.first { $0.kind == .slow } }) {
                    commands += slow.healCommands + slow.applyCommands
                }
                try await target.run(commands)
            }
            state.withLock {
                $0.active[index] = fault
                $0.applied[index] = true
                if $0.firstEffect[fault.kind] == nil { $0.firstEffect[fault.kind] = .now }
            }
            history.append(
                process: .nemesis, type: .ok, f: .startFault, fault: fault.description, evidence: effect.evidence,
                node: effect.node, promotion: effect.promotionTime.map(Self.nanoseconds), nodes: Self.recorded(effect.nodes))
            if fault.kind == .failover { setPrimaryDown(false) }
        } catch {
            if fault.kind == .failover { state.withLock { _ = $0.failoverEnded.insert(index) } }
            if fault.kind == .failover || fault.kind == .killPrimary { setPrimaryDown(false) }
            state.withLock { $0.errors.append("applying \(fault): \(error)") }
            history.append(
                process: .nemesis, type: .fail, f: .startFault, error: String(describing: error), fault: fault.description)
        }
    }

    private func heal(_ index: Int) async {
        guard let fault = state.withLock({ $0.active.removeValue(forKey: index) }) else { return }
        history.append(process: .nemesis, type: .invoke, f: .stopFault, fault: fault.description)
        do {
            var effect = TopologyFaultEffect()
            if fault.kind.isTopologyFault, let topology = target as? any TopologyTarget {
                effect = try await topology.healTopologyFault(fault.kind)
            } else {
                try await target.heal(fault)
            }
            history.append(
                process: .nemesis, type: .ok, f: .stopFault, fault: fault.description, evidence: effect.evidence, node: effect.node,
                nodes: Self.recorded(effect.nodes))
        } catch {
            state.withLock { $0.errors.append("healing \(fault): \(error)") }
            history.append(
                process: .nemesis, type: .fail, f: .stopFault, error: String(describing: error), fault: fault.description)
        }
    }

    /// Heals every fault still in force. Safe to call more than once.
    public func healAll() async {
        let indices = state.withLock { Array($0.active.keys) }
        for index in indices { await heal(index) }
        // Release anyone still waiting at the gate.
        let waiters = state.withLock { state in
            state.gateClosed = false
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
        setPrimaryDown(false)
    }

    /// The history leaves out `nodes` when the target named none (a single server's fault).
    private static func recorded(_ nodes: [String]) -> [String]? { nodes.isEmpty ? nil : nodes }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// Faults in force now (for a signal handler that must heal synchronously).
    public var activeFaults: [Fault] { state.withLock { Array($0.active.values) } }
}
