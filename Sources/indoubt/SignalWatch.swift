import Dispatch
import Foundation

/// Calls `handler` on every SIGINT and SIGTERM, on a queue of its own (so that no amount of
/// work elsewhere delays it), until cancelled; the signals' default actions are then back.
final class SignalWatch {
    private static let queue = DispatchQueue(label: "indoubt.signals")
    private static let signals = [SIGINT, SIGTERM]

    private let sources: [any DispatchSourceSignal]

    init(_ handler: @escaping @Sendable () -> Void) {
        sources = Self.signals.map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: Self.queue)
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    /// Stops watching and restores the default actions.
    func cancel() {
        sources.forEach { $0.cancel() }
        Self.signals.forEach { signal($0, SIG_DFL) }
    }

    /// Returns on the first SIGINT or SIGTERM.
    static func next() async {
        let (signals, arrived) = AsyncStream<Void>.makeStream()
        let watch = SignalWatch { arrived.yield() }
        for await _ in signals { break }
        watch.cancel()
    }
}
