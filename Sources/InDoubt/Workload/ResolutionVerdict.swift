/// A strategy's verdict on one indeterminate write, and what it rests on.
public struct ResolutionVerdict: Sendable, Hashable {
    /// Committed, aborted or unknown.
    public var resolution: HistoryOperation.Resolution
    /// The evidence, for the history (e.g. `pg_xact_status 'committed'`).
    public var evidence: String

    /// Creates a verdict.
    public init(_ resolution: HistoryOperation.Resolution, evidence: String) {
        self.resolution = resolution
        self.evidence = evidence
    }

    /// The write's transaction committed.
    public static func committed(_ evidence: String) -> ResolutionVerdict { ResolutionVerdict(.committed, evidence: evidence) }
    /// The write's transaction did not and will never commit.
    public static func aborted(_ evidence: String) -> ResolutionVerdict { ResolutionVerdict(.aborted, evidence: evidence) }
    /// The strategy cannot tell.
    public static func unknown(_ evidence: String) -> ResolutionVerdict { ResolutionVerdict(.unknown, evidence: evidence) }
}
