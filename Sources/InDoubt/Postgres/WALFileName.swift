/// The name of a WAL segment file, as `pg_walfile_name` gives it: 24 hexadecimal digits,
/// the timeline (8), then the segment number's high (8) and low (8) parts
/// (`000000020000000000000003`: timeline 2).
///
/// On a primary, `pg_walfile_name(pg_current_wal_lsn())` names the segment it writes now, so
/// its ``timeline`` is the server's current timeline: 1 from `initdb`, one more at each
/// promotion. A transaction id means the same transaction only on the timeline that
/// assigned it: a promoted standby hands out again the ids its old primary assigned but
/// never sent it.
public struct WALFileName: Sendable, Hashable, CustomStringConvertible {
    /// The timeline the segment belongs to.
    public var timeline: UInt32
    /// The segment number's high part (`log` in PostgreSQL's source).
    public var log: UInt32
    /// The segment number's low part.
    public var segment: UInt32

    /// The SQL expression for the name of the segment a primary writes now (it fails on a
    /// standby: WAL control functions cannot run during recovery).
    public static let currentSQL = "pg_walfile_name(pg_current_wal_lsn())"

    /// Creates a name from its parts.
    public init(timeline: UInt32, log: UInt32, segment: UInt32) {
        self.timeline = timeline
        self.log = log
        self.segment = segment
    }

    /// Parses a segment file's name: exactly 24 hexadecimal digits (either case), nothing
    /// around them, and a timeline from 1 (there is no timeline 0); `nil` for anything else
    /// (a `.history` or `.partial` file, a typo).
    public init?(_ text: String) {
        let digits = Array(text.utf8)
        guard digits.count == 24, digits.allSatisfy({ Self.isHexDigit($0) }) else { return nil }
        func field(_ index: Int) -> UInt32? { UInt32(String(decoding: digits[(index * 8)..<(index * 8 + 8)], as: UTF8.self), radix: 16) }
        guard let timeline = field(0), timeline > 0, let log = field(1), let segment = field(2) else { return nil }
        self.init(timeline: timeline, log: log, segment: segment)
    }

    public var description: String {
        [timeline, log, segment].map { value in
            let hex = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
