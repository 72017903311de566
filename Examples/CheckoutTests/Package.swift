// swift-tools-version:6.1
// An application's own checkout code and its InDoubt tests, as a user's project holds them:
// it depends on InDoubt by path (yours would name the repository and a version).
import PackageDescription

let package = Package(
    name: "CheckoutTests",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "InDoubt", path: "../.."),
    ],
    targets: [
        .target(name: "Checkout", dependencies: [.product(name: "InDoubt", package: "InDoubt")]),
        .testTarget(
            name: "CheckoutTests",
            dependencies: ["Checkout", .product(name: "InDoubt", package: "InDoubt"), .product(name: "InDoubtTesting", package: "InDoubt")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
