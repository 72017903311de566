/// A write whose outcome the client does not know (it completed `.info`), handed to the
/// strategy's ``CommitStrategy/resolve(_:admin:deadline:)`` after the heal and the fencing.
public struct IndeterminateWrite: Sendable, Hashable, Codable {
    /// The element.
    public var element: Int
    /// The client that wrote it.
    public var client: Int
    /// The strategy's token from ``WriteCompletion/token`` (a txid, a gid, a ledger id).
    public var token: String?

    /// Creates an indeterminate write.
    public init(element: Int, client: Int, token: String?) {
        self.element = element
        self.client = client
        self.token = token
    }
}
