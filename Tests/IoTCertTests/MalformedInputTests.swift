import Foundation
import XCTest

@testable import IoTCert

/// Hostile input: every truncation, wrong tags, bad lengths, trailing bytes, and a
/// deterministic mutation run. Each failure must be a specific code, never a trap.
final class MalformedInputTests: XCTestCase {
    /// Well-formed certificates from the committed test PKI.
    static func goodCertificates() throws -> [(String, [UInt8])] {
        try CertificateTests.manifest().certificates
            .filter { $0.expect_parse == "ok" }
            .map { ($0.file, try Repo.data("pki/" + $0.file)) }
    }

    func testEveryTruncationFails() throws {
        for (file, der) in try Self.goodCertificates().prefix(8) {
            for n in 0..<der.count {
                let error = parseError(Array(der[0..<n]))
                XCTAssertNotNil(error, "\(file) cut at \(n) parsed")
                // The outer SEQUENCE's length always runs past a cut, except when the cut
                // leaves no complete header at all.
                XCTAssertEqual(error, .derTruncated, "\(file) cut at \(n)")
            }
        }
    }

    func testTrailingBytesRefused() throws {
        let (_, der) = try Self.goodCertificates()[0]
        XCTAssertNil(parseError(der))
        XCTAssertEqual(parseError(der + [0x00]), .derTrailingData)
        XCTAssertEqual(parseError(der + [0x05, 0x00]), .derTrailingData)
    }

    func testWrongOuterTagRefused() throws {
        let (_, der) = try Self.goodCertificates()[0]
        var wrong = der
        wrong[0] = 0x31  // SET instead of SEQUENCE
        XCTAssertEqual(parseError(wrong), .derUnexpectedTag)
        wrong[0] = 0x10  // SEQUENCE's number, primitive
        XCTAssertEqual(parseError(wrong), .derUnexpectedTag)
    }

    /// Re-encodes the outer length in a longer form than needed.
    func testNonMinimalOuterLengthRefused() throws {
        let (_, der) = try Self.goodCertificates()[0]
        XCTAssertEqual(der[1] & 0x80, 0x80)
        let octets = Int(der[1] & 0x7F)
        let body = Array(der[(2 + octets)...])
        let padded = [0x30, 0x80 | UInt8(octets + 1), 0x00] + Array(der[2..<(2 + octets)]) + body
        XCTAssertEqual(parseError(padded), .derNonMinimalLength)
    }

    func testAbsurdLengthRefused() throws {
        let (_, der) = try Self.goodCertificates()[0]
        XCTAssertEqual(parseError([0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF] + der),
                       .derLengthTooLarge)
        XCTAssertEqual(parseError([0x30, 0x88, 1, 2, 3, 4, 5, 6, 7, 8]), .derLengthTooLarge)
    }

    func testEmptyAndTinyInputs() {
        XCTAssertEqual(parseError([]), .derTruncated)
        XCTAssertEqual(parseError([0x30]), .derTruncated)
        XCTAssertEqual(parseError([0x30, 0x00]), .derTruncated)
        XCTAssertEqual(parseError([0x30, 0x80]), .derIndefiniteLength)
    }

    /// A fixed-seed generator, so the run is the same every time (xorshift64*).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    /// 100,000 mutated certificates: bit flips, byte overwrites, insertions, deletions and
    /// length-octet changes. Nothing may trap; every outcome is a parse or a code.
    func testDeterministicMutationRun() throws {
        let seeds = try Self.goodCertificates().map { $0.1 }
        var random = Random(state: 0x10C7_CE27_2026_1129)
        var parsed = 0
        var codes: [IoTCertError: Int] = [:]
        let total = 100_000
        for _ in 0..<total {
            var der = seeds[random.below(seeds.count)]
            for _ in 0..<(1 + random.below(3)) { mutate(&der, &random) }
            if let error = parseError(der) {
                codes[error, default: 0] += 1
            } else {
                parsed += 1
            }
        }
        XCTAssertEqual(parsed + codes.values.reduce(0, +), total)
        // The run must exercise many distinct refusals, not one catch-all.
        XCTAssertGreaterThan(codes.count, 12, "\(codes)")
        print("mutation run: \(total) inputs, \(parsed) parsed, \(codes.count) distinct codes")
    }

    private func mutate(_ der: inout [UInt8], _ random: inout Random) {
        guard !der.isEmpty else { return }
        let at = random.below(der.count)
        switch random.below(5) {
        case 0: der[at] ^= UInt8(1 << random.below(8))
        case 1: der[at] = UInt8(truncatingIfNeeded: random.next())
        case 2: der.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
        case 3: der.remove(at: at)
        default:
            // Length octets sit right after tags; nudging one byte after a 0x30/0xA3/0x04 is
            // the most productive way to break the structure.
            let structural: Set<UInt8> = [0x30, 0xA3, 0x04]
            if let tag = der.indices.dropFirst(at).first(where: { structural.contains(der[$0]) }),
                tag + 1 < der.count
            {
                der[tag + 1] = der[tag + 1] &+ UInt8(1 + random.below(3))
            }
        }
    }
}
