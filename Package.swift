// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "iotcert",
    products: [
        .library(name: "IoTCert", targets: ["IoTCert"]),
        .library(name: "IoTCertMbedTLS", targets: ["IoTCertMbedTLS"]),
        .executable(name: "iotcert", targets: ["iotcert"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The public C headers (Include/), seen from Swift as one Clang module.
        .systemLibrary(name: "CIoTCert", path: "Include"),
        // The core: also compiled as Embedded Swift by `make embedded`; see DESIGN rules.
        .target(name: "IoTCert", dependencies: ["CIoTCert"], path: "Sources/IoTCert"),
        // The default crypto port, C over Mbed TLS 2.28 (Debian libmbedtls-dev).
        .target(
            name: "IoTCertMbedTLS",
            path: "Sources/IoTCertMbedTLS",
            cSettings: [.headerSearchPath("../../Include")],
            linkerSettings: [.linkedLibrary("mbedcrypto")]
        ),
        // Host-side helpers shared by the tool and the tests: bundle writing, revocation
        // encoding (Foundation allowed; never linked into firmware).
        .target(name: "IoTCertHost", dependencies: ["IoTCert", "IoTCertMbedTLS"],
                path: "Sources/IoTCertHost"),
        .executableTarget(
            name: "iotcert",
            dependencies: [
                "IoTCert", "IoTCertMbedTLS", "IoTCertHost",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/iotcert"
        ),
        .testTarget(
            name: "IoTCertTests",
            dependencies: ["IoTCert", "IoTCertMbedTLS", "IoTCertHost"],
            path: "Tests/IoTCertTests"
        ),
    ]
)
