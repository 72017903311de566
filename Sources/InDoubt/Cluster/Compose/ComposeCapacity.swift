import Foundation

/// Bounds how many compose projects one process runs at once (`INDOUBT_COMPOSE_PARALLEL`,
/// default ``defaultSlots``), in the CLI and the fixtures alike. Swift Testing runs tests in
/// parallel; too many PostgreSQL containers at once time out most writes, and a claim then
/// measures the machine, not the protocol.
actor ComposeCapacity {
    /// The one limit of this process.
    static let shared = ComposeCapacity(
        slots: ProcessInfo.processInfo.environment["INDOUBT_COMPOSE_PARALLEL"].flatMap(Int.init).map { max(1, $0) } ?? defaultSlots)

    /// Two projects a core, at most four. On two cores the compose claims (48 Swift Testing
    /// tests) kept their timing with four at once, in 50 s instead of 76 s with two; six were
    /// no faster (the cores were busy), and ten timed out most writes.
    static var defaultSlots: Int { min(4, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { available = slots }

    /// Waits for a free place.
    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Gives a place back (to the longest waiter, if any).
    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
