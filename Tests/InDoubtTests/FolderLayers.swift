import Foundation

/// The folders of `Sources/InDoubt` as layers, lowest first: a folder may use the types of
/// the folders below it, never those above (README, "Layers"). A subfolder belongs to its
/// top folder's layer (`Report/Timeline` is `Report`).
struct FolderLayers {
    /// The order the code wants. Cluster sits above Workload because its nodes conform to
    /// Workload's `ExperimentTarget`, as they do to Faults' `FaultTarget`: the experiment
    /// knows its target only through the protocol.
    static let inDoubt = FolderLayers(order: [
        "Support", "JSONL", "Postgres", "Drivers", "History", "Checker", "Faults", "Store", "Report", "Workload", "Cluster", "Core", "Bench", "Doctor",
    ])

    /// A source file, its path relative to the sources' root.
    struct File {
        var path: String
        var source: SwiftSource

        /// The top folder: `Report` for `Report/Timeline/Timeline.swift`.
        var folder: String { path.split(separator: "/").count > 1 ? String(path.split(separator: "/")[0]) : "" }
    }

    /// A file that uses a type of a folder above its own.
    struct Violation: CustomStringConvertible, Equatable {
        var file: String
        var type: String
        var declaredIn: String

        var description: String { "\(file) uses \(type) (declared in \(declaredIn)), a layer above its own" }
    }

    var order: [String]

    /// Every `.swift` file under `root`, sorted by path.
    static func files(under root: URL) throws -> [File] {
        let rootPath = root.standardizedFileURL.path + "/"
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var files: [File] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let path = String(url.standardizedFileURL.path.dropFirst(rootPath.count))
            files.append(File(path: path, source: SwiftSource(try String(contentsOf: url, encoding: .utf8))))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Folders that hold files but have no place in ``order``.
    func unlayeredFolders(in files: [File]) -> [String] {
        Array(Set(files.map(\.folder)).subtracting(order)).sorted()
    }

    /// Each use of a top-level type declared in a higher folder, once per file and type.
    ///
    /// A name after a `.` is a member (`RunCheck.Outcome`), and a name the file declares
    /// itself, at any depth, is its own (a nested `Kind`): neither counts. Only top-level
    /// declarations are looked up, so nested types of the same name elsewhere never match.
    /// Only type names are seen: a member that an extension in a higher folder adds
    /// (`RunFolder.store`, in Report) is not, when a lower folder calls it.
    func violations(in files: [File]) -> [Violation] {
        var declaredIn: [String: File] = [:]
        for file in files {
            for declaration in file.source.declarations where declaration.depth == 0 && declaration.keyword != "extension" {
                declaredIn[declaration.name] = file
            }
        }
        var found: [Violation] = []
        for file in files {
            let own = Set(file.source.declarations.filter { $0.keyword != "extension" }.map(\.name))
            var seen: Set<String> = []
            for word in file.source.words where !word.afterDot && !own.contains(word.text) && !seen.contains(word.text) {
                guard let declaration = declaredIn[word.text], isAbove(declaration.folder, file.folder) else { continue }
                seen.insert(word.text)
                found.append(Violation(file: file.path, type: word.text, declaredIn: declaration.path))
            }
        }
        return found
    }

    private func isAbove(_ folder: String, _ other: String) -> Bool {
        guard let rank = order.firstIndex(of: folder), let otherRank = order.firstIndex(of: other) else { return false }
        return rank > otherRank
    }

    /// Files whose name does not say what they hold: `X.swift` must declare `X` at the top
    /// level, `X+Facet.swift` must extend `X`.
    static func misnamedFiles(in files: [File]) -> [String] {
        files.filter { file in
            let name = String(file.path.split(separator: "/").last!.dropLast(".swift".count))
            let topLevel = file.source.declarations.filter { $0.depth == 0 }
            if let plus = name.firstIndex(of: "+") {
                return !topLevel.contains { $0.keyword == "extension" && $0.name == name[..<plus] }
            }
            return !topLevel.contains { $0.keyword != "extension" && $0.name == name }
        }.map(\.path)
    }
}
