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
