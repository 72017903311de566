import Foundation

/// Why a results file could not be written or read.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The results could not be written to `file`.
    case cannotWrite(file: URL, reason: String)
    /// `file` could not be read, or is not an InDoubt results file.
    case cannotRead(file: URL, reason: String)

    /// A sentence that says what went wrong and what to do.
    public var description: String {
        switch self {
        case .cannotWrite(let file, let reason):
            return "cannot write results to \(file.path): \(reason). Check that its folder "
                + "exists and is writable."
        case .cannotRead(let file, let reason):
            return "cannot read results from \(file.path): \(reason). Pass the results.json "
                + "that an InDoubt run wrote."
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
