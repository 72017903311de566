/// What ``JSONLinesReader/forEachLine(in:decode:_:)`` saw in a whole file.
struct JSONLinesScan: Sendable, Equatable {
    /// A last line that ends without its newline and does not decode: a writer killed in
    /// the middle of a line. It is skipped.
    struct TornLine: Sendable, Equatable {
        /// Its 1-based line number.
        var line: Int
        /// Why it does not decode.
        var reason: String
    }

    /// How many lines decoded and were passed on.
    var records = 0
    /// The skipped torn last line, if any.
    var torn: TornLine?
}
