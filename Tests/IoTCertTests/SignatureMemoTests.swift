import XCTest

@testable import IoTCert

/// The signature memo skips signature math and nothing else.
final class SignatureMemoTests: XCTestCase {
    private func scenario(_ name: String) throws -> PathScenarioTests.Scenario {
        try XCTUnwrap(PathScenarioTests.table().first { $0.name == name }, name)
    }

    private func memo(slots: Int) throws -> SignatureMemo {
        let memory = UnsafeMutableRawBufferPointer.allocate(
            byteCount: SignatureMemoLayout.bytes(slots: slots), alignment: 4)
        return try SignatureMemo.format(memory)
    }

    func testWarmMemoSkipsEverySignature() throws {
        let s = try scenario("basic-p256")
        let m = try memo(slots: 8)
        let cold = try PathScenarioTests.run(s, memo: m)
        XCTAssertNil(cold.error)
        XCTAssertEqual(cold.signaturesChecked, 2)
        XCTAssertEqual(cold.memoHits, 0)
        let warm = try PathScenarioTests.run(s, memo: m)
        XCTAssertNil(warm.error)
        XCTAssertEqual(warm.signaturesChecked, 0)
        XCTAssertEqual(warm.memoHits, 2)
        XCTAssertEqual(warm.pathLength, cold.pathLength)
    }

    /// Scenarios that fail for a reason other than a signature must fail the same way when
    /// the memo holds every signature of their chain.
    func testMemoHitsChangeNoVerdict() throws {
        // (scenario, whether its failing verification reaches a memoised signature)
        let cases = [("leaf-expired", false), ("revoked-leaf", true),
                     ("peer-dns-mismatch", false), ("validity-after-not-after", false),
                     ("leaf-eku-client-only", false), ("nc-dns-permitted-outside", true),
                     ("revoked-intermediate", true), ("anchor-expired", false)]
        for (failing, reachesMemo) in cases {
            let s = try scenario(failing)
            let m = try memo(slots: 16)
            // Fill the memo with the chain's own signatures: verify the same certificates as
            // far as they go with every non-signature check relaxed where possible.
            _ = try PathScenarioTests.run(s, memo: m)
            let relaxed = PathScenarioTests.Scenario(
                name: s.name, anchors: s.anchors, stored: s.stored, presented: s.presented,
                time: s.time, store_build_time: s.store_build_time, purpose: "any", peer: nil,
                limits: nil, revoked: nil, expect: "ok", expect_path: nil, expect_anchor: nil,
                expect_failing_index: nil, profile: s.profile)
            _ = try PathScenarioTests.run(relaxed, memo: m)
            let again = try PathScenarioTests.run(s, memo: m)
            XCTAssertEqual(again.error.map { "\($0)" }, s.expect, "\(failing) with a warm memo")
            if reachesMemo {
                XCTAssertGreaterThan(again.memoHits, 0, "\(failing): the memo was not used")
            }
        }
    }

    func testTamperedCertificateNeverHits() throws {
        let s = try scenario("bad-signature-leaf")
        let good = try scenario("basic-p256")
        let m = try memo(slots: 8)
        _ = try PathScenarioTests.run(good, memo: m)
        let r = try PathScenarioTests.run(s, memo: m)
        XCTAssertEqual(r.error, .pathBadSignature)
        XCTAssertGreaterThan(r.signaturesChecked, 0)
    }

    func testDifferentIssuerKeyNeverHits() throws {
        // Same names, other keys: the memo key covers the issuer key, so nothing carries over.
        let m = try memo(slots: 8)
        _ = try PathScenarioTests.run(try scenario("basic-p256"), memo: m)
        let r = try PathScenarioTests.run(try scenario("basic-p384"), memo: m)
        XCTAssertNil(r.error)
        XCTAssertEqual(r.memoHits, 0)
    }

    func testFirstInFirstOutReplacement() throws {
        let m = try memo(slots: 2)
        _ = try PathScenarioTests.run(try scenario("basic-p256"), memo: m)  // fills 2
        XCTAssertEqual(m.count, 2)
        _ = try PathScenarioTests.run(try scenario("basic-p384"), memo: m)  // replaces both
        let again = try PathScenarioTests.run(try scenario("basic-p256"), memo: m)
        XCTAssertEqual(again.memoHits, 0)
        XCTAssertEqual(m.count, 2)
    }

    func testAttachRefusesWhatIsNotAMemo() throws {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 80, alignment: 4)
        memory.initializeMemory(as: UInt8.self, repeating: 0xA5)
        XCTAssertEqual(errorOf { _ = try SignatureMemo(attaching: memory) }, .invalidArgument)
        let m = try SignatureMemo.format(memory)
        XCTAssertEqual(m.slots, 2)
        XCTAssertNoThrow(try SignatureMemo(attaching: memory))
        memory[4] = 200  // slot count larger than the memory
        XCTAssertEqual(errorOf { _ = try SignatureMemo(attaching: memory) }, .invalidArgument)
        let tiny = UnsafeMutableRawBufferPointer.allocate(byteCount: 47, alignment: 4)
        XCTAssertEqual(errorOf { _ = try SignatureMemo.format(tiny) }, .invalidArgument)
    }
}
