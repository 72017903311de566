/// A row of a result, with values in PostgreSQL's text format.
public struct PostgresRow: Sendable, Hashable {
    /// The values, `nil` for SQL NULL.
    public var values: [String?]

    /// Creates a row.
    public init(_ values: [String?]) { self.values = values }

    /// The text of column `index`, `nil` for NULL or a missing column.
    public func string(_ index: Int) -> String? {
        values.indices.contains(index) ? values[index] : nil
    }

    /// Column `index` as an integer.
    public func int(_ index: Int) throws -> Int {
        guard let text = string(index), let value = Int(text) else {
            throw PostgresError(
                kind: .client, message: "column \(index) is \(string(index).map { "'\($0)'" } ?? "NULL"), not an integer",
                sent: .statement)
        }
        return value
    }

    /// Column `index` as a Boolean (`t`/`f`).
    public func bool(_ index: Int) throws -> Bool {
        switch string(index) {
        case "t": return true
        case "f": return false
        case let other:
            throw PostgresError(
                kind: .client, message: "column \(index) is \(other.map { "'\($0)'" } ?? "NULL"), not a boolean",
                sent: .statement)
        }
    }
}
