/// A cut names a node that the targets lack.
public struct NodePartitionError: Error, Sendable, CustomStringConvertible {
    /// The missing node.
    public var node: String
    /// The partition.
    public var partition: String

    /// Creates the error.
    public init(node: String, partition: String) {
        self.node = node
        self.partition = partition
    }

    public var description: String { "partition \(partition) names node \(node), which is not among the targets" }
}
