import InDoubt

/// The strategies `--strategy` accepts.
enum StrategyCatalog {
    static let all: [any CommitStrategy] = [NaiveStrategy()]
    static var names: [String] { all.map(\.name) }
    static func strategy(named name: String) -> (any CommitStrategy)? { all.first { $0.name == name } }
}
