#if PostgresNIO
import Foundation
import NIOCore
import PostgresNIO

/// How the adapter turns postgres-nio's values and errors into the harness's.
extension NIOConnection {
    /// The harness's result: the command tag rebuilt from postgres-nio's metadata, each
    /// cell as PostgreSQL's text form.
    static func result(of result: PostgresQueryResult) -> QueryResult {
        let metadata = result.metadata
        var tag = metadata.command
        if let oid = metadata.oid { tag += " \(oid)" }
        if let rows = metadata.rows { tag += " \(rows)" }
        let columns = result.rows.first.map { $0.map(\.columnName) } ?? []
        let rows = result.rows.map { row in InDoubt.PostgresRow(row.map(text(of:))) }
        return QueryResult(commandTags: [tag], columns: columns, rows: rows)
    }

    /// A cell as libpq would have given it: postgres-nio asks for every result column in
    /// binary format, so the types the harness reads are decoded here.
    static func text(of cell: PostgresCell) -> String? {
        guard var bytes = cell.bytes else { return nil }
        if cell.format == .text { return bytes.readString(length: bytes.readableBytes) }
        switch cell.dataType {
        case .bool: return bytes.readInteger(as: UInt8.self).map { $0 == 0 ? "f" : "t" }
        case .int2: return bytes.readInteger(as: Int16.self).map(String.init)
        case .int4: return bytes.readInteger(as: Int32.self).map(String.init)
        case .int8: return bytes.readInteger(as: Int64.self).map(String.init)
        case .oid, .xid: return bytes.readInteger(as: UInt32.self).map(String.init)
        case .xid8: return bytes.readInteger(as: UInt64.self).map(String.init)
        case .uuid: return (try? cell.decode(UUID.self)).map { $0.uuidString.lowercased() }
        default: return (try? cell.decode(String.self)) ?? bytes.readString(length: bytes.readableBytes)
        }
    }

    /// The harness's error for one of postgres-nio's: a server error keeps its SQLSTATE and
    /// severity; anything else is a lost connection, classified by what had been sent.
    static func translate(_ error: any Error, sent: SentPhase, statement: String) -> PostgresError {
        if let error = error as? PostgresError { return error }
        guard let psql = error as? PSQLError else {
            return PostgresError(kind: .client, message: describe(error), sent: sent, statement: statement)
        }
        if psql.code == .server, let info = psql.serverInfo {
            return PostgresError(
                kind: .server, sqlState: info[.sqlState], severity: info[.severity] ?? info[.localizedSeverity],
                message: info[.message] ?? describe(error), sent: sent, statement: statement)
        }
        return PostgresError(kind: .connectionLost, message: describe(error), sent: sent, statement: statement)
    }

    /// postgres-nio's `description` of a ``PSQLError`` hides everything on purpose; its
    /// code and underlying error are what a log needs.
    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return String(describing: error) }
        var text = "postgres-nio \(psql.code)"
        if let message = psql.serverInfo?[.message] { text += ": \(message)" }
        if let underlying = psql.underlying { text += ": \(underlying)" }
        return text
    }

    /// A parameter in text format with no declared type, as libpq's `PQsendQueryParams` sends
    /// it with `paramTypes` NULL, so that the server infers the type (`$1` into an `int`
    /// column) instead of postgres-nio's `String`, which declares `text` and is refused there.
    struct UntypedText: PostgresDynamicTypeEncodable {
        var value: String

        init(_ value: String) { self.value = value }

        var psqlType: PostgresDataType { .null }
        var psqlFormat: PostgresFormat { .text }

        func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
            byteBuffer.writeString(value)
        }
    }
}
#endif
