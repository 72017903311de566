import ArgumentParser
import Foundation
import InDoubt

/// `indoubt run`'s fault options read together with `--standbys`, `--replication` and
/// `--failover`: which fault, how long, how often, and on which topology.
extension RunCommand {
    /// The faults `--fault` takes on one server (a slow link is `--slow`).
    static let singleNodeFaults = Fault.Kind.allCases.filter { $0 != .slow && !$0.isTopologyFault }

    /// `--fault`, or its default: replication-cut with `--standbys`, partition without.
    func faultKind() throws -> Fault.Kind {
        let name = fault ?? (standbys != nil ? Fault.Kind.replicationCut.rawValue : Fault.Kind.partition.rawValue)
        let choices = (Self.singleNodeFaults + ReplicatedRunPlan.faultKinds).map(\.rawValue).joined(separator: ", ")
        guard let kind = Fault.Kind(rawValue: name), kind != .slow, kind != .failover else {
            throw ValidationError("unknown fault '\(name)'; choose one of: \(choices) (use --slow RATE for a slow link, --failover for a failover)")
        }
        if kind.isTopologyFault && standbys == nil {
            throw ValidationError("--fault \(kind.rawValue) acts on a primary and its standbys: add --standbys 1")
        }
        return kind
    }

    /// `--fault-for`, `nil` when not given (each plan has its default).
    func faultDuration() throws -> Duration? {
        guard let faultFor else { return nil }
        guard let duration = DurationParser.parse(faultFor), duration > .zero else {
            throw ValidationError("--fault-for must be a duration longer than 0 such as 2s, not '\(faultFor)'")
        }
        return duration
    }

    /// `--fault-cycle`, `nil` when not given.
    func faultCycleDuration() throws -> Duration? {
        guard let faultCycle else { return nil }
        guard let cycle = DurationParser.parse(faultCycle), cycle > .zero else {
            throw ValidationError("--fault-cycle must be a duration longer than 0 such as 5s, not '\(faultCycle)'")
        }
        return cycle
    }

    /// The topology and its faults with `--standbys`; `nil` without (and then no topology
    /// option may be given).
    func topologyPlan(kind: Fault.Kind, duration: Duration?, cycle: Duration?) throws -> ReplicatedRunPlan? {
        guard let standbys else {
            if replication != nil {
                throw ValidationError("--replication needs standbys to replicate to: add --standbys 1")
            }
            if let failover {
                throw ValidationError("--\(failover ? "" : "no-")failover needs a standby to promote: add --standbys 1")
            }
            return nil
        }
        if let slow, slow != "none" {
            throw ValidationError("--slow shapes one server's link and cannot follow a failover: drop --slow with --standbys")
        }
        do {
            let mode = try replication.map { try ReplicatedRunPlan.mode(named: $0) } ?? .async
            return try ReplicatedRunPlan(
                standbys: standbys, mode: mode, fault: kind, failover: failover, writes: writes,
                start: try faultStart(aligned: alignCommit ?? true), duration: duration, cycle: cycle)
        } catch let error as RunPlanError {
            throw ValidationError(error.description)
        }
    }
}
