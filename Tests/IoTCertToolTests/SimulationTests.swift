import Foundation
import IoTCert
import IoTCertHost
import XCTest

/// The AddTrust (30 May 2020) and DST Root CA X3 (30 September 2021) events replayed on
/// generated PKIs with the real dates: `simulate` must show the day (to the second) a fleet
/// whose bundle holds only the old root is cut off, and that a bundle with the new root
/// keeps working although servers still send the chain to the old one.
final class SimulationTests: XCTestCase {
    static func t(_ text: String) -> Int64 { TimeText.parse(text)! }
    static func key(_ label: String) throws -> DemoKey {
        try DemoKey.derive(.p256, seed: "simulation", label: label)
    }

    /// Writes DIR/<server>/<date>.pem files and returns DIR.
    func chainsDirectory(_ servers: [String: [(String, [MadeCertificate])]]) throws -> String {
        let dir = temporaryDirectory("chains")
        for (server, chains) in servers {
            let sub = (dir as NSString).appendingPathComponent(server)
            try FileManager.default.createDirectory(atPath: sub,
                                                    withIntermediateDirectories: true)
            for (date, certs) in chains {
                try certs.map(\.pem).joined().write(
                    toFile: (sub as NSString).appendingPathComponent(date + ".pem"),
                    atomically: true, encoding: .utf8)
            }
        }
        return dir
    }

    func bundle(_ anchors: [MadeCertificate], at t: Int64) throws -> OpenedBundle {
        let inputs = PackInputs(anchors: anchors.map { InputObject(source: "\($0.name)",
                                                                   der: $0.der) })
        let r = try Packer.pack(inputs, options: PackOptions(validFrom: t, validUntil: t))
        return try OpenedBundle(r.bundle)
    }

    func simulate(_ b: OpenedBundle, _ dir: String, from: String, to: String,
                  step: Int64) throws -> SimulationReport {
        let report = try Simulation.run(
            b, servers: try ChainsDirectory.load(dir),
            options: SimulationOptions(from: Self.t(from), to: Self.t(to), step: step))
        print(report.text(header: "simulation"))
        return report
    }

    // MARK: AddTrust External CA Root, 2020-05-30T10:48:38Z

    struct AddTrust {
        let addTrust, userTrust, userTrustByAddTrust, sectigo, leaf: MadeCertificate

        init() throws {
            let t = SimulationTests.t
            let k = SimulationTests.key
            addTrust = try PKIBuilder.root("AddTrust External CA Root", key: k("addtrust"),
                                           notBefore: t("2000-05-30T10:48:38Z"),
                                           notAfter: t("2020-05-30T10:48:38Z"))
            userTrust = try PKIBuilder.root("USERTrust ECC Certification Authority",
                                            key: k("usertrust"),
                                            notBefore: t("2010-02-01"),
                                            notAfter: t("2038-01-18T23:59:59Z"))
            userTrustByAddTrust = try PKIBuilder.ca(
                "USERTrust ECC Certification Authority", key: k("usertrust"), issuer: addTrust,
                notBefore: t("2000-05-30T10:48:38Z"), notAfter: t("2020-05-30T10:48:38Z"))
            sectigo = try PKIBuilder.ca("Sectigo ECC Domain Validation Secure Server CA",
                                        key: k("sectigo"), issuer: userTrust,
                                        notBefore: t("2018-11-02"), notAfter: t("2030-12-31"),
                                        pathLength: 0)
            leaf = try PKIBuilder.leaf("shop.example", purpose: .server, key: k("shop"),
                                       issuer: sectigo, notBefore: t("2019-06-01"),
                                       notAfter: t("2021-06-01"))
        }
    }

    func testAddTrustExpiryCutsOffABundleWithOnlyTheOldRoot() throws {
        let pki = try AddTrust()
        let dir = try chainsDirectory(["shop.example": [
            ("2019-06-01", [pki.leaf, pki.sectigo, pki.userTrustByAddTrust])]])
        let old = try bundle([pki.addTrust], at: Self.t("2019-06-01"))
        let report = try simulate(old, dir, from: "2020-01-01", to: "2021-01-01",
                                  step: 30 * 86_400)
        XCTAssertEqual(report.verdict("shop.example", at: 0), .pass)
        XCTAssertEqual(report.verdict("shop.example", at: report.dates.count - 1),
                       .fail(.pathExpired))
        XCTAssertEqual(report.events.count, 1)
        XCTAssertEqual(report.events.first?.at, Self.t("2020-05-30T10:48:39Z"))
        XCTAssertTrue(report.anyFailure)
    }

    func testAddTrustExpiryDoesNotAffectABundleWithTheNewRoot() throws {
        let pki = try AddTrust()
        let dir = try chainsDirectory(["shop.example": [
            ("2019-06-01", [pki.leaf, pki.sectigo, pki.userTrustByAddTrust])]])
        let both = try bundle([pki.addTrust, pki.userTrust], at: Self.t("2019-06-01"))
        let report = try simulate(both, dir, from: "2020-01-01", to: "2021-01-01",
                                  step: 30 * 86_400)
        XCTAssertFalse(report.anyFailure)
        XCTAssertTrue(report.events.isEmpty)
    }

    // MARK: DST Root CA X3, 2021-09-30T14:01:15Z

    struct LetsEncrypt {
        let dst, x1, x1ByDST, r3: MadeCertificate
        let leaves: [MadeCertificate]

        init() throws {
            let t = SimulationTests.t
            let k = SimulationTests.key
            dst = try PKIBuilder.root("DST Root CA X3", key: k("dst"),
                                      notBefore: t("2000-09-30T21:12:19Z"),
                                      notAfter: t("2021-09-30T14:01:15Z"))
            x1 = try PKIBuilder.root("ISRG Root X1", key: k("x1"), notBefore: t("2015-06-04"),
                                     notAfter: t("2035-06-04"))
            // The cross-sign outlives the root that signed it.
            x1ByDST = try PKIBuilder.ca("ISRG Root X1", key: k("x1"), issuer: dst,
                                        notBefore: t("2021-01-20"), notAfter: t("2024-09-30"))
            r3 = try PKIBuilder.ca("R3", key: k("r3"), issuer: x1, notBefore: t("2020-09-04"),
                                   notAfter: t("2025-09-15"), pathLength: 0)
            var leaves: [MadeCertificate] = []
            for (i, start) in ["2021-07-01", "2021-09-01", "2021-11-01"].enumerated() {
                leaves.append(try PKIBuilder.leaf(
                    "le.example", purpose: .server, key: k("leaf\(i)"), issuer: r3,
                    notBefore: t(start), notAfter: t(start) + 90 * 86_400))
            }
            self.leaves = leaves
        }

        /// What a server renewing every 60 days sends: leaf, R3, X1 cross-signed by DST.
        var chains: [(String, [MadeCertificate])] {
            zip(["2021-07-01", "2021-09-01", "2021-11-01"], leaves).map {
                ($0.0, [$0.1, r3, x1ByDST])
            }
        }
    }

    func testDSTRootExpiryCutsOffABundleWithOnlyTheOldRoot() throws {
        let pki = try LetsEncrypt()
        let dir = try chainsDirectory(["le.example": pki.chains])
        let old = try bundle([pki.dst], at: Self.t("2021-06-01"))
        let report = try simulate(old, dir, from: "2021-07-01", to: "2022-01-01",
                                  step: 7 * 86_400)
        XCTAssertEqual(report.verdict("le.example", at: 0), .pass)
        let cut = try XCTUnwrap(report.events.first { $0.verdict != .pass })
        XCTAssertEqual(cut.at, Self.t("2021-09-30T14:01:16Z"))
        XCTAssertEqual(cut.verdict, .fail(.pathAnchorExpired))
        XCTAssertEqual(report.verdict("le.example", at: report.dates.count - 1),
                       .fail(.pathAnchorExpired))
    }

    func testDSTRootExpiryDoesNotAffectABundleWithISRGRootX1() throws {
        let pki = try LetsEncrypt()
        let dir = try chainsDirectory(["le.example": pki.chains])
        let both = try bundle([pki.dst, pki.x1], at: Self.t("2021-06-01"))
        let report = try simulate(both, dir, from: "2021-07-01", to: "2022-01-01",
                                  step: 7 * 86_400)
        XCTAssertFalse(report.anyFailure, report.text(header: ""))
        // The chain changes (renewals) are not verdict changes.
        XCTAssertTrue(report.events.isEmpty)
    }

    /// Packing for after the event: the expired root and the cross-sign it anchors are
    /// dropped, with the reason; R3 is kept under ISRG Root X1.
    func testPackAfterDSTExpiryKeepsOnlyTheNewPath() throws {
        let pki = try LetsEncrypt()
        let inputs = PackInputs(
            anchors: [pki.dst, pki.x1].map { InputObject(source: "\($0.name)", der: $0.der) },
            intermediates: [pki.x1ByDST, pki.r3].map {
                InputObject(source: "\($0.name)", der: $0.der)
            })
        let r = try Packer.pack(inputs, options: PackOptions(
            validFrom: Self.t("2021-10-01"), validUntil: Self.t("2022-10-01")))
        XCTAssertEqual(r.kept.count, 2)
        XCTAssertTrue(r.dropped.allSatisfy {
            $0.reason.contains("expired 2021-09-30") || $0.reason.contains("trust anchor")
        }, r.report)
    }

    func testChainsDirectoryErrorsNameTheFile() throws {
        let dir = temporaryDirectory("bad-chains")
        let server = (dir as NSString).appendingPathComponent("a.example")
        try FileManager.default.createDirectory(atPath: server, withIntermediateDirectories: true)
        try "x".write(toFile: server + "/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ChainsDirectory.load(dir)) { error in
            XCTAssertTrue("\(error)".contains("notes.txt"), "\(error)")
        }
        try FileManager.default.removeItem(atPath: server + "/notes.txt")
        try "192.0.2.7\n".write(toFile: server + "/host", atomically: true, encoding: .utf8)
        try String(contentsOfFile: Demo.path("leaves/api-chain.pem"), encoding: .utf8)
            .write(toFile: server + "/2025-01-01.pem", atomically: true, encoding: .utf8)
        let loaded = try ChainsDirectory.load(dir)
        XCTAssertEqual(loaded.first?.peer, .ip([192, 0, 2, 7]))
    }
}
