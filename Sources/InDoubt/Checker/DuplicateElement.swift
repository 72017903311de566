/// An element that appears more than once in the final read, and how many times.
public struct DuplicateElement: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The element.
    public var element: Int
    /// How many times the final read returned it (2 or more).
    public var count: Int

    /// Creates a duplicate entry.
    public init(element: Int, count: Int) {
        self.element = element
        self.count = count
    }

    /// `element×count`, e.g. `7×2`.
    public var description: String { "\(element)×\(count)" }
}
