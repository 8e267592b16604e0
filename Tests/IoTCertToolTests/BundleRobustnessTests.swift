import Foundation
import IoTCert
import IoTCertHost
import XCTest

/// Bundle.open on a real packed bundle (every section type present): every truncation and
/// every single-bit flip is refused with an IoTCertError, never accepted and never a trap;
/// and each malformation has its own code.
final class BundleRobustnessTests: XCTestCase {
    static let unsigned: [UInt8] = { (try? Demo.bundle()) ?? [] }()

    func testTheBundleUnderTestOpensAndHasEverySection() throws {
        let b = Self.unsigned
        XCTAssertNil(openError(b))
        let opened = try OpenedBundle(b)
        XCTAssertEqual(Set(opened.sections.map(\.type)), [1, 2, 3, 4, 5])
        XCTAssertGreaterThan(b.count, 1_000)
    }

    func testEveryTruncationIsRefused() {
        let b = Self.unsigned
        for length in 0..<b.count {
            XCTAssertEqual(openError(Array(b.prefix(length))), .bundleTruncated,
                           "truncated to \(length) of \(b.count) bytes")
        }
    }

    func testEverySingleBitFlipOfAnUnsignedBundleIsRefused() {
        let b = Self.unsigned
        var codes: [IoTCertError: Int] = [:]
        for i in 0..<b.count {
            for bit in 0..<8 {
                var flipped = b
                flipped[i] ^= 1 << bit
                guard let error = openError(flipped) else {
                    return XCTFail("bit \(bit) of byte \(i) flipped: the bundle still opens")
                }
                codes[error, default: 0] += 1
            }
        }
        print("single-bit flips of a \(b.count)-byte bundle:",
              codes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" })
        XCTAssertEqual(codes.values.reduce(0, +), b.count * 8)
    }

    /// With the bundle-signing key pinned, a flip anywhere, the signature included, is
    /// refused. The core does not yet check that the signature's zero padding (72 - n
    /// bytes) is zero; flips there are reported as a known gap (see the proposed diff to
    /// Bundle.swift) instead of failing, and the test becomes strict once the core checks.
    func testEverySingleBitFlipOfASignedBundleIsRefusedWithThePinnedKey() throws {
        let signer = try Demo.signer
        var b = try Demo.bundle(sign: signer)
        // Re-pack until the DER signature is shorter than 72 bytes, so that padding exists.
        for _ in 0..<64 where le32(b, b.count - 76) == 72 { b = try Demo.bundle(sign: signer) }
        let key = signer.publicKeyPoint
        XCTAssertNil(openError(b, key: key))
        XCTAssertLessThan(Int(le32(b, b.count - 76)), 72, "no padding to test")
        for i in 0..<b.count {
            for bit in 0..<8 {
                var flipped = b
                flipped[i] ^= 1 << bit
                XCTAssertNotNil(openError(flipped, key: key), "bit \(bit) of byte \(i): still opens")
            }
        }
    }

    /// Versions 1 and 2 are read (format 1 by its own rules: AnchorRecordTests); 0 and 3 not.
    func testWrongVersionIsUnsupported() {
        XCTAssertEqual(Self.unsigned[4], 2)
        for version: UInt8 in [0, 3, 0xFF] {
            var b = Self.unsigned
            b[4] = version
            redigest(&b)
            XCTAssertEqual(openError(b), .bundleUnsupportedVersion, "version \(version)")
        }
        var high = Self.unsigned
        high[5] = 1  // version 258
        redigest(&high)
        XCTAssertEqual(openError(high), .bundleUnsupportedVersion)
    }

    func testBadMagicAndHeaderFields() {
        var magic = Self.unsigned
        magic[0] ^= 0xFF
        XCTAssertEqual(openError(magic), .bundleBadMagic)
        var reserved = Self.unsigned
        reserved[28] = 1
        redigest(&reserved)
        XCTAssertEqual(openError(reserved), .bundleBadHeader)
        XCTAssertEqual(openError(Self.unsigned + [0, 0, 0, 0]), .bundleBadHeader)
        var sections = Self.unsigned
        putLE32(&sections, 12, 9)
        redigest(&sections)
        XCTAssertEqual(openError(sections), .bundleBadHeader)
    }

    /// Section table entries: offsets at 32 + 12 i + 4, lengths at + 8.
    func entry(_ i: Int) -> Int { BundleLayout.headerLength + i * BundleLayout.sectionEntryLength }

    func testOverlappingSectionsAreRefused() {
        var b = Self.unsigned
        putLE32(&b, entry(1) + 4, le32(b, entry(0) + 4))  // section 1 starts where 0 does
        redigest(&b)
        XCTAssertEqual(openError(b), .bundleBadSection)
    }

    func testSectionOutOfRangeOrMisalignedIsRefused() {
        var beyond = Self.unsigned
        putLE32(&beyond, entry(0) + 8, UInt32(beyond.count))
        redigest(&beyond)
        XCTAssertEqual(openError(beyond), .bundleBadSection)
        var intoTable = Self.unsigned
        putLE32(&intoTable, entry(0) + 4, 32)
        redigest(&intoTable)
        XCTAssertEqual(openError(intoTable), .bundleBadSection)
        var misaligned = Self.unsigned
        putLE32(&misaligned, entry(0) + 4, le32(misaligned, entry(0) + 4) + 2)
        redigest(&misaligned)
        XCTAssertEqual(openError(misaligned), .bundleBadSection)
        var duplicate = Self.unsigned
        duplicate[entry(1)] = duplicate[entry(0)]
        redigest(&duplicate)
        XCTAssertEqual(openError(duplicate), .bundleBadSection)
    }

    func testBadSectionContentIsRefused() throws {
        var b = Self.unsigned
        let anchors = try OpenedBundle(b).sections.first { $0.type == 1 }!
        putLE32(&b, anchors.offset, 0)  // an anchors section with no anchor
        redigest(&b)
        XCTAssertEqual(openError(b), .bundleBadSectionContent)
    }

    func testSignatures() throws {
        let signer = try Demo.signer
        let signed = try Demo.bundle(sign: signer)
        XCTAssertNil(openError(signed, key: signer.publicKeyPoint))
        XCTAssertNil(openError(signed), "integrity only when no key is pinned")
        let other = BundleSigner(key: .init())
        XCTAssertEqual(openError(signed, key: other.publicKeyPoint), .bundleBadSignature)
        XCTAssertEqual(openError(Self.unsigned, key: signer.publicKeyPoint),
                       .bundleBadSignature, "unsigned while a key is pinned")
        let forged = try Demo.bundle(sign: other)
        XCTAssertEqual(openError(forged, key: signer.publicKeyPoint), .bundleBadSignature)
    }

    func testRollbackIsRefusedForEqualAndOlderSequences() throws {
        let signer = try Demo.signer
        let update = try Demo.bundle(sign: signer, sequence: 7)
        let key = signer.publicKeyPoint
        XCTAssertEqual(openError(update, key: key, current: 7), .bundleRollback)
        XCTAssertEqual(openError(update, key: key, current: 8), .bundleRollback)
        XCTAssertEqual(openError(update, key: key, current: UInt32.max), .bundleRollback)
        XCTAssertNil(openError(update, key: key, current: 6))
        XCTAssertNil(openError(update, key: key, current: 0))
    }
}
