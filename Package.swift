// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "InDoubt",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "InDoubt", targets: ["InDoubt"]),
        .library(name: "InDoubtTesting", targets: ["InDoubtTesting"]),
        .executable(name: "indoubt", targets: ["indoubt"]),
    ],
    traits: [
        // postgres-nio as a second driver (issue 15). Off by default so that a plain
        // `swift build` does not pay its build time: `swift build --traits PostgresNIO`.
        .trait(name: "PostgresNIO", description: "Adds the postgres-nio driver (indoubt run --driver postgres-nio)."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // `swift package generate-documentation` (DocC catalogs in Sources/*/*.docc); a plugin,
        // so a plain build compiles none of it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(
            name: "InDoubt",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgresNIO"])),
            ]
        ),
        .target(
            name: "InDoubtTesting",
            dependencies: ["InDoubt"]
        ),
        .executableTarget(
            name: "indoubt",
            dependencies: [
                "InDoubt",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "InDoubtTests",
            dependencies: ["InDoubt", "InDoubtTesting"]
        ),
        .testTarget(
            name: "ClaimsTests",
            dependencies: [
                "InDoubt", "InDoubtTesting",
                // postgres-nio's own API, for the findings that need it (PostgresNIOFindings).
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgresNIO"])),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
