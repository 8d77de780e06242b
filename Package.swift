// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swns",
    products: [
        .library(name: "SwnsCore", targets: ["SwnsCore"]),
        .executable(name: "swunshare", targets: ["swunshare"]),
    ],
    targets: [
        .target(name: "CSwns"),
        .systemLibrary(
            name: "CLibcap",
            pkgConfig: "libcap",
            providers: [.apt(["libcap-dev"])]
        ),
        .target(name: "SwnsCore", dependencies: ["CSwns", "CLibcap"]),
        .executableTarget(name: "swunshare", dependencies: ["SwnsCore"]),
        .testTarget(name: "SwnsCoreTests", dependencies: ["SwnsCore"]),
        .testTarget(name: "SwunshareTests", dependencies: ["SwnsCore", "swunshare"]),
    ],
    swiftLanguageModes: [.v6]
)
