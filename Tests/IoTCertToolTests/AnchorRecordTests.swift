import Foundation
import IoTCert
import IoTCertHost
import XCTest

/// The format 2 anchor record (docs/bundle-format.md, "Trust anchors"): what `pack` keeps of
/// an anchor certificate's constraints, what `inspect` shows of them, and what the reader
/// refuses. The scenarios through such bundles are in IoTCertTests/AnchorConstraintTests.
final class AnchorRecordTests: XCTestCase {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/scenarios")
    static let t0: Int64 = 1_767_225_600  // the test PKI's clock (Tests/PKI/generate.py)

    /// A bundle of the one anchor `file` (a scenario fixture), packed at T0.
    static func pack(_ file: String, full: Bool = false) throws -> [UInt8] {
        let der = [UInt8](try Data(contentsOf: scenarios.appendingPathComponent(file)))
        var options = PackOptions(validFrom: t0, validUntil: t0 + 365 * 86_400)
        options.fullSubjects = full
        return try Packer.pack(PackInputs(anchors: [InputObject(source: file, der: der)]),
                               options: options).bundle
    }

    /// Offset of the first anchor record.
    static func firstRecord(_ b: [UInt8]) throws -> Int {
        let section = try XCTUnwrap(try OpenedBundle(b).sections.first { $0.type == 1 })
        return section.offset + Int(le32(b, section.offset + 4))
    }

    func anchor(_ file: String) throws -> AnchorInfo {
        let b = try Self.pack(file)
        return try XCTUnwrap(BundleInspection(try OpenedBundle(b), file: file).anchors.first)
    }

    func testPackKeepsEachConstraintAndInspectShowsIt() throws {
        let client = try anchor("anchor-eku-client-root.der")
        XCTAssertEqual(client.purposes, ["clientAuth"])
        XCTAssertNil(client.pathLength)
        let pathLen = try anchor("anchor-pathlen0-root.der")
        XCTAssertEqual(pathLen.pathLength, 0)
        XCTAssertNil(pathLen.purposes)
        let future = try anchor("anchor-future-root.der")
        XCTAssertEqual(future.notBefore, "2026-01-11T00:00:00Z")
        // anyExtendedKeyUsage is every purpose: no purposes field at all.
        XCTAssertNil(try anchor("anchor-eku-any-root.der").purposes)
        let plain = try anchor("root-a.der")
        XCTAssertNil(plain.purposes)
        XCTAssertNil(plain.pathLength)
        XCTAssertEqual(plain.notBefore, "2016-01-04T00:00:00Z")

        let b = try Self.pack("anchor-eku-client-root.der")
        let inspection = BundleInspection(try OpenedBundle(b), file: "b.bin")
        XCTAssertTrue(inspection.text.contains("format 2"), inspection.text)
        XCTAssertTrue(inspection.text.contains("purposes clientAuth"), inspection.text)
        XCTAssertTrue(inspection.json.contains("\"purposes\" : [\n        \"clientAuth\""),
                      inspection.json)
        let p = BundleInspection(try OpenedBundle(try Self.pack("anchor-pathlen0-root.der")),
                                 file: "p.bin")
        XCTAssertTrue(p.text.contains("pathLen 0"), p.text)
        XCTAssertTrue(p.json.contains("\"pathLength\" : 0"), p.json)
    }

    /// Record of anchor-eku-client-root (P-256, digest, no name constraints): algorithm,
    /// flags, key length, not after, not before, purposes.
    func testTheRecordIsLaidOutAsDocumented() throws {
        let b = try Self.pack("anchor-eku-client-root.der")
        let at = try Self.firstRecord(b)
        XCTAssertEqual(b[at], 1)
        XCTAssertEqual(b[at + 1], BundleLayout.anchorExpiry | BundleLayout.anchorNotBefore
                           | BundleLayout.anchorPurposes)
        XCTAssertEqual(le32(b, at + 4), UInt32(Self.t0 + 10 * 365 * 86_400))  // not after
        XCTAssertEqual(le32(b, at + 8), UInt32(Self.t0 - 10 * 365 * 86_400))  // not before
        XCTAssertEqual(b[at + 12], 2)  // clientAuth
    }

    func testTheReaderRefusesWhatTheFormatDoesNotAllow() throws {
        let b = try Self.pack("anchor-eku-client-root.der")
        let at = try Self.firstRecord(b)
        var purposes = b
        purposes[at + 12] = 4  // a purposes bit beyond clientAuth
        redigest(&purposes)
        XCTAssertEqual(openError(purposes), .bundleBadSectionContent)
        var flags = b
        flags[at + 1] |= 0x40  // flag bit 6
        redigest(&flags)
        XCTAssertEqual(openError(flags), .bundleBadSectionContent)
        var order = b
        putLE32(&order, at + 8, le32(b, at + 4) + 1)  // not before after not after
        redigest(&order)
        XCTAssertEqual(openError(order), .bundleBadSectionContent)
        // Format 1 has no bits 3 to 5: the same record in a bundle that says version 1.
        var old = b
        old[4] = 1
        redigest(&old)
        XCTAssertEqual(openError(old), .bundleBadSectionContent)
        XCTAssertNil(openError(b))
    }

    /// Two certificates of one root (same subject, key, constraints): one is dropped only
    /// when the other is valid whenever it is, now that the device checks notBefore.
    func testPackKeepsARenewedRootThatStartsLater() throws {
        let files = ["anchor-current-root.der", "anchor-future-root.der"]
        let inputs = try files.map {
            InputObject(source: $0,
                        der: [UInt8](try Data(contentsOf: Self.scenarios.appendingPathComponent($0))))
        }
        // In a window that starts before the re-issued root: both are needed.
        let both = try Packer.pack(PackInputs(anchors: inputs),
                                   options: PackOptions(validFrom: Self.t0,
                                                        validUntil: Self.t0 + 365 * 86_400))
        XCTAssertEqual(both.kept.count, 2, both.report)
        // Once the re-issued root is valid, it covers the current one, which expires first.
        let later = Self.t0 + 10 * 86_400
        let one = try Packer.pack(PackInputs(anchors: inputs),
                                  options: PackOptions(validFrom: later,
                                                       validUntil: later + 86_400))
        XCTAssertEqual(one.kept.map(\.source), ["anchor-future-root.der"], one.report)
    }

    func testTheWriterRefusesWhatTheReaderWould() throws {
        var spec = AnchorSpec(algorithm: .ecP256, key: [4] + [UInt8](repeating: 1, count: 64),
                              exponent: [], subject: [0x30, 0])
        spec.purposes = 4
        var contents = BundleContents()
        contents.anchors = [spec]
        XCTAssertThrowsError(try BundleWriter.write(contents))
        spec.purposes = nil
        spec.notAfter = 1_000
        spec.notBefore = 1_001
        contents.anchors = [spec]
        XCTAssertThrowsError(try BundleWriter.write(contents))
        spec.notBefore = 1_000
        contents.anchors = [spec]
        XCTAssertNil(openError(try BundleWriter.write(contents)))
    }
}
