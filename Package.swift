// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swns",
    products: [
        .library(name: "SwnsCore", targets: ["SwnsCore"]),
        .executable(name: "swunshare", targets: ["swunshare"]),
        .executable(name: "swnsenter", targets: ["swnsenter"]),
        .executable(name: "swlsns", targets: ["swlsns"]),
        .executable(name: "swns-completions", targets: ["swns-completions"]),
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
        .executableTarget(name: "swnsenter", dependencies: ["SwnsCore"]),
        .executableTarget(name: "swlsns", dependencies: ["SwnsCore"]),
        // Writes the shells' completion files from the option tables (make runs it).
        .executableTarget(name: "swns-completions", dependencies: ["SwnsCore"]),
        .testTarget(name: "SwnsCoreTests", dependencies: ["SwnsCore"], exclude: ["Corpus"]),
        .target(name: "CTestSupport", path: "Tests/CTestSupport"),
        .testTarget(name: "ToolTests", dependencies: ["SwnsCore", "CTestSupport", "swunshare", "swnsenter", "swlsns",
                                                    "swns-completions"]),
    ],
    swiftLanguageModes: [.v6]
)
