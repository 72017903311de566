/// The format of `history.jsonl`, and its version.
///
/// The version is written once, as the file's first line, before any operation:
/// `{"format":"indoubt-history","version":2}`. A header rather than a key on every line
/// because the hot path then writes no extra byte per operation, the reader knows how to
/// read each line before it reads the first one, and a reader too old for the header
/// stops at line 1 with an error instead of silently dropping fields it does not know.
///
/// - Version 1 (no header line): one `error` field held the error text, a warning that
///   came with an acknowledgement, the nemesis's fault name and a verdict's evidence.
///   ``HistoryReader`` still reads it, moving each text to its version-2 field.
/// - Version 2: ``HistoryOperation/error``, ``HistoryOperation/warning``,
///   ``HistoryOperation/fault`` and ``HistoryOperation/evidence`` are separate fields.
public enum HistoryFormat {
    /// The `format` of the header line.
    public static let name = "indoubt-history"
    /// The version ``HistoryRecorder`` writes, and the newest ``HistoryReader`` reads.
    public static let version = 2
    /// The version of a history without a header line.
    public static let headerlessVersion = 1

    /// The header line, without its newline.
    static let headerLine = Array(#"{"format":"\#(name)","version":\#(version)}"#.utf8)

    /// The header line, decoded.
    struct Header: Codable, Sendable, Equatable {
        var format: String
        var version: Int
    }
}
