import Foundation
import IoTCert
import IoTCertHost
import XCTest

/// The two profiles and trust in a leaf itself through a packed bundle, where anchors are
/// a subject digest and a key (the scenario table runs on stores of certificates).
final class ProfileBundleTests: XCTestCase {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/scenarios").standardized.path
    /// The scenarios' fixed clock (generate.py T0).
    let t0: Int64 = 1_767_225_600

    func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.scenarios + "/" + name)))
    }

    func bundle(anchors: [String]) throws -> [UInt8] {
        let options = PackOptions(validFrom: t0, validUntil: t0 + 30 * 86_400)
        let inputs = PackInputs(anchors: try InputFiles.certificates(
            anchors.map { Self.scenarios + "/" + $0 }))
        return try Packer.pack(inputs, options: options).bundle
    }

    func verify(_ bundle: [UInt8], _ chain: [String], host: String, strict: Bool = false)
        throws -> VerifyReport
    {
        var request = VerifyRequest(chain: try chain.map(fixture), time: t0)
        request.peer = .dns(host)
        request.strict = strict
        return try OpenedBundle(bundle).verify(request)
    }

    func testSelfSignedLeafPackedAsAnchorIsItsOwnPath() throws {
        let b = try bundle(anchors: ["prof-pinned-self-signed.der"])
        let pinned = try verify(b, ["prof-pinned-self-signed.der"],
                                host: "prof-pinned.example.com")
        XCTAssertNil(pinned.error)
        XCTAssertEqual(pinned.path.count, 1)
        XCTAssertEqual(pinned.signaturesChecked, 0)
        // Trust is in that certificate: its name is still checked.
        let other = try verify(b, ["prof-pinned-self-signed.der"], host: "other.example.com")
        XCTAssertEqual(other.error, .pathPeerNameMismatch)
        // A leaf with another key is not the anchor.
        let stranger = try verify(b, ["leaf-a.der"], host: "server.example.com")
        XCTAssertEqual(stranger.error, .pathNoTrustAnchor)
    }

    func testStrictProfileThroughTheHostVerifier() throws {
        let b = try bundle(anchors: ["root-a.der"])
        let chain = ["prof-int-no-aki-leaf.der", "prof-int-no-aki.der"]
        let host = "prof-int-no-aki-leaf.example.com"
        XCTAssertNil(try verify(b, chain, host: host).error)
        XCTAssertEqual(try verify(b, chain, host: host, strict: true).error,
                       .pathCertificateProfile)
    }
}
