/// SQL text helpers for statements that take no parameters (`PREPARE TRANSACTION`,
/// `COMMIT PREPARED`) and for array parameters.
enum SQLText {
    /// `text` as a quoted SQL string literal (single quotes doubled).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A PostgreSQL array literal of `items`, each double-quoted and escaped, for a
    /// `$1::text[]` (or `::uuid[]`, `::int[]`) parameter.
    static func array(_ items: [String]) -> String {
        "{" + items.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
