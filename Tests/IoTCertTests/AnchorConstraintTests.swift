import CIoTCert
import Foundation
import XCTest

@testable import IoTCert
import IoTCertHost

/// Trust anchor constraints (the anchor certificate's EKU, pathLenConstraint, validity and
/// name constraints) hold however the device keeps its anchors: as DER certificates (every
/// scenario, PathScenarioTests; the C API, Tests/CAPI) and as the records of a bundle that
/// the packer wrote (here), with full subjects and with subject digests.
final class AnchorConstraintTests: XCTestCase {
    typealias Scenario = PathScenarioTests.Scenario

    /// The scenario groups about anchors: the generator's anchor constraints block, and the
    /// name constraints of an anchor.
    static func scenarios() throws -> [Scenario] {
        try PathScenarioTests.table().filter {
            $0.name.hasPrefix("anchor-") || $0.name.hasPrefix("nc-anchor-")
        }
    }

    func testEveryConstraintIsTestedOnBothSides() throws {
        let all = try Self.scenarios()
        for code: IoTCertError in [.pathAnchorExtendedKeyUsage, .pathAnchorLengthExceeded,
                                   .pathAnchorNotYetValid, .pathNameConstraintViolation] {
            XCTAssertTrue(all.contains { $0.expect == "\(code)" }, "\(code)")
        }
        XCTAssertTrue(all.contains { $0.expect == "pathAnchorNotYetValid" && $0.time == nil })
        XCTAssertGreaterThanOrEqual(all.filter { $0.expect == "ok" }.count, 8)
    }

    func testAnchorScenariosThroughAPackedBundle() throws {
        for s in try Self.scenarios() {
            // What this runner does not carry over; none of these scenarios needs it.
            XCTAssertTrue(s.limits == nil && (s.revoked ?? []).isEmpty, s.name)
            for full in [false, true] {
                let bundle = try Self.pack(s, fullSubjects: full)
                let outcome = try Self.run(s, bundle: bundle)
                let got = outcome.error.map { "\($0)" } ?? "ok"
                XCTAssertEqual(got, s.expect, "\(s.name) (full subjects: \(full))")
                guard s.expect == "ok", let path = s.expect_path else { continue }
                let numbered = s.presented + (s.stored ?? [])
                let taken = (0..<Int(outcome.pathLength)).map { Int(outcome.path[$0]) }
                // Presented certificates keep their numbers; the packer may reorder stored ones.
                XCTAssertEqual(taken.count, path.count, s.name)
                for (k, file) in zip(taken, path) where k < s.presented.count {
                    XCTAssertEqual(numbered[k], file, "\(s.name) path")
                }
            }
        }
    }

    /// The packer's bundle for the scenario's store: its anchors and stored certificates,
    /// built at the scenario's build time, for a window that reaches the verification time.
    static func pack(_ s: Scenario, fullSubjects: Bool) throws -> [UInt8] {
        let input = { (f: String) in InputObject(source: f, der: try Repo.data("scenarios/" + f)) }
        let until = max(s.time ?? s.store_build_time, s.store_build_time) + 86_400
        var options = PackOptions(validFrom: s.store_build_time, validUntil: until)
        options.buildTime = s.store_build_time
        options.fullSubjects = fullSubjects
        let result = try Packer.pack(PackInputs(anchors: try s.anchors.map(input),
                                                intermediates: try (s.stored ?? []).map(input)),
                                     options: options)
        let keptAnchors = result.kept.filter { $0.role == .anchor }.count
        XCTAssertEqual(keptAnchors, s.anchors.count, "\(s.name): the packer dropped an anchor")
        XCTAssertEqual(formatVersion(of: result.bundle), BundleLayout.formatVersion)
        return result.bundle
    }

    /// Verifies the scenario's chain (or its first `presented` certificates, at `time`) with
    /// the bundle as the trust store.
    static func run(_ s: Scenario, bundle: [UInt8], presented count: Int? = nil,
                    time: Int64? = nil) throws -> VerifyResult {
        let opened = try Bundle.open(pinned(bundle))
        let presented = try s.presented.prefix(count ?? s.presented.count).map {
            pinned(try Repo.data("scenarios/" + $0))
        }
        var options = VerifyOptions(time: time ?? s.time, purpose: PathScenarioTests.purpose(s.purpose))
        let peer = pinned(PathScenarioTests.peerName(s.peer))
        switch s.peer?.kind {
        case "dns": options.peerName = .dns(peer)
        case "ip": options.peerName = .ip(peer)
        case "email": options.peerName = .email(peer)
        default: break
        }
        return withBufferLists(presented, [], []) { p, _, _ in
            var workspace = [UInt8](repeating: 0, count: workspaceBytesNeeded(options.limits))
            return workspace.withUnsafeMutableBytes {
                verify(presented: p, store: TrustStore(bundle: opened), options: options,
                       workspace: $0)
            }
        }
    }

    /// A format 2 bundle from an encoder that shares no code with the packer
    /// (Tests/Fuzz/make-corpus.py, reading certificates with `cryptography`): its anchors
    /// decode to what the DER trust store reads of the same certificates.
    func testAnIndependentFormat2EncoderAgrees() throws {
        let seed = try [UInt8](Data(contentsOf: Repo.root.appendingPathComponent(
            "Tests/Fuzz/corpus/fuzz-bundle/seed-v2-anchor-constraints")))
        let bytes = Array(seed.dropFirst())  // the harness's mode byte
        XCTAssertEqual(formatVersion(of: bytes), 2)
        let opened = try Bundle.open(pinned(bytes))
        let files = ["anchor-eku-client-root", "anchor-pathlen0-root", "anchor-future-root",
                     "anchor-eku-any-root", "nc-anchor-root"]
        XCTAssertEqual(opened.anchorCount, files.count)
        for (i, file) in files.enumerated() {
            let want = TrustAnchor(certificate: try Certificate(
                der: pinned(try Repo.data("scenarios/\(file).der"))))
            let got = opened.anchor(i)
            XCTAssertEqual(got.notBefore, want.notBefore, file)
            XCTAssertEqual(got.notAfter, want.notAfter, file)
            XCTAssertEqual(got.pathLength, want.pathLength, file)
            XCTAssertEqual(got.purposes, want.purposes, file)
            XCTAssertEqual(got.hasNameConstraints, want.hasNameConstraints, file)
            XCTAssertTrue(got.permittedSubtrees.bytesEqual(want.permittedSubtrees), file)
        }
        XCTAssertEqual(opened.anchor(0).purposes, .clientAuth)
        XCTAssertEqual(opened.anchor(1).pathLength, 0)
        XCTAssertNil(opened.anchor(3).purposes)
    }

    /// Format 1 bundles (written before anchors carried these constraints) still open and
    /// verify. The fuzzers' store bundle is one, written by Tests/Fuzz/make-corpus.py's own
    /// encoder, not by the packer.
    func testAFormat1BundleStillOpensAndVerifies() throws {
        let bytes = try [UInt8](Data(contentsOf: Repo.root.appendingPathComponent(
            "Tests/Fuzz/data/verify-store.bundle")))
        XCTAssertEqual(formatVersion(of: bytes), 1)
        let opened = try Bundle.open(pinned(bytes))
        XCTAssertEqual(opened.formatVersion, 1)
        for i in 0..<opened.anchorCount {
            let a = opened.anchor(i)
            XCTAssertNotEqual(a.notAfter, Int64.min, "anchor \(i) decodes")
            XCTAssertEqual(a.notBefore, Int64.min)
            XCTAssertEqual(a.pathLength, -1)
            XCTAssertNil(a.purposes)
        }
        let basic = try XCTUnwrap(try PathScenarioTests.table().first { $0.name == "basic-p256" })
        let outcome = try Self.run(basic, bundle: bytes)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.pathLength, 2)
        // Only the leaf: the intermediate comes from the bundle's stored certificates.
        var leafOnly = try Self.run(basic, bundle: bytes, presented: 1)
        XCTAssertNil(leafOnly.error)
        XCTAssertEqual(leafOnly.pathLength, 2)
        leafOnly = try Self.run(basic, bundle: bytes, presented: 1, time: 2_000_000_000)
        XCTAssertEqual(leafOnly.error, .pathExpired)
    }
}

/// The format version field of a bundle's header (docs/bundle-format.md).
func formatVersion(of b: [UInt8]) -> UInt16 { UInt16(b[4]) | UInt16(b[5]) << 8 }
