/// What a strategy gets for one write.
public struct WriteContext: Sendable {
    /// The element to add.
    public var element: Int
    /// The client's number.
    public var client: Int
    /// The client's session (its connection, reopened on demand).
    public var session: ClientSession
    /// When the (first attempt of the) write must have finished.
    public var deadline: Deadline
    /// How long one attempt may take (the run's `--timeout`).
    public var timeout: Duration
    /// When a retrying strategy must stop starting new attempts and report what it knows.
    public var retryDeadline: Deadline
    /// Call right before sending COMMIT (lets an aligned fault start in the commit window).
    public var beforeCommit: @Sendable () async -> Void

    /// Creates a context.
    public init(element: Int, client: Int, session: ClientSession, deadline: Deadline, timeout: Duration,
                retryDeadline: Deadline, beforeCommit: @escaping @Sendable () async -> Void) {
        self.element = element
        self.client = client
        self.session = session
        self.deadline = deadline
        self.timeout = timeout
        self.retryDeadline = retryDeadline
        self.beforeCommit = beforeCommit
    }

    /// The deadline of attempt `number` (from 1): the first attempt's is ``deadline``, each
    /// later one gets a fresh ``timeout``; none reaches past ``retryDeadline``.
    public func deadline(forAttempt number: Int) -> Deadline {
        number <= 1 ? deadline : Deadline.after(timeout).earliest(retryDeadline)
    }

    /// Whether a retrying strategy may start another attempt.
    public var mayRetry: Bool { !retryDeadline.hasPassed }

    /// A short pause between attempts, so that a fault that fails fast (a reset) does not
    /// turn retries into a busy loop.
    public func pauseBeforeRetry() async {
        try? await Task.sleep(for: min(.milliseconds(50), retryDeadline.remaining))
    }
}
