import XCTest

@testable import IoTCert

/// Chaining names (RFC 5280 7.1 as `namesMatch` implements it) and reference names with a
/// trailing dot. The scenario table covers both through whole chains; these pin the edges.
final class NameMatchingTests: XCTestCase {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        precondition(content.count < 128)
        return [tag, UInt8(content.count)] + content
    }

    /// An attribute: commonName (2.5.4.3) or organizationName (2.5.4.10), as `tag` text.
    static func atv(_ tag: UInt8, _ text: [UInt8], type: UInt8 = 3) -> [UInt8] {
        tlv(0x30, tlv(0x06, [0x55, 0x04, type]) + tlv(tag, text))
    }

    /// A Name of one RDN per attribute, or one multi-valued RDN when `together`.
    static func name(_ atvs: [[UInt8]], together: Bool = false) -> [UInt8] {
        together ? tlv(0x30, tlv(0x31, atvs.flatMap { $0 }))
            : tlv(0x30, atvs.flatMap { tlv(0x31, $0) })
    }

    static let utf8: UInt8 = 0x0C, printable: UInt8 = 0x13, bmp: UInt8 = 0x1E

    func match(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        namesMatch(pinned(a), pinned(b))
    }

    func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// A Name of one commonName.
    func cn(_ tag: UInt8, _ text: [UInt8]) -> [UInt8] { Self.name([Self.atv(tag, text)]) }

    func testStringTypeCaseAndSpaceFold() {

        let ca = Self.name([Self.atv(Self.utf8, text("Test EC CA"))])
        XCTAssertTrue(match(ca, Self.name([Self.atv(Self.printable, text("Test EC CA"))])))
        XCTAssertTrue(match(ca, Self.name([Self.atv(Self.printable, text("test ec ca"))])))
        XCTAssertTrue(match(ca, Self.name([Self.atv(Self.utf8, text("  Test   EC CA "))])))
        XCTAssertFalse(match(ca, Self.name([Self.atv(Self.utf8, text("Test ECCA"))])))
        // Ends that differ only by a dropped space or case still match; the cheap test on
        // the last octet must not refuse them.
        XCTAssertTrue(match(ca, Self.name([Self.atv(Self.printable, text("TEST EC CA   "))])))
        XCTAssertTrue(match(cn(Self.utf8, []), cn(Self.printable, text("  "))))
        XCTAssertFalse(match(cn(Self.utf8, []), cn(Self.printable, text(" a"))))
        XCTAssertFalse(match(ca, Self.name([Self.atv(Self.utf8, text("Test EC CA2"))])))
        XCTAssertFalse(match(ca, Self.name([Self.atv(Self.utf8, text("Test EC C"))])))
        // Another attribute type with the same text is another name.
        XCTAssertFalse(match(ca, Self.name([Self.atv(Self.utf8, text("Test EC CA"), type: 10)])))
    }

    func testOnlyASCIITextInTwoTypesFolds() {

        // BMPString is compared byte for byte, so it never equals a UTF8String.
        let bmp: [UInt8] = [0, 0x43, 0, 0x41]  // "CA"
        XCTAssertFalse(match(cn(Self.utf8, text("CA")), cn(Self.bmp, bmp)))
        // Non-ASCII text: identical encodings only.
        let e = [UInt8]([0x43, 0xC3, 0xA9])  // "Cé"
        let upper = [UInt8]([0x43, 0xC3, 0x89])  // "CÉ"
        XCTAssertTrue(match(cn(Self.utf8, e), cn(Self.utf8, e)))
        XCTAssertFalse(match(cn(Self.utf8, e), cn(Self.utf8, upper)))
    }

    func testRDNStructureMustAgree() {
        let o = Self.atv(Self.utf8, text("Org"), type: 10)
        let cn = Self.atv(Self.utf8, text("CA"))
        XCTAssertTrue(match(Self.name([o, cn]), Self.name([o, cn])))
        XCTAssertFalse(match(Self.name([o, cn]), Self.name([cn, o])))
        XCTAssertFalse(match(Self.name([o, cn]), Self.name([o, cn], together: true)))
        XCTAssertFalse(match(Self.name([o, cn]), Self.name([o])))
        XCTAssertFalse(match(Self.name([o]), Self.name([o, cn])))
        XCTAssertTrue(match(Self.name([]), Self.name([])))
        XCTAssertFalse(match(Self.name([]), Self.name([cn])))
    }

    func testReferenceNameWithTrailingDot() {
        func valid(_ s: String) -> Bool {
            let bytes = pinned(Array(s.utf8))
            return (try? validatePeerName(.dns(bytes))) != nil
        }
        XCTAssertTrue(valid("www.example.com."))
        XCTAssertFalse(valid("www.example.com.."))
        XCTAssertFalse(valid("."))
        XCTAssertFalse(valid(""))
        // The dot is not part of the 253-octet limit (RFC 1035 2.3.4).
        let longest = Array(repeating: "a", count: 61).joined() + "." + [String](
            repeating: String(repeating: "b", count: 63), count: 3).joined(separator: ".")
        XCTAssertEqual(longest.utf8.count, 253)
        XCTAssertTrue(valid(longest + "."))
        XCTAssertFalse(valid("a" + longest + "."))
    }
}
