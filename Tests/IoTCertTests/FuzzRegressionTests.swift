import Foundation
import XCTest

@testable import IoTCert

/// The fuzzers' findings, kept: every input that once crashed a target (Tests/Fuzz/regressions/
/// <target>/) goes through the same harness code the target runs (FuzzHarness.swift) and must
/// end with the outcome recorded in Tests/Fuzz/regressions/expected.txt (an IoTCertError case,
/// or "ok"), without trapping. The seed corpora run through it too, so the harness's
/// invariants are checked by `swift test` and not only by `make fuzz`.
final class FuzzRegressionTests: XCTestCase {
    static let fuzz = Repo.root.appendingPathComponent("Tests/Fuzz")

    static let targets = ["fuzz-bundle", "fuzz-certificate", "fuzz-der", "fuzz-verify"]

    static func run(_ target: String, _ input: UnsafeRawBufferPointer) -> IoTCertError? {
        switch target {
        case "fuzz-der": return FuzzHarness.der(input)
        case "fuzz-certificate": return FuzzHarness.certificate(input)
        case "fuzz-bundle": return FuzzHarness.bundle(input)
        case "fuzz-verify": return FuzzHarness.verify(input)
        default: fatalError("no fuzz target \(target)")
        }
    }

    static func files(_ directory: String) throws -> [(name: String, bytes: [UInt8])] {
        let url = fuzz.appendingPathComponent(directory)
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            .filter { !$0.hasPrefix(".") && $0 != "README.md" }
            .map { ($0, [UInt8](try Data(contentsOf: url.appendingPathComponent($0)))) }
    }

    static func outcome(_ target: String, _ bytes: [UInt8]) -> String {
        let error = bytes.withUnsafeBytes { run(target, $0) }
        return error.map { "\($0)" } ?? "ok"
    }

    /// "target/file outcome" lines; # starts a comment.
    static func expectedOutcomes() throws -> [String: String] {
        let text = try String(contentsOf: fuzz.appendingPathComponent("regressions/expected.txt"),
                              encoding: .utf8)
        var table: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            table[String(parts[0])] = String(parts[1].split(separator: "#")[0])
                .trimmingCharacters(in: .whitespaces)
        }
        return table
    }

    func testEveryRegressionInputReplaysWithItsRecordedOutcome() throws {
        let expected = try Self.expectedOutcomes()
        var seen = Set<String>()
        for target in Self.targets {
            for (name, bytes) in try Self.files("regressions/\(target)") {
                let key = "\(target)/\(name)"
                seen.insert(key)
                let want = try XCTUnwrap(expected[key], "\(key) has no line in expected.txt")
                XCTAssertEqual(Self.outcome(target, bytes), want, key)
            }
        }
        XCTAssertEqual(Set(expected.keys).subtracting(seen), [], "expected.txt names no file")
    }

    func testSeedCorporaRunThroughTheHarness() throws {
        var accepted: [String: Int] = [:]
        for target in Self.targets {
            let seeds = try Self.files("corpus/\(target)").filter { $0.name.hasPrefix("seed-") }
            XCTAssertGreaterThan(seeds.count, 5, target)
            for (_, bytes) in seeds where Self.outcome(target, bytes) == "ok" {
                accepted[target, default: 0] += 1
            }
        }
        // The seeds reach past the parsers: bundles open, chains verify.
        XCTAssertGreaterThan(accepted["fuzz-certificate", default: 0], 40)
        XCTAssertGreaterThan(accepted["fuzz-bundle", default: 0], 5)
        XCTAssertGreaterThan(accepted["fuzz-verify", default: 0], 20)
    }

    /// Seeds of fuzz-verify made from scenarios keep the scenario's verdict: the framing,
    /// flags and fixed store mean what Tests/Fuzz/README.md says.
    func testVerifySeedsKeepTheirScenarioVerdicts() throws {
        let table = try PathScenarioTests.table()
        for (name, bytes) in try Self.files("corpus/fuzz-verify") {
            let scenario = name.dropFirst("seed-".count)
            let bundle = scenario.hasSuffix("-bundle")
            let base = bundle ? String(scenario.dropLast("-bundle".count)) : String(scenario)
            // Limits and the store's build time are the harness's own, not the scenario's.
            // The harness verifies with the default profile.
            guard let s = table.first(where: { $0.name == base }), s.limits == nil,
                s.time != nil, s.profile == nil
            else { continue }
            // The fixed store holds more anchors than the scenario's: a scenario that fails
            // for want of its one anchor may then find another.
            if s.expect == "pathNoTrustAnchor" || s.expect == "pathAnchorExpired" { continue }
            // The fixed store revokes leaf-b (make-corpus.py REVOKED).
            let want = s.presented[0] == "leaf-b.der" ? "pathRevoked" : s.expect
            XCTAssertEqual(Self.outcome("fuzz-verify", bytes), want, "\(name)")
        }
    }
}

/// Traps found while writing the fuzz harness, by reading the code its invariants cover; the
/// fixed-size framing of fuzz-verify cannot reach them, so they are built here by hand.
final class FuzzReviewFindingsTests: XCTestCase {
    /// `candidatesMax` may be 255 (iotcert.h allows 1...255): the per-frame counter of
    /// name-matching candidates is a UInt8 and used to be incremented before the comparison,
    /// so the 256th same-named candidate overflowed it (a trap) instead of ending the search
    /// with pathCandidatesExceeded. 256 copies of an expired anchor are 256 such candidates.
    func testCandidatesMaxOf255WithMoreCandidates() throws {
        for (anchorCopies, expected) in [(255, IoTCertError.pathAnchorExpired),
                                         (256, .pathCandidatesExceeded)] {
            let root = pinned(try Repo.data("scenarios/expired-root.der"))
            let presented = try ["expired-root-leaf.der", "expired-root-int.der"].map {
                pinned(try Repo.data("scenarios/" + $0))
            }
            var options = VerifyOptions(time: 1_767_225_600, purpose: .serverAuth)
            options.limits.candidatesMax = 255
            let result = withBufferLists(Array(repeating: root, count: anchorCopies), [],
                                         presented) { anchors, _, chain in
                var workspace = [UInt8](repeating: 0, count: workspaceBytesNeeded(options.limits))
                return workspace.withUnsafeMutableBytes {
                    verify(presented: chain, store: TrustStore(anchors: anchors,
                                                               buildTime: 1_764_633_600),
                           options: options, workspace: $0)
                }
            }
            XCTAssertEqual(result.error, expected, "\(anchorCopies) anchors")
        }
    }
    /// Memo hits are counted in a UInt16, but nothing bounds them below the step budget
    /// (stepsMax, up to 2^32 - 1 through iotcert.h): each memo hit is one step. A chain of
    /// identical copies makes every link after the first a hit: the leaf, then 41 copies each
    /// of deep-i3, deep-i2 and deep-i1 (whose issuer is no anchor) are 41^3 + 41^2 + 41 =
    /// 70,643 link checks, three of them signature verifications. About 70,000 steps of
    /// candidate scanning: slow in a debug build, so it runs when IOTCERT_SLOW_TESTS is set.
    func testMemoHitsBeyondUInt16() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["IOTCERT_SLOW_TESTS"] == nil,
                      "set IOTCERT_SLOW_TESTS=1 to run")
        let copies = 41
        let load = { (f: String) in pinned(try Repo.data("scenarios/" + f)) }
        var presented = [try load("deep-leaf.der")]
        for name in ["deep-i3.der", "deep-i2.der", "deep-i1.der"] {
            presented += Array(repeating: try load(name), count: copies)
        }
        let anchors = [try load("unrelated-root.der")]
        var options = VerifyOptions(time: 1_767_225_600, purpose: .serverAuth)
        options.limits.presentedMax = 255
        options.limits.candidatesMax = 255
        options.limits.stepsMax = UInt32.max
        let memory = UnsafeMutableRawBufferPointer.allocate(
            byteCount: SignatureMemoLayout.bytes(slots: 16), alignment: 4)
        options.memo = try SignatureMemo.format(memory)
        let result = withBufferLists(anchors, [], presented) { a, _, chain in
            var workspace = [UInt8](repeating: 0, count: workspaceBytesNeeded(options.limits))
            return workspace.withUnsafeMutableBytes {
                verify(presented: chain, store: TrustStore(anchors: a, buildTime: 1_764_633_600),
                       options: options, workspace: $0)
            }
        }
        XCTAssertEqual(result.error, .pathNoTrustAnchor)
        XCTAssertEqual(result.signaturesChecked, 3)
        XCTAssertEqual(result.memoHits, UInt16.max, "saturates")
    }
}
