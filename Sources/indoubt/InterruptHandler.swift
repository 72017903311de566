import Dispatch
import Foundation

/// On SIGINT (Ctrl-C) or SIGTERM, runs a synchronous clean-up and exits with 130.
final class InterruptHandler {
    /// A queue of its own, so that no amount of work elsewhere delays the clean-up.
    private static let queue = DispatchQueue(label: "indoubt.signals")

    private let sources: [any DispatchSourceSignal]

    init(cleanUp: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: Self.queue)
            source.setEventHandler {
                FileHandle.standardError.write(Data("\ninterrupted: healing faults and removing the cluster\n".utf8))
                cleanUp()
                exit(130)
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
