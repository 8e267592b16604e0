import Foundation
import XCTest

@testable import IoTCert

/// Inputs built to exhaust: each must end with its limit's own error, quickly. The time each
/// took is printed (debug build; the assertions are on the codes and on the work counters).
final class AdversarialTests: XCTestCase {
    private func timed<R>(_ what: String, _ body: () throws -> R) rethrows -> R {
        let start = Date()
        let r = try body()
        print(String(format: "adversarial: %@ took %.1f ms", what,
                     Date().timeIntervalSince(start) * 1000))
        return r
    }

    private func scenario(_ name: String) throws -> PathScenarioTests.Scenario {
        try XCTUnwrap(PathScenarioTests.table().first { $0.name == name }, name)
    }

    /// 4 levels x 5 cross-signed CAs, every one a candidate for every certificate below: the
    /// path count explodes; the signature budget (100) stops the search.
    func testCrossSignMeshStopsAtSignatureBudget() throws {
        let r = try timed("cross-sign mesh") {
            try PathScenarioTests.run(scenario("mesh-budget-exhausted"))
        }
        XCTAssertEqual(r.error, .pathSignatureBudgetExhausted)
        XCTAssertEqual(r.signaturesChecked, 100)
    }

    /// Thousands of subtrees against hundreds of names: the comparison budget stops it.
    func testThousandsOfNameConstraints() throws {
        let permitted = (0..<4000).flatMap { i in
            DERBuild.sequence(DERBuild.tlv(0x82, Array("host\(i).example.com".utf8)))
        }
        let excluded = (0..<4000).flatMap { i in
            DERBuild.sequence(DERBuild.tlv(0x82, Array("bad\(i).example.org".utf8)))
        }
        // Every name is permitted, by the last subtree only: each costs 8,000 comparisons.
        let san = (0..<500).flatMap { i in
            DERBuild.tlv(0x82, Array("a\(i).host3999.example.com".utf8))
        }
        let subject = DERBuild.sequence()
        var budget = ComparisonBudget(max: Limits().nameComparisonsMax)
        let error = timed("4,000+4,000 subtrees x 500 names") {
            errorOf {
                try checkNameConstraints(
                    NameConstraintSet(permitted: pinned(permitted), excluded: pinned(excluded)),
                    subject: pinned(subject), subjectAltName: pinned(san), budget: &budget)
            }
        }
        XCTAssertEqual(error, .pathNameConstraintBudgetExhausted)
        XCTAssertEqual(budget.used, Limits().nameComparisonsMax)
    }

    /// The same constraints within budget finish with a verdict, not the budget error.
    func testNameConstraintsJustWithinBudget() throws {
        let permitted = (0..<100).flatMap { i in
            DERBuild.sequence(DERBuild.tlv(0x82, Array("host\(i).example.com".utf8)))
        }
        let san = (0..<10).flatMap { i in DERBuild.tlv(0x82, Array("host\(i).example.com".utf8)) }
        var budget = ComparisonBudget(max: 10 * 100)
        XCTAssertNil(errorOf {
            try checkNameConstraints(
                NameConstraintSet(permitted: pinned(permitted), excluded: .empty),
                subject: pinned(DERBuild.sequence()), subjectAltName: pinned(san),
                budget: &budget)
        })
        var small = ComparisonBudget(max: 10)
        XCTAssertEqual(errorOf {
            try checkNameConstraints(
                NameConstraintSet(permitted: pinned(permitted), excluded: .empty),
                subject: pinned(DERBuild.sequence()), subjectAltName: pinned(san),
                budget: &small)
        }, .pathNameConstraintBudgetExhausted)
    }

    /// 20,000 nested SEQUENCEs: refused at the nesting limit, no stack growth (no
    /// recursion), whether read as a certificate or walked generically.
    func testDeeplyNestedDER() {
        var v: [UInt8] = [0x05, 0x00]
        for _ in 0..<20_000 { v = DERBuild.tlv(0x30, v) }
        XCTAssertEqual(v.count > DERLimits.lengthMax, true)
        // Too long overall: refused by length before anything else.
        XCTAssertEqual(timed("20,000-deep DER as a certificate") { parseError(v) },
                       .derLengthTooLarge)
        // Within the length limit, deep nesting is refused at its own limit.
        var shallow: [UInt8] = [0x05, 0x00]
        for _ in 0..<5_000 { shallow = DERBuild.tlv(0x30, shallow) }
        let error = timed("5,000-deep DER walked") {
            errorOf {
                var r = DERReader(pinned(shallow))
                var value = try r.read()
                while value.tag.isConstructed {
                    var c = try value.children()
                    value = try c.read()
                }
            }
        }
        XCTAssertEqual(error, .derNestingTooDeep)
    }

    /// A peer that sends the same intermediate many times, and many same-named CAs: the
    /// candidate and presented limits stop it before any real work.
    func testFloodOfPresentedCertificates() throws {
        let s = try scenario("basic-p256")
        let leaf = pinned(try Repo.data("scenarios/" + s.presented[0]))
        let intermediate = pinned(try Repo.data("scenarios/" + s.presented[1]))
        let anchors = try s.anchors.map { pinned(try Repo.data("scenarios/" + $0)) }
        func run(copies: Int, presentedMax: UInt8) -> VerifyResult {
            let presented = [leaf] + Array(repeating: intermediate, count: copies)
            var options = VerifyOptions(time: s.time)
            options.limits.presentedMax = presentedMax
            return withBufferLists(anchors, [], presented) { a, _, p in
                let store = TrustStore(anchors: a, buildTime: 0)
                var memory = [UInt8](repeating: 0, count: workspaceBytesNeeded(options.limits))
                return memory.withUnsafeMutableBytes {
                    verify(presented: p, store: store, options: options, workspace: $0)
                }
            }
        }
        XCTAssertEqual(timed("200 copies") { run(copies: 200, presentedMax: 16) }.error,
                       .tooManyCertificates)
        // Allowed in, the duplicates are tried as candidates; a wrong-key copy would each
        // cost a signature, so candidatesMax bounds the work.
        let r = timed("200 copies admitted") { run(copies: 200, presentedMax: 255) }
        XCTAssertNil(r.error)
        XCTAssertLessThanOrEqual(r.signaturesChecked, 2)
    }
}
