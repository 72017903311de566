import Foundation

/// A position in the write-ahead log (`pg_lsn`, printed `16/B374D848`), comparable so that
/// a failover can pick the standby that has replayed the most.
public struct LogSequenceNumber: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The byte position: the high 32 bits before the slash, the low 32 after.
    public var value: UInt64

    /// Creates a position from its byte value.
    public init(_ value: UInt64) { self.value = value }

    /// Parses PostgreSQL's text form `HIGH/LOW` (hexadecimal); `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let high = UInt32(parts[0], radix: 16), let low = UInt32(parts[1], radix: 16) else { return nil }
        value = UInt64(high) << 32 | UInt64(low)
    }

    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: LogSequenceNumber, rhs: LogSequenceNumber) -> Bool { lhs.value < rhs.value }
}
