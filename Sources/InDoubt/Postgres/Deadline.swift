import Foundation

/// A point in time by which a call must have finished, enforced by the client itself.
///
/// TCP timeouts never fire behind a proxy that acknowledges bytes on the server's behalf
/// (Docker's port proxy, pgbouncer, a load balancer), so every call into PostgreSQL takes
/// a `Deadline` and gives up when it passes.
public struct Deadline: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The instant at which the deadline passes.
    public let instant: ContinuousClock.Instant

    /// A deadline at `instant`.
    public init(_ instant: ContinuousClock.Instant) {
        self.instant = instant
    }

    /// A deadline `duration` from now.
    public static func after(_ duration: Duration) -> Deadline {
        Deadline(ContinuousClock.now.advanced(by: duration))
    }

    /// Time left, never negative.
    public var remaining: Duration {
        let left = ContinuousClock.now.duration(to: instant)
        return left < .zero ? .zero : left
    }

    /// Whether the deadline has passed.
    public var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Milliseconds left for `poll(2)`, rounded up so that a wait never ends early, and capped.
    var pollMilliseconds: Int32 {
        let left = remaining
        let ms = left.components.seconds * 1000 + (left.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: min(ms, Int64(Int32.max)))
    }

    /// The earlier of two deadlines.
    public func earliest(_ other: Deadline) -> Deadline { min(self, other) }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.instant < rhs.instant }

    public var description: String { "deadline in \(remaining)" }
}
