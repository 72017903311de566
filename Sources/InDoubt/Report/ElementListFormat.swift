/// Formats element lists the way Jepsen prints a set: `(215 218)`.
public enum ElementListFormat {
    /// How many elements a summary line shows before it says how many more there are.
    public static let defaultLimit = 50

    /// `(a b c)`, or `(a b … and N more)` past `limit` elements.
    public static func string<T: CustomStringConvertible>(
        _ elements: [T], limit: Int = defaultLimit
    ) -> String {
        let shown = elements.prefix(max(limit, 0)).map(\.description)
        let rest = elements.count - shown.count
        let suffix = rest > 0 ? (shown.isEmpty ? "" : " ") + "… and \(rest) more" : ""
        return "(" + shown.joined(separator: " ") + suffix + ")"
    }
}
