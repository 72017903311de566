import Foundation

/// A history read back from a file by ``HistoryReader``.
public struct History: Sendable, Equatable {
    /// The file it was read from.
    public var file: URL
    /// Every complete operation, in file order.
    public var operations: [HistoryOperation]
    /// `true` when the file ended with a partial line (the run was killed while writing
    /// it). That line is not in ``operations``; everything before it is.
    public var truncated: Bool

    /// Creates a history.
    public init(file: URL, operations: [HistoryOperation], truncated: Bool) {
        self.file = file
        self.operations = operations
        self.truncated = truncated
    }
}
