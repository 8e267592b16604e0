import IoTCertHost
import XCTest

/// Times, durations and sets of instants as the tool reads and prints them.
final class TextFormatTests: XCTestCase {
    func testTimes() {
        XCTAssertEqual(TimeText.parse("1970-01-01"), 0)
        XCTAssertEqual(TimeText.parse("2025-01-01"), 1_735_689_600)
        XCTAssertEqual(TimeText.parse("2025-01-01T00:00:00Z"), 1_735_689_600)
        XCTAssertEqual(TimeText.parse("2025-01-01T01:00:00+01:00"), 1_735_689_600)
        XCTAssertEqual(TimeText.parse("2025-01-01T00:00:00.999Z"), 1_735_689_600)
        XCTAssertEqual(TimeText.parse("2025-01-01T00:00:00+00:00"), 1_735_689_600)
        XCTAssertEqual(TimeText.parse("2024-12-31T19:00:00-05:00"), 1_735_689_600)
        XCTAssertEqual(TimeText.parse("@1735689600"), 1_735_689_600)
        XCTAssertEqual(TimeText.parse("@-1"), -1)
        XCTAssertEqual(TimeText.parse("@253402300799"), TimeText.latest)
        XCTAssertEqual(TimeText.parse("@-11676096000"), TimeText.earliest)
        XCTAssertEqual(TimeText.format(TimeText.earliest), "1600-01-01T00:00:00Z")
        XCTAssertEqual(TimeText.parse("2024-02-29"), 1_709_164_800)
        // Foundation alone would roll these over, read a bare number as seconds, or ignore
        // trailing text; each is refused.
        for bad in ["2023-02-29", "2025-13-01", "2025-01-01T24:00:00Z", "2025-01-01T00:00:00",
                    "yesterday", "2025-1-1", "", "1735689600", "20250101", "2025-01-01x",
                    "2025-01-01T00:00:00Zx", "2025-02-30T00:00:00Z", "@", "@+5", "@1.5",
                    "@253402300800", "@-11676096001", "@9223372036854775807",
                    "1599-12-31", "1000-01-01T00:00:00Z"] {
            XCTAssertNil(TimeText.parse(bad), bad)
        }
        XCTAssertEqual(TimeText.format(1_735_689_600), "2025-01-01T00:00:00Z")
        XCTAssertEqual(TimeText.format(-1), "1969-12-31T23:59:59Z")
        XCTAssertEqual(TimeText.date(4_102_444_800), "2100-01-01")
        XCTAssertEqual(TimeText.format(253_402_300_799), "9999-12-31T23:59:59Z")
    }

    func testDurations() {
        XCTAssertEqual(DurationText.parse("30d"), 30 * 86_400)
        XCTAssertEqual(DurationText.parse("12h"), 12 * 3600)
        XCTAssertEqual(DurationText.parse("2w"), 14 * 86_400)
        XCTAssertNil(DurationText.parse("30"))
        XCTAssertNil(DurationText.parse("d"))
        XCTAssertNil(DurationText.parse("-1d"))
        XCTAssertNil(DurationText.parse("9999999999999999w"))
        XCTAssertEqual(DurationText.parse("438290w"), 438_290 * 7 * 86_400)
        XCTAssertNil(DurationText.parse("438291w"))
        XCTAssertNil(DurationText.parse("9223372036854775807s"))
        XCTAssertEqual(DurationText.format(86_400 * 3), "3d")
    }

    func testTimeSets() {
        let a = TimeSet([0...10, 20...30])
        XCTAssertEqual(a.union(TimeSet([11...19])), TimeSet([0...30]))
        XCTAssertEqual(a.intersection(5...25), TimeSet([5...10, 20...25]))
        XCTAssertEqual(a.subtracting(TimeSet([5...22])), TimeSet([0...4, 23...30]))
        XCTAssertEqual(a.subtracting(TimeSet([0...30])), TimeSet())
        XCTAssertEqual(a.subtracting(TimeSet()), a)
        XCTAssertEqual(a.length, 22)
        XCTAssertEqual(TimeSet([0...Int64.max]).subtracting(TimeSet([5...Int64.max])),
                       TimeSet([0...4]))
        XCTAssertEqual(a.intersection(TimeSet([8...22])), TimeSet([8...10, 20...22]))
    }

    func testNames() {
        // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String "a,b" } } }
        let name: [UInt8] = [0x30, 0x0E, 0x31, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x04, 0x03,
                             0x0C, 0x03, 0x61, 0x2C, 0x62]
        XCTAssertEqual(NameText.format(name), "CN=a\\,b")
        XCTAssertEqual(NameText.dotted([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D]), "1.2.840.113549")
        XCTAssertTrue(NameText.format([0x31, 0x00]).hasPrefix("(undecodable name"))
    }
}
