/// Which test methods of a class this XCTest process runs, read from its arguments.
///
/// SwiftPM runs the test bundle with the tests `--filter` and `--skip` left, as one argument
/// of comma-separated specifiers (`Module.Class` or `Module.Class/testMethod`; the parallel
/// runner passes one per process), and with none to run them all.
enum XCTestSelection: Equatable {
    /// Every method of the class runs.
    case all
    /// Only these methods run (none, if the specifiers name other classes only).
    case methods(Set<String>)

    /// The selection of `testCaseName` (`Module.Class`) that `arguments` (the process's,
    /// its program first) make.
    ///
    /// An argument that is neither a flag nor a specifier list makes the selection empty:
    /// a ``ClaimGroup`` then starts each claim only when its method asks, which is slower,
    /// never wrong.
    static func of(_ testCaseName: String, arguments: [String]) -> XCTestSelection {
        let specifiers = arguments.dropFirst().filter { !$0.hasPrefix("-") }
            .flatMap { $0.split(separator: ",").map(String.init) }
        guard !specifiers.isEmpty else { return .all }
        let module = testCaseName.split(separator: ".").first.map(String.init) ?? testCaseName
        var methods: Set<String> = []
        for specifier in specifiers {
            if specifier == testCaseName || specifier == module { return .all }
            let parts = specifier.split(separator: "/", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0] == testCaseName { methods.insert(parts[1]) }
        }
        return .methods(methods)
    }

    /// Whether `method` runs.
    func contains(_ method: String) -> Bool {
        switch self {
        case .all: true
        case .methods(let methods): methods.contains(method)
        }
    }
}
