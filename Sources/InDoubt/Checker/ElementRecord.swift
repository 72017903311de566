/// What the history says about one element (internal bookkeeping of ``SetChecker``).
struct ElementRecord: Sendable, Equatable {
    /// `.add` invocations (retries included).
    var invocations = 0
    /// `.ok` completions of `.add`.
    var oks = 0
    /// `.fail` completions of `.add`.
    var fails = 0
    /// `.info` completions of `.add`.
    var infos = 0
    /// The last strategy verdict, if any.
    var resolution: HistoryOperation.Resolution?

    /// Any `.add` operation mentions it (an invocation, or a completion whose invocation is
    /// missing from a damaged history).
    var attempted: Bool { invocations + oks + fails + infos > 0 }
    /// At least one `.ok` completion.
    var acknowledged: Bool { oks > 0 }
    /// Never acknowledged, and at least one completion was `.info`.
    var indeterminate: Bool { oks == 0 && infos > 0 }
    /// Never acknowledged, and every completion was `.fail` (at least one).
    var definitelyFailed: Bool { oks == 0 && infos == 0 && fails > 0 }
    /// Never acknowledged, at least one `.fail` or `.info` completion.
    var errored: Bool { oks == 0 && (fails > 0 || infos > 0) }
    /// The strategy decided: committed or aborted (the last verdict counts).
    var resolved: Bool { resolution == .committed || resolution == .aborted }
}
