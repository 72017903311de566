/// A failed assertion of a claim that ran in a ``ClaimGroup``, held until the XCTest method
/// that verifies the claim records it.
struct ClaimFailure: Sendable {
    /// The message, as XCTest shows it (the claim's name first).
    var message: String
    /// Where the assertion is.
    var file: StaticString
    var line: UInt
}

/// A claim of a ``ClaimGroup`` threw: its error, and the failures recorded before it.
struct DeferredClaimError: Error {
    var failures: [ClaimFailure]
    var error: any Error
}
