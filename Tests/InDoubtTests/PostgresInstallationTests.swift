import Foundation
@testable import InDoubt
import Testing

/// The pure parts of finding and running PostgreSQL installations (no root, no server).
@Suite("PostgreSQL installations")
struct PostgresInstallationTests {
    static let bin = URL(fileURLWithPath: "/opt/pg/16/bin")

    @Test("Without an environment a binary runs as itself")
    func plainCommandLine() {
        let installation = PostgresInstallation(binDirectory: Self.bin, version: "16.2", major: 16)
        #expect(installation.commandLine(installation.postgres, ["--version"]) == ["/opt/pg/16/bin/postgres", "--version"])
    }

    @Test("An environment reaches only the binary, through env, in a stable order")
    func environmentCommandLine() {
        let installation = PostgresInstallation(
            binDirectory: Self.bin, version: "16.2", major: 16,
            environment: ["LD_LIBRARY_PATH": "/opt/pg/16/lib", "A": "1"])
        #expect(installation.commandLine(installation.initdb, ["-D", "/d"])
            == ["env", "A=1", "LD_LIBRARY_PATH=/opt/pg/16/lib", "/opt/pg/16/bin/initdb", "-D", "/d"])
    }

    @Test("The server's command line carries the installation's environment after setpriv")
    func serverCommandLine() throws {
        let installation = PostgresInstallation(
            binDirectory: Self.bin, version: "16.2", major: 16, environment: ["LD_LIBRARY_PATH": "/opt/pg/16/lib"])
        let node = PostgresNode(
            name: "n1", index: 0, namespace: "idb1n0-p1", address: "10.213.1.10", port: 5432, interfaceName: "idb1n0",
            installation: installation, folder: URL(fileURLWithPath: "/tmp/indoubt-1-s1/n1"), settings: [:])
        let command = node.serverCommand
        // nsenter joins only the network namespace (no mount namespace), then setpriv drops to postgres.
        #expect(Array(command[..<3]) == ["nsenter", "--net=/run/netns/idb1n0-p1", "--"])
        #expect(command[3] == "setpriv")
        let setprivEnd = try #require(command[4...].firstIndex(of: "--"))
        #expect(Array(command[(setprivEnd + 1)...].prefix(3)) == ["env", "LD_LIBRARY_PATH=/opt/pg/16/lib", "/opt/pg/16/bin/postgres"])
    }

    @Test("initdb gets --no-instructions from 14 on, when it first appeared", arguments: [
        (13, false), (14, true), (15, true), (18, true),
    ])
    func initdbCommand(major: Int, noInstructions: Bool) {
        let installation = PostgresInstallation(binDirectory: Self.bin, version: "\(major).1", major: major)
        let command = TemplateCache.initdbCommand(installation, into: URL(fileURLWithPath: "/cache/data"))
        #expect(command.first == "/opt/pg/16/bin/initdb")
        #expect(command.contains("--no-instructions") == noInstructions)
        #expect(command.contains("--no-sync"))
        #expect(Array(command[1...2]) == ["-D", "/cache/data"])
    }

    @Test("The loader's complaint about a missing library is recognised")
    func loaderError() {
        #expect(PostgresInstallation.isLoaderError(
            "/x/bin/initdb: error while loading shared libraries: libpq-6197da7d.so.5.18: cannot open shared object file: No such file or directory"))
        #expect(!PostgresInstallation.isLoaderError("initdb: error: invalid locale settings"))
    }

    @Test("Library folders become LD_LIBRARY_PATH, none become no environment")
    func libraryEnvironment() {
        #expect(PostgresInstallation.libraryEnvironment([]) == nil)
        #expect(PostgresInstallation.libraryEnvironment(["/a/lib", "/b/lib"]) == ["LD_LIBRARY_PATH": "/a/lib:/b/lib"])
    }

    @Test("The lib folder is found beside bin, and beside the folder a bin link points to")
    func libraryFolders() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fm = FileManager.default
        let real = folder.file("pkg/pginstall")
        try fm.createDirectory(at: real.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try fm.createDirectory(at: real.appendingPathComponent("lib"), withIntermediateDirectories: true)
        #expect(PostgresInstallation.libraryFolders(forBinDirectory: real.appendingPathComponent("bin"))
            == [real.appendingPathComponent("lib").path])
        // A bin link with no lib beside it: the real folder's lib.
        try fm.createSymbolicLink(atPath: folder.file("bin").path, withDestinationPath: "pkg/pginstall/bin")
        let found = PostgresInstallation.libraryFolders(forBinDirectory: folder.file("bin"))
        #expect(found.count == 1)
        #expect(found.first?.hasSuffix("pkg/pginstall/lib") == true)
        // No lib anywhere: nothing.
        try fm.createDirectory(at: folder.file("lonely/bin"), withIntermediateDirectories: true)
        #expect(PostgresInstallation.libraryFolders(forBinDirectory: folder.file("lonely/bin")).isEmpty)
    }

    @Test("Search order: INDOUBT_PG_PATHS, then INDOUBT_PG_ROOT's folders in order, skipping hidden ones")
    func searchFolders() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for name in ["18", "16", ".staging-17-abc", "17"] {
            try FileManager.default.createDirectory(at: folder.file(name), withIntermediateDirectories: true)
        }
        let folders = PostgresInstallation.searchFolders(environment: [
            "INDOUBT_PG_PATHS": "/custom/a/bin:/custom/b/bin", "INDOUBT_PG_ROOT": folder.url.path,
        ]).map(\.path)
        let root = folder.url.path
        #expect(Array(folders.prefix(5)) == [
            "/custom/a/bin", "/custom/b/bin", "\(root)/16/bin", "\(root)/17/bin", "\(root)/18/bin",
        ])
        #expect(!folders.contains { $0.contains(".staging") })
    }

    @Test("A survey chooses the first of each major, newest first, and names the shadowed")
    func survey() {
        let a16 = PostgresInstallation(binDirectory: URL(fileURLWithPath: "/a/16/bin"), version: "16.2", major: 16)
        let b16 = PostgresInstallation(binDirectory: URL(fileURLWithPath: "/b/16/bin"), version: "16.9", major: 16)
        let c18 = PostgresInstallation(binDirectory: URL(fileURLWithPath: "/c/18/bin"), version: "18.6", major: 18)
        let survey = PostgresInstallation.Survey(installations: [a16, b16, c18])
        #expect(survey.chosen == [c18, a16])
        #expect(survey.shadowed == [b16])
    }

    @Test("Major versions are the first number", arguments: [("16.2", 16), ("17.10", 17), ("18.6", 18), ("15.18", 15)])
    func majorVersion(version: String, major: Int) {
        #expect(PostgresInstallation.majorVersion(of: version) == major)
    }

    @Test("The versions table has a header and marks the default")
    func table() {
        let installations = [
            PostgresInstallation(binDirectory: URL(fileURLWithPath: "/opt/indoubt/postgres/18/bin"), version: "18.6", major: 18),
            PostgresInstallation(binDirectory: URL(fileURLWithPath: "/usr/lib/postgresql/15/bin"), version: "15.18", major: 15),
        ]
        let lines = PostgresInstallation.table(installations).split(separator: "\n").map(String.init)
        #expect(lines == [
            "   MAJOR  VERSION  BIN FOLDER",
            "*  18     18.6     /opt/indoubt/postgres/18/bin",
            "   15     15.18    /usr/lib/postgresql/15/bin",
        ])
        var withEnvironment = installations
        withEnvironment[1].environment = ["LD_LIBRARY_PATH": "/x/lib"]
        let table = PostgresInstallation.table(withEnvironment)
        #expect(table.hasPrefix("   MAJOR  VERSION  BIN FOLDER                    ENVIRONMENT"))
        #expect(table.hasSuffix("/usr/lib/postgresql/15/bin    LD_LIBRARY_PATH=/x/lib"))
    }

    @Test("An unknown --pg says what exists and how to install the rest")
    func unknownVersionMessage() {
        let installed = [PostgresInstallation(binDirectory: URL(fileURLWithPath: "/usr/lib/postgresql/15/bin"), version: "15.18", major: 15)]
        let missing = ClusterError.unknownVersion(requested: "17", installed: installed).description
        #expect(missing.hasPrefix("PostgreSQL 17 is not installed; found: 15 (15.18 at /usr/lib/postgresql/15/bin)."))
        #expect(missing.contains("bash ci/install-postgres.sh"))
        #expect(missing.contains("INDOUBT_PG="))
        #expect(missing.contains("--pg /path/to/bin"))
        let garbled = ClusterError.unknownVersion(requested: "latest", installed: installed).description
        #expect(garbled.hasPrefix("'latest' is neither a PostgreSQL major version"))
        let none = ClusterError.unknownVersion(requested: "any", installed: []).description
        #expect(none.contains("/opt/indoubt/postgres/*/bin"))
    }

    @Test("A bin folder runs once per process while its binaries stay the same files, and again once one changes")
    func inspectionsAreKeptWhileTheBinariesStand() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bin = folder.file("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let calls = folder.file("calls")
        func install(_ binary: String, version: String, status: Int = 0) throws {
            let script = bin.appendingPathComponent(binary)
            try Data("#!/bin/sh\necho \(binary) >> \(calls.path)\necho '\(binary) (PostgreSQL) \(version)'\nexit \(status)\n".utf8)
                .write(to: script)
            #expect(chmod(script.path, 0o755) == 0)
        }
        func runs() -> [String] {
            ((try? String(contentsOf: calls, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        try install("postgres", version: "16.2")
        try install("initdb", version: "16.2")

        #expect(try PostgresInstallation.inspect(binDirectory: bin).version == "16.2")
        #expect(runs() == ["postgres", "initdb"])
        #expect(try PostgresInstallation.inspect(binDirectory: bin).version == "16.2")
        #expect(runs() == ["postgres", "initdb"], "the second inspection ran the binaries again")

        try install("postgres", version: "16.3")
        #expect(try PostgresInstallation.inspect(binDirectory: bin).version == "16.3")
        #expect(runs().count == 4)

        // A failure is not kept: the next inspection runs the binaries again.
        try install("initdb", version: "16.3", status: 1)
        #expect(throws: ClusterError.self) { try PostgresInstallation.inspect(binDirectory: bin) }
        #expect(throws: ClusterError.self) { try PostgresInstallation.inspect(binDirectory: bin) }
        #expect(runs().count == 8)
    }

    @Test("A folder closed to other users is named as the reason postgres cannot run a binary")
    func closedFolder() throws {
        let folder = try TemporaryFolder()
        defer {
            chmod(folder.url.path, 0o755)
            folder.remove()
        }
        let binary = folder.file("bin/initdb")
        try FileManager.default.createDirectory(at: binary.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: binary.path, contents: Data()))
        #expect(chmod(folder.url.path, 0o755) == 0)
        let openAnswer = TemplateCache.closedFolder(on: binary.path)
        // /tmp and its parents are open on any usual machine.
        #expect(openAnswer == nil)
        #expect(chmod(folder.url.path, 0o700) == 0)
        #expect(TemplateCache.closedFolder(on: binary.path) == folder.url.resolvingSymlinksInPath().path)
    }
}
