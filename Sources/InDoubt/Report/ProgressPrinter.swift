import Foundation
import Synchronization

/// Prints a run as it happens, like the article's `85 :ok 91 :ok 90 :ok ...`: each
/// completed write as `element :type`, wrapped to a width, and each fault event and each
/// resolution of an indeterminate write on a line of its own.
public final class ProgressPrinter: Sendable {
    private let width: Int
    private let write: @Sendable (String) -> Void
    private let line = Mutex("")

    /// Creates a printer writing to standard output (or to `write`, for tests).
    public init(width: Int = 100, write: (@Sendable (String) -> Void)? = nil) {
        self.width = width
        self.write = write ?? { text in
            print(text, terminator: "")
            fflush(nil)
        }
    }

    /// Takes one history operation.
    public func observe(_ operation: HistoryOperation) {
        switch (operation.f, operation.type) {
        case (.add, .ok), (.add, .fail), (.add, .info):
            guard let element = operation.value else { return }
            let word = "\(element) :\(operation.type.rawValue)"
            let full: String? = line.withLock { line in
                if !line.isEmpty && line.count + 1 + word.count > width {
                    defer { line = word }
                    return line
                }
                line += line.isEmpty ? word : " " + word
                return nil
            }
            if let full { write(full + "\n") }
        case (.startFault, .ok), (.stopFault, .ok), (.startFault, .fail), (.stopFault, .fail):
            flush()
            let verb = operation.f == .startFault ? "started" : "healed"
            let status = operation.type == .ok ? "" : " FAILED: \(operation.error ?? "no error recorded")"
            write("--- fault \(operation.fault ?? "?") \(verb)\(status) ---\n")
        case (.fence, .ok):
            flush()
            write("--- fenced: \(operation.value ?? 0) orphaned session(s) terminated and gone ---\n")
        case (.resolve, _):
            guard let element = operation.value, let resolution = operation.resolution else { return }
            flush()
            let grounds = operation.evidence ?? operation.error.map { "no evidence: \($0)" } ?? "no evidence"
            write("--- \(element) resolved \(resolution.rawValue): \(grounds) ---\n")
        default:
            return
        }
    }

    /// Prints the last, partial line.
    public func flush() {
        let rest = line.withLock { line in
            defer { line = "" }
            return line
        }
        if !rest.isEmpty { write(rest + "\n") }
    }
}
