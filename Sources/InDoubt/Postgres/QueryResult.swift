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

/// A notice or warning the server sent while a call ran (for example WARNING 25P01
/// "there is no transaction in progress" on a re-sent COMMIT).
public struct PostgresNotice: Sendable, Hashable {
    /// Severity, such as `WARNING` or `NOTICE`.
    public var severity: String
    /// SQLSTATE.
    public var sqlState: String
    /// The message.
    public var message: String

    /// Creates a notice.
    public init(severity: String, sqlState: String, message: String) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
    }
}

/// What a successful call returned.
public struct QueryResult: Sendable {
    /// The command tag of each statement, in order (`BEGIN`, `INSERT 0 1`, `COMMIT`, ...).
    public var commandTags: [String]
    /// Column names of the last statement that returned rows.
    public var columns: [String]
    /// Rows of the last statement that returned rows.
    public var rows: [PostgresRow]
    /// Notices and warnings received during the call.
    public var notices: [PostgresNotice]

    /// Creates a result.
    public init(commandTags: [String] = [], columns: [String] = [], rows: [PostgresRow] = [], notices: [PostgresNotice] = []) {
        self.commandTags = commandTags
        self.columns = columns
        self.rows = rows
        self.notices = notices
    }

    /// The command tag of the last statement.
    public var commandTag: String? { commandTags.last }
}
