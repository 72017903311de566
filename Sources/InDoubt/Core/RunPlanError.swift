/// A run's options that do not fit together: what is wrong and which option to change.
public struct RunPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message, naming the fix.
    public var description: String

    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
