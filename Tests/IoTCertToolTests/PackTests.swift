import Foundation
import IoTCert
import IoTCertHost
import XCTest

/// `pack`'s selection on the demonstration PKI (gen's output), checked through the library
/// and through the device's own validation of the result.
final class PackTests: XCTestCase {
    let day: Int64 = 86_400
    var now: Int64 { Demo.now }

    func pack(anchors: [String], intermediates: [String] = [], from: Int64? = nil,
              until: Int64? = nil, configure: (inout PackOptions) -> Void = { _ in }) throws
        -> PackResult
    {
        var options = PackOptions(validFrom: from ?? now, validUntil: until ?? now + 365 * day)
        configure(&options)
        let inputs = PackInputs(anchors: try InputFiles.certificates(anchors.map(Demo.path)),
                                intermediates: try InputFiles.certificates(
                                    intermediates.map(Demo.path)))
        return try Packer.pack(inputs, options: options)
    }

    func decision(_ r: PackResult, _ file: String) -> PackDecision? {
        r.decisions.first { $0.source.hasSuffix(file) }
    }

    func verify(_ bundle: [UInt8], _ chain: String, host: String, at t: Int64) throws
        -> VerifyReport
    {
        var request = VerifyRequest(chain: try Demo.certificates(chain).map(\.der), time: t)
        request.peer = .dns(host)
        return try OpenedBundle(bundle).verify(request)
    }

    func testTheDemoKeepsWhatALoadBalancerWouldChoose() throws {
        let r = try pack(anchors: ["roots"], intermediates: ["intermediates"])
        print(r.report)
        XCTAssertEqual(r.kept.filter { $0.role == .anchor }.count, 3)
        XCTAssertEqual(decision(r, "root-old.pem")?.kept, false)
        XCTAssertTrue(decision(r, "root-old.pem")?.reason.contains("expired") ?? false)
        XCTAssertEqual(r.kept.filter { $0.role == .intermediate }.map(\.source),
                       [Demo.path("intermediates/issuing-ca-by-p384.pem")])
        XCTAssertTrue(decision(r, "by-rsa.pem")?.reason.contains("ECDSA") ?? false)
        XCTAssertTrue(decision(r, "by-p256.pem")?.reason.contains("longer issuer key") ?? false)
        XCTAssertTrue(decision(r, "by-old.pem")?.reason.contains("root-old.pem was dropped")
                      ?? false)
        XCTAssertTrue(r.report.contains("bytes given (DER) ->"))
    }

    /// DST Root CA X3 on the demo PKI: the old root has expired, so only the cross-signed
    /// path (the issuing CA certified by the P-256 root) is valid in the window; a server
    /// still sending the old path is verified through the stored cross-sign.
    func testOnlyTheCrossSignedPathIsValidInTheWindow() throws {
        let r = try pack(anchors: ["roots/root-old.pem", "roots/root-p256.pem"],
                         intermediates: ["intermediates/issuing-ca-by-old.pem",
                                         "intermediates/issuing-ca-by-p256.pem"])
        XCTAssertEqual(r.kept.map(\.source), [Demo.path("roots/root-p256.pem"),
                                              Demo.path("intermediates/issuing-ca-by-p256.pem")])
        let report = try verify(r.bundle, "leaves/api-old-chain.pem",
                                host: "api.demo.iotcert.test", at: now + 60 * day)
        XCTAssertNil(report.error)
        XCTAssertEqual(report.path.map(\.origin), ["presented 0", "stored 0"])
        XCTAssertTrue(report.anchor?.contains("Root P-256") ?? false, report.anchor ?? "")
        // Before the old root expired both paths worked: the window decides.
        let before = try pack(anchors: ["roots/root-old.pem"],
                              intermediates: ["intermediates/issuing-ca-by-old.pem"],
                              from: now - 200 * day, until: now - 100 * day)
        XCTAssertEqual(before.kept.count, 2)
        XCTAssertTrue(decision(before, "root-old.pem")?.warnings.isEmpty ?? false)
    }

    func testECDSAWinsOverRSA() throws {
        let r = try pack(anchors: ["roots/root-rsa.pem", "roots/root-p256.pem"],
                         intermediates: ["intermediates/issuing-ca-by-rsa.pem",
                                         "intermediates/issuing-ca-by-p256.pem"])
        XCTAssertEqual(r.kept.filter { $0.role == .intermediate }.map(\.source),
                       [Demo.path("intermediates/issuing-ca-by-p256.pem")])
        XCTAssertEqual(decision(r, "by-rsa.pem")?.reason,
                       "superseded by \(Demo.path("intermediates/issuing-ca-by-p256.pem")): "
                           + "an ECDSA signature is preferred over RSA")
    }

    func testAlgorithmsPolicyDropsRSAAndWritesAPolicySection() throws {
        let r = try pack(anchors: ["roots"], intermediates: ["intermediates"]) {
            $0.policy = PackPolicy(depthMax: 4, algorithms: 3, signaturesMax: 50)
        }
        XCTAssertEqual(decision(r, "root-rsa.pem")?.kept, false)
        XCTAssertTrue(decision(r, "root-rsa.pem")?.reason.contains("--algorithms") ?? false)
        let policy = try OpenedBundle(r.bundle).bundle.policy
        XCTAssertEqual(policy.depthMax, 4)
        XCTAssertEqual(policy.allowedKeyAlgorithms, 3)
        XCTAssertEqual(policy.signaturesMax, 50)
    }

    func testAWindowReportsWhatExpiresInsideIt() throws {
        let r = try pack(anchors: ["roots"], intermediates: ["intermediates"],
                         until: now + 30 * 365 * day)
        let p256 = try XCTUnwrap(decision(r, "root-p256.pem"))
        XCTAssertTrue(p256.kept)
        XCTAssertTrue(p256.warnings.contains { $0.contains("inside the window") }, "\(p256)")
        let issuing = try XCTUnwrap(decision(r, "by-p384.pem"))
        XCTAssertTrue(issuing.warnings.contains { $0.hasPrefix("usable only") })
    }

    func testCertificatesUselessInAllOfTheWindowAreDropped() throws {
        // 16 to 19 years on: the ECDSA roots (20 years) remain; the RSA root (15) and every
        // issuing CA certificate (at most 5) have expired before the window starts.
        let r = try pack(anchors: ["roots"], intermediates: ["intermediates"],
                         from: now + 16 * 365 * day, until: now + 19 * 365 * day)
        XCTAssertEqual(r.kept.map(\.source), [Demo.path("roots/root-p256.pem"),
                                              Demo.path("roots/root-p384.pem")])
        for d in r.dropped where d.source != Demo.path("roots/root-old.pem") {
            XCTAssertTrue(d.reason.contains("before the window starts"), "\(d)")
        }
        XCTAssertThrowsError(try pack(anchors: ["roots/root-old.pem"])) { error in
            XCTAssertEqual((error as? PackError)?.kind, .noAnchor)
        }
    }

    func testABundleOverMaxBytesFailsWithAReport() throws {
        XCTAssertThrowsError(try pack(anchors: ["roots"], intermediates: ["intermediates"]) {
            $0.maxBytes = 600
        }) { error in
            guard let e = error as? PackError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.kind, .tooLarge)
            XCTAssertTrue(e.message.contains("over --max-bytes 600"), e.message)
            XCTAssertTrue(e.report.contains("ways to fit"), e.report)
            XCTAssertTrue(e.report.contains("RSA 2048: 1 anchors"), e.report)
        }
        XCTAssertNoThrow(try pack(anchors: ["roots"], intermediates: ["intermediates"]) {
            $0.maxBytes = 1_500
        })
    }

    func testCRLsBecomeTheRevocationSection() throws {
        var options = PackOptions(validFrom: now, validUntil: now + 30 * day)
        options.fullSubjects = true
        let inputs = PackInputs(anchors: try Demo.certificates("roots"),
                                intermediates: try Demo.certificates("intermediates"),
                                crls: try InputFiles.crls([Demo.path("crls")]))
        let r = try Packer.pack(inputs, options: options)
        XCTAssertEqual(r.revokedSerials, 1)
        let revoked = try verify(r.bundle, "leaves/revoked-chain.pem",
                                 host: "revoked.demo.iotcert.test", at: now)
        XCTAssertEqual(revoked.error, .pathRevoked)
        let fine = try verify(r.bundle, "leaves/api-chain.pem", host: "api.demo.iotcert.test",
                              at: now)
        XCTAssertNil(fine.error)
        XCTAssertTrue(fine.anchor?.hasPrefix("[1] O=iotcert demo, CN=iotcert Demo Root P-384")
                      ?? false, fine.anchor ?? "")
    }

    func testTheDeviceChainIsStoredAsGiven() throws {
        let inputs = PackInputs(anchors: try Demo.certificates("roots/root-p384.pem"),
                                deviceChain: try Demo.certificates("leaves/client-chain.pem"))
        let r = try Packer.pack(inputs, options: PackOptions(validFrom: now, validUntil: now))
        let opened = try OpenedBundle(r.bundle)
        XCTAssertEqual(opened.deviceCertificates, inputs.deviceChain.map(\.der))
        let inspection = BundleInspection(opened, file: "b")
        XCTAssertEqual(inspection.deviceChain.first?.subject,
                       "CN=device-0001.demo.iotcert.test")
        XCTAssertEqual(inspection.deviceChain.first?.extendedKeyUsage, ["clientAuth"])
    }

    func testMalformedPEMNamesTheFileAndLine() throws {
        let dir = temporaryDirectory("pem")
        let file = (dir as NSString).appendingPathComponent("broken.pem")
        let good = try String(contentsOfFile: Demo.path("roots/root-p256.pem"), encoding: .utf8)
        try good.replacingOccurrences(of: "-----END CERTIFICATE-----", with: "")
            .write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try InputFiles.certificates([file])) { error in
            XCTAssertTrue("\(error)".hasPrefix(file + ": line 1"), "\(error)")
            XCTAssertTrue("\(error)".contains("no END line"), "\(error)")
        }
        try "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try InputFiles.certificates([file])) { error in
            XCTAssertTrue("\(error)".contains("outside base64"), "\(error)")
        }
        XCTAssertThrowsError(try InputFiles.certificates([dir + "/missing.pem"])) { error in
            XCTAssertTrue("\(error)".contains("no such file"), "\(error)")
        }
    }

    func testCOutputIsAConstArray() throws {
        let bytes: [UInt8] = [0x49, 0x4F, 0x54, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        let c = CSource.render(bytes, symbol: "trust_bundle", comment: "test")
        XCTAssertTrue(c.contains("const uint8_t trust_bundle[14] = {"))
        XCTAssertTrue(c.contains("    0x49, 0x4f, 0x54, 0x42,"))
        XCTAssertTrue(c.contains("const size_t trust_bundle_len = 14;"))
        XCTAssertFalse(CSource.isIdentifier("9lives"))
        XCTAssertTrue(CSource.isIdentifier("_bundle9"))
    }
}
