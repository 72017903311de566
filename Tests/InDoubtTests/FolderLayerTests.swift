import Foundation
import Testing

@Suite("Sources/InDoubt's folders are layers, and file names say what the files hold")
struct FolderLayerTests {
    static let sources = PackageRoot.file("Sources/InDoubt")

    @Test("No folder of Sources/InDoubt uses a type of a folder above it")
    func noFolderUsesAHigherOne() throws {
        let files = try FolderLayers.files(under: Self.sources)
        #expect(files.count > 50, "found \(files.count) files under \(Self.sources.path)")
        let layers = FolderLayers.inDoubt
        #expect(layers.unlayeredFolders(in: files).isEmpty,
                "folders without a layer: \(layers.unlayeredFolders(in: files)); add them to FolderLayers.inDoubt and README's Layers")
        for violation in layers.violations(in: files) {
            Issue.record("\(violation): move the type down, or the use up (README, \"Layers\": \(layers.order.joined(separator: " → ")))")
        }
    }

    @Test("The check names an upward use, in code and in an interpolation, and nothing else")
    func upwardUseIsCaught() {
        let layers = FolderLayers(order: ["Support", "Report"])
        let files = [
            FolderLayers.File(path: "Report/Summary.swift", source: SwiftSource("""
                public struct Summary { public struct Kind {} }
                public enum RunCheck { public struct Outcome {} }
                """)),
            FolderLayers.File(path: "Support/Uses.swift", source: SwiftSource(#"""
                let summary: Summary? = nil
                let text = "\(Summary.self) \("Summary")"
                """#)),
            FolderLayers.File(path: "Support/Mentions.swift", source: SwiftSource(##"""
                // Summary in a comment, /* Summary /* nested */ Summary */
                enum Kind {}
                struct Outcome { let kind: Kind; let other: RunCheck.Outcome? }
                let text = "Summary"
                let raw = #"Summary "\(Summary)" \#(1)"#
                let lines = """
                    Summary
                    """
                """##)),
        ]
        // `RunCheck` itself is a use: qualifying a nested type still names its parent.
        #expect(layers.violations(in: files).map(\.description) == [
            "Support/Uses.swift uses Summary (declared in Report/Summary.swift), a layer above its own",
            "Support/Mentions.swift uses RunCheck (declared in Report/Summary.swift), a layer above its own",
        ])
        #expect(layers.unlayeredFolders(in: files + [FolderLayers.File(path: "Bench/X.swift", source: SwiftSource(""))]) == ["Bench"])
    }

    @Test("Each file X.swift declares X, each X+Facet.swift extends X", arguments: ["InDoubt", "InDoubtTesting", "indoubt"])
    func fileNamesMatchTheirTypes(target: String) throws {
        let files = try FolderLayers.files(under: PackageRoot.file("Sources/\(target)"))
        #expect(!files.isEmpty)
        #expect(FolderLayers.misnamedFiles(in: files) == [], "rename the file or move the type")
    }
}
