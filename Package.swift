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
        // Host side only (IoTCertHost, the tool): `iotcert gen` builds its demonstration PKI
        // with these, and `pack --sign-key` signs with swift-crypto. Never in the core.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        // PEM documents and DER serialization on the host (swift-certificates builds on it).
        .package(url: "https://github.com/apple/swift-asn1", from: "1.0.0"),
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
            // ssl/: the TLS attachment for C programs (needs libmbedtls); not for Swift.
            exclude: ["ssl"],
            cSettings: [.headerSearchPath("../../Include")],
            linkerSettings: [.linkedLibrary("mbedcrypto")]
        ),
        // Host-side helpers shared by the tool and the tests: bundle writing, revocation
        // encoding (Foundation allowed; never linked into firmware).
        .target(
            name: "IoTCertHost",
            dependencies: [
                "IoTCert", "IoTCertMbedTLS", "IoTCertHostC",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Sources/IoTCertHost"),
        // Host-only C over Mbed TLS: seeded RSA key generation for `iotcert gen`, and
        // deterministic (RFC 6979) ECDSA for gen and for signed bundles.
        .target(
            name: "IoTCertHostC",
            path: "Sources/IoTCertHostC",
            linkerSettings: [.linkedLibrary("mbedcrypto")]
        ),
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
        // The bundle reader's robustness and every `iotcert` subcommand end to end, on PKIs
        // generated at test time (the tool binary is run as a process for exit codes).
        .testTarget(
            name: "IoTCertToolTests",
            dependencies: ["IoTCert", "IoTCertMbedTLS", "IoTCertHost", "iotcert"],
            path: "Tests/IoTCertToolTests"
        ),
    ]
)
