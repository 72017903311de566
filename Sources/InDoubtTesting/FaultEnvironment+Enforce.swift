import Testing
import XCTest

extension FaultEnvironment.Decision {
    /// Carries the decision out, in whichever framework runs the test: nothing for `.run`;
    /// for `.skip` the test is skipped with the reason (Swift Testing cancels it, XCTest
    /// gets `XCTSkip`); for `.fail` a ``MissingPrerequisite`` is thrown.
    public func enforce() throws {
        switch self {
        case .run:
            return
        case .skip(let reason):
            if Test.current != nil { try Test.cancel(Comment(rawValue: reason)) }
            throw XCTSkip(reason)
        case .fail(let reason):
            throw MissingPrerequisite(description: reason)
        }
    }
}
