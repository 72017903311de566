import InDoubt

/// Checking a run's history against a read made after it, of another node.
extension ClaimRun {
    /// The checker's verdict on this run's history had its final read returned `elements`
    /// instead: the history with one more successful `.read` appended (the checker's last
    /// read wins), so every write, completion and resolution counts as it did in the run.
    ///
    /// For a read the experiment did not make: the promoted standby's table after a failover
    /// that came once the run was over, against which the run's resolutions, made on the old
    /// primary, can be wrong.
    public func checked(againstFinalRead elements: [Int]) -> SetCheckResult {
        let last = history.last
        // By the process that made the run's own final read, so it reads as that read's successor.
        let reader = history.last { $0.f == .read }?.process ?? .client(0)
        let read = HistoryOperation(
            index: (last?.index ?? -1) + 1, time: last?.time ?? 0, process: reader, type: .ok, f: .read, values: elements)
        return SetChecker.check(history + [read])
    }
}
