import Foundation

/// What ``HistoryReader/forEachOperation(in:_:)`` saw while streaming a history file.
public struct HistoryScan: Sendable, Equatable {
    /// The file that was read.
    public var file: URL
    /// How many complete operations were passed on.
    public var count: Int
    /// `true` when the file ended with a partial line, which was skipped.
    public var truncated: Bool

    /// Creates a scan summary.
    public init(file: URL, count: Int, truncated: Bool) {
        self.file = file
        self.count = count
        self.truncated = truncated
    }
}
