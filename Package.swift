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
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
            dependencies: ["InDoubt", "InDoubtTesting"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
