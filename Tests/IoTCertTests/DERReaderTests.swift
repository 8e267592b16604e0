import XCTest

@testable import IoTCert

/// The DER reader and primitive decoders, on hand-made vectors: both sides of every rule.
final class DERReaderTests: XCTestCase {
    private func read(_ bytes: [UInt8]) -> Result<DERValue, IoTCertError> {
        var r = DERReader(pinned(bytes))
        do throws(IoTCertError) {
            let v = try r.read()
            try r.finish()
            return .success(v)
        } catch {
            return .failure(error)
        }
    }

    private func readError(_ bytes: [UInt8]) -> IoTCertError? {
        if case .failure(let e) = read(bytes) { return e }
        return nil
    }

    func testShortAndLongLengths() {
        XCTAssertNil(readError([0x04, 0x00]))
        XCTAssertNil(readError([0x04, 0x7F] + [UInt8](repeating: 1, count: 0x7F)))
        XCTAssertNil(readError([0x04, 0x81, 0x80] + [UInt8](repeating: 1, count: 0x80)))
        XCTAssertNil(readError([0x04, 0x82, 0x01, 0x00] + [UInt8](repeating: 1, count: 256)))
    }

    func testNonMinimalLengths() {
        // 0x81 0x7F: fits the short form.
        XCTAssertEqual(readError([0x04, 0x81, 0x7F] + [UInt8](repeating: 1, count: 0x7F)),
                       .derNonMinimalLength)
        // Leading zero length octet.
        XCTAssertEqual(readError([0x04, 0x82, 0x00, 0x80] + [UInt8](repeating: 1, count: 0x80)),
                       .derNonMinimalLength)
    }

    func testIndefiniteLengthRefused() {
        XCTAssertEqual(readError([0x30, 0x80, 0x00, 0x00]), .derIndefiniteLength)
    }

    func testLengthLimitBothSides() {
        let atLimit = DERLimits.lengthMax
        XCTAssertNil(readError([0x04, 0x82, UInt8(atLimit >> 8), UInt8(atLimit & 0xFF)]
                               + [UInt8](repeating: 0, count: atLimit)))
        let over = atLimit + 1
        XCTAssertEqual(readError([0x04, 0x83, UInt8(over >> 16), UInt8((over >> 8) & 0xFF),
                                  UInt8(over & 0xFF)] + [UInt8](repeating: 0, count: over)),
                       .derLengthTooLarge)
        XCTAssertEqual(readError([0x04, 0x85, 1, 0, 0, 0, 0]), .derLengthTooLarge)
        // Top bit set in four length octets: negative in a 32-bit Int if shifted naively.
        XCTAssertEqual(readError([0x04, 0x84, 0x80, 0, 0, 0]), .derLengthTooLarge)
    }

    func testTruncation() {
        XCTAssertEqual(readError([0x04, 0x05, 1, 2, 3]), .derTruncated)
        XCTAssertEqual(readError([0x04]), .derTruncated)
        XCTAssertEqual(readError([0x04, 0x82, 0x01]), .derTruncated)
        XCTAssertEqual(readError([]), .derTruncated)
    }

    func testTrailingData() {
        XCTAssertEqual(readError([0x05, 0x00, 0x00]), .derTrailingData)
    }

    func testHighTagNumberForm() throws {
        // [31] primitive: 0x9F 0x1F.
        let v = try read([0x9F, 0x1F, 0x00]).get()
        XCTAssertEqual(v.tag, DERTag.context(31))
        // [200]: 0x9F 0x81 0x48.
        XCTAssertEqual(try read([0x9F, 0x81, 0x48, 0x00]).get().tag.number, 200)
        // Non-minimal: a number below 31 in the high form, or a leading 0x80 octet.
        XCTAssertEqual(readError([0x9F, 0x05, 0x00]), .derBadTag)
        XCTAssertEqual(readError([0x9F, 0x80, 0x48, 0x00]), .derBadTag)
        // Too large: four octets.
        XCTAssertEqual(readError([0x9F, 0x81, 0x81, 0x81, 0x01, 0x00]), .derBadTag)
        // Truncated inside the tag.
        XCTAssertEqual(readError([0x9F, 0x81]), .derTruncated)
    }

    /// Nesting: exactly nestingMax levels of children are readable, one more is refused.
    func testNestingLimitBothSides() {
        func nested(_ levels: Int) -> [UInt8] {
            var v: [UInt8] = [0x05, 0x00]
            for _ in 0..<levels { v = DERBuild.tlv(0x30, v) }
            return v
        }
        func descend(_ bytes: [UInt8]) -> IoTCertError? {
            bytes.withUnsafeBytes { buffer in
                errorOf {
                    var r = DERReader(buffer)
                    var v = try r.read()
                    while v.tag.isConstructed {
                        var c = try v.children()
                        v = try c.read()
                    }
                }
            }
        }
        let limit = Int(DERLimits.nestingMax)
        XCTAssertNil(descend(nested(limit)))
        XCTAssertEqual(descend(nested(limit + 1)), .derNestingTooDeep)
    }

    func testBoolean() {
        XCTAssertEqual(try read([0x01, 0x01, 0xFF]).get().boolean(), true)
        XCTAssertEqual(try read([0x01, 0x01, 0x00]).get().boolean(), false)
        for bad: [UInt8] in [[0x01, 0x01, 0x01], [0x01, 0x00], [0x01, 0x02, 0xFF, 0xFF]] {
            XCTAssertEqual(errorOf { _ = try read(bad).get().boolean() } , .derBadBoolean)
        }
    }

    func testInteger() throws {
        XCTAssertEqual(try read([0x02, 0x01, 0x05]).get().smallUnsigned(), 5)
        XCTAssertEqual(try read([0x02, 0x02, 0x00, 0x80]).get().smallUnsigned(), 128)
        XCTAssertEqual(try read([0x02, 0x04, 0x7F, 0xFF, 0xFF, 0xFF]).get().smallUnsigned(),
                       Int(Int32.max))
        let cases: [[UInt8]] = [
            [0x02, 0x00],  // empty
            [0x02, 0x02, 0x00, 0x05],  // leading zero not needed
            [0x02, 0x02, 0xFF, 0x80],  // leading 0xFF not needed
            [0x02, 0x01, 0x80],  // negative where unsigned is required
            [0x02, 0x05, 0x00, 0x80, 0, 0, 0],  // beyond Int32
        ]
        for bad in cases {
            XCTAssertEqual(errorOf { _ = try read(bad).get().smallUnsigned() }, .derBadInteger,
                           "\(bad)")
        }
        XCTAssertEqual(errorOf { _ = try read([0x02, 0x01, 9]).get().smallUnsigned(max: 8) },
                       .derBadInteger)
    }

    func testBitString() throws {
        let (bits, unused) = try read([0x03, 0x02, 0x07, 0x80]).get().bitString()
        XCTAssertEqual(bits.array, [0x80])
        XCTAssertEqual(unused, 7)
        XCTAssertEqual(try read([0x03, 0x01, 0x00]).get().bitString().unused, 0)
        for bad: [UInt8] in [[0x03, 0x00], [0x03, 0x01, 0x01], [0x03, 0x02, 0x08, 0x00],
                             [0x03, 0x02, 0x01, 0x01]] {
            XCTAssertEqual(errorOf { _ = try read(bad).get().bitString() }, .derBadBitString)
        }
    }

    func testObjectIdentifier() throws {
        let oid = try read([0x06, 0x03, 0x55, 0x1D, 0x13]).get().objectIdentifier()
        XCTAssertTrue(oid == .basicConstraints)
        for bad: [UInt8] in [[0x06, 0x00], [0x06, 0x02, 0x80, 0x01], [0x06, 0x02, 0x55, 0x81]] {
            XCTAssertEqual(errorOf { _ = try read(bad).get().objectIdentifier() },
                           .derBadObjectIdentifier)
        }
        let long = [UInt8](repeating: 0x01, count: DERLimits.oidLengthMax)
        XCTAssertNil(errorOf { _ = try read([0x06, UInt8(long.count)] + long).get()
            .objectIdentifier() })
        XCTAssertEqual(errorOf { _ = try read([0x06, UInt8(long.count + 1)] + long + [1]).get()
            .objectIdentifier() }, .derBadObjectIdentifier)
    }

    private func utc(_ s: String) -> [UInt8] { [0x17, UInt8(s.utf8.count)] + Array(s.utf8) }
    private func generalized(_ s: String) -> [UInt8] {
        [0x18, UInt8(s.utf8.count)] + Array(s.utf8)
    }
    private func time(_ bytes: [UInt8]) -> Result<Int64, IoTCertError> {
        Result { () throws(IoTCertError) -> Int64 in try read(bytes).get().time() }
    }

    func testTimes() throws {
        XCTAssertEqual(try time(utc("700101000000Z")).get(), 0)
        XCTAssertEqual(try time(utc("260101000000Z")).get(), 1_767_225_600)
        XCTAssertEqual(try time(utc("500101000000Z")).get(), -631_152_000)  // 1950
        XCTAssertEqual(try time(utc("491231235959Z")).get(), 2_524_607_999)  // 2049
        XCTAssertEqual(try time(generalized("20500101000000Z")).get(), 2_524_608_000)
        XCTAssertEqual(try time(utc("240229120000Z")).get(), 1_709_208_000)  // leap day
        XCTAssertEqual(try time(generalized("99991231235959Z")).get(), 253_402_300_799)
        // Before 2050: the CA should have used UTCTime; accepted, the instant is the same.
        XCTAssertEqual(try time(generalized("20260101000000Z")).get(), 1_767_225_600)
    }

    func testBadTimes() {
        let bad: [[UInt8]] = [
            utc("230229000000Z"),  // Feb 29 in a common year
            utc("260230000000Z"),  // Feb 30
            utc("260431000000Z"),  // Apr 31
            utc("261301000000Z"),  // month 13
            utc("260100000000Z"),  // day 0
            utc("260101240000Z"),  // hour 24
            utc("260101006000Z"),  // minute 60
            utc("260101000060Z"),  // second 60
            utc("260101000000"),  // missing Z
            utc("2601010000Z"),  // no seconds
            utc("260101000000+0100"),  // offset
            utc("26010100000aZ"),  // not a digit
            generalized("20500101000000.5Z"),  // fraction
            generalized("21000229000000Z"),  // 2100 is not a leap year
        ]
        for b in bad {
            XCTAssertEqual(errorOf { _ = try time(b).get() }, .derBadTime,
                           String(decoding: b.dropFirst(2), as: UTF8.self))
        }
        XCTAssertEqual(errorOf { _ = try time([0x04, 0x01, 0x00]).get() }, .derUnexpectedTag)
    }

    func testStrings() {
        func check(_ tag: UInt8, _ content: [UInt8]) -> IoTCertError? {
            errorOf { _ = try read([tag, UInt8(content.count)] + content).get().checkedString() }
        }
        XCTAssertNil(check(0x13, Array("Example CA 1".utf8)))
        XCTAssertEqual(check(0x13, Array("a@b".utf8)), .derBadString)  // '@' not printable
        XCTAssertNil(check(0x16, Array("a@b".utf8)))
        XCTAssertEqual(check(0x16, [0x80]), .derBadString)
        XCTAssertNil(check(0x0C, Array("Zürich".utf8)))
        XCTAssertEqual(check(0x0C, [0xC0, 0x80]), .derBadString)  // overlong NUL
        XCTAssertEqual(check(0x0C, [0xED, 0xA0, 0x80]), .derBadString)  // surrogate
        XCTAssertEqual(check(0x0C, [0xE2, 0x82]), .derBadString)  // truncated sequence
        XCTAssertEqual(check(0x1E, [0x00]), .derBadString)  // BMPString odd length
        XCTAssertNil(check(0x1E, [0x00, 0x41]))
    }
}
