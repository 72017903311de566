import Foundation

/// On SIGINT (Ctrl-C) or SIGTERM, runs a synchronous clean-up and exits with 130.
final class InterruptHandler {
    private let watch: SignalWatch

    init(cleanUp: @escaping @Sendable () -> Void) {
        watch = SignalWatch {
            FileHandle.standardError.write(Data("\ninterrupted: healing faults and removing the cluster\n".utf8))
            cleanUp()
            exit(130)
        }
    }

    func cancel() { watch.cancel() }
}
