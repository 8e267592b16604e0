import Foundation
import IoTCertHost
import XCTest

/// Size on real data: the Mozilla roots of Debian's ca-certificates package (CI installs
/// it). The 137 roots take 150,080 bytes as DER and 65,094 in ESP-IDF's bundle layout;
/// packed by `pack` with each root's expiry kept they must take at most 52,000 bytes (0.8 x).
final class MozillaSizeTests: XCTestCase {
    static let directory = "/usr/share/ca-certificates/mozilla"
    /// A day on which every root of the 20230311 package is valid (the first to expire,
    /// E-Tugra Certification Authority, does on 2023-03-03).
    static let instant = TimeText.parse("2023-03-01")!

    func roots() throws -> [InputObject] {
        guard FileManager.default.fileExists(atPath: Self.directory) else {
            throw XCTSkip("\(Self.directory) is missing: apt-get install ca-certificates")
        }
        return try InputFiles.certificates([Self.directory])
    }

    func testMozillaRootsFitInEightTenthsOfESPIDF() throws {
        let roots = try roots()
        let all = try SizeReport.row(label: "Mozilla", anchors: roots, at: Self.instant)
        let ec = try SizeReport.row(label: "Mozilla EC", anchors: roots, at: Self.instant,
                                    ecdsaOnly: true)
        for r in [all, ec] {
            print("\(r.label): \(r.anchors) roots, DER \(r.der), PEM \(r.pem), ESP-IDF "
                + "\(r.espIDF), iotcert \(r.bundle) (\(r.kept) kept), full subjects "
                + "\(r.bundleFullSubjects)")
        }
        guard roots.count == 137 else {
            throw XCTSkip("expected the 137 roots of ca-certificates 20230311, found "
                + "\(roots.count): the figures below are for that package")
        }
        XCTAssertEqual(all.der, 150_080)
        XCTAssertEqual(all.espIDF, 65_094)
        XCTAssertLessThanOrEqual(all.bundle, 52_000)
        XCTAssertLessThanOrEqual(Double(all.bundle), 0.8 * Double(all.espIDF))
        // Two are not kept: a duplicate (same subject and key, earlier expiry) and one the
        // core cannot read (GeneralizedTime before 2050, which RFC 5280 forbids).
        XCTAssertGreaterThanOrEqual(all.kept, 135)
        XCTAssertEqual(ec.anchors, 33)
        XCTAssertEqual(ec.kept, 33)
    }

    func testEveryKeptRootRecordsItsExpiry() throws {
        let roots = try roots()
        let r = try Packer.pack(PackInputs(anchors: roots),
                                options: PackOptions(validFrom: Self.instant,
                                                     validUntil: Self.instant))
        let opened = try OpenedBundle(r.bundle)
        XCTAssertEqual(opened.bundle.anchorCount, r.kept.count)
        for i in 0..<opened.bundle.anchorCount {
            XCTAssertNotEqual(opened.bundle.anchor(i).notAfter, Int64.max, "anchor \(i)")
        }
        for d in r.dropped { print("dropped \(d.source): \(d.reason)") }
    }
}
