import XCTest

@testable import IoTCert

/// Every named limit, on both sides of its edge (webpki's longest_allowed_path /
/// path_too_long pairs). Scenario-table pairs cover depthMax, candidatesMax, signaturesMax
/// and nameComparisonsMax; the rest are here.
final class LimitTests: XCTestCase {
    private func scenario(_ name: String) throws -> PathScenarioTests.Scenario {
        try XCTUnwrap(PathScenarioTests.table().first { $0.name == name }, name)
    }

    /// Re-runs a scenario with one limit changed.
    private func run(_ name: String, _ change: (inout Limits) -> Void,
                     workspace: Int? = nil) throws -> VerifyResult {
        let s = try scenario(name)
        let load = { (f: String) in pinned(try Repo.data("scenarios/" + f)) }
        let anchors = try s.anchors.map(load)
        let stored = try (s.stored ?? []).map(load)
        let presented = try s.presented.map(load)
        var options = VerifyOptions(time: s.time, purpose: PathScenarioTests.purpose(s.purpose))
        change(&options.limits)
        return withBufferLists(anchors, stored, presented) { a, i, p in
            let store = TrustStore(anchors: a, intermediates: i, buildTime: s.store_build_time)
            let size = workspace ?? workspaceBytesNeeded(options.limits)
            var memory = [UInt8](repeating: 0, count: size)
            return memory.withUnsafeMutableBytes {
                verify(presented: p, store: store, options: options, workspace: $0)
            }
        }
    }

    func testPresentedMaxBothSides() throws {
        // shuffled-with-extras presents 6 certificates.
        XCTAssertNil(try run("shuffled-with-extras") { $0.presentedMax = 6 }.error)
        XCTAssertEqual(try run("shuffled-with-extras") { $0.presentedMax = 5 }.error,
                       .tooManyCertificates)
    }

    func testStepsMaxBothSides() throws {
        let needed = try run("basic-p256") { _ in }.steps
        XCTAssertGreaterThan(needed, 0)
        XCTAssertNil(try run("basic-p256") { $0.stepsMax = needed }.error)
        XCTAssertEqual(try run("basic-p256") { $0.stepsMax = needed - 1 }.error,
                       .pathStepBudgetExhausted)
    }

    func testSignaturesMaxBothSides() throws {
        let needed = UInt16(try run("basic-p256") { _ in }.signaturesChecked)
        XCTAssertNil(try run("basic-p256") { $0.signaturesMax = needed }.error)
        XCTAssertEqual(try run("basic-p256") { $0.signaturesMax = needed - 1 }.error,
                       .pathSignatureBudgetExhausted)
    }

    func testWorkspaceBothSides() throws {
        var limits = Limits()
        limits.depthMax = 4
        let needed = workspaceBytesNeeded(limits)
        // The worst-case alignment padding is included; with any buffer address, the needed
        // size works and far less does not.
        XCTAssertNil(try run("basic-p256", { $0.depthMax = 4 }, workspace: needed).error)
        let frame = MemoryLayout<Frame>.stride
        XCTAssertEqual(try run("basic-p256", { $0.depthMax = 4 },
                               workspace: needed - frame).error, .workspaceExhausted)
        XCTAssertEqual(try run("basic-p256", { $0.depthMax = 4 }, workspace: 0).error,
                       .workspaceExhausted)
    }

    func testDepthMaxRange() throws {
        XCTAssertEqual(try run("basic-p256") { $0.depthMax = 0 }.error, .limitOutOfRange)
        XCTAssertEqual(try run("basic-p256") { $0.depthMax = Limits.depthCeiling + 1 }.error,
                       .limitOutOfRange)
        XCTAssertNil(try run("basic-p256") { $0.depthMax = Limits.depthCeiling }.error)
        XCTAssertNil(try run("basic-p256") { $0.depthMax = 2 }.error)
        XCTAssertEqual(try run("basic-p256") { $0.depthMax = 1 }.error, .pathDepthExceeded)
    }

    /// extensionsMax: a certificate with exactly that many extensions parses; one more is
    /// refused. Built by rewriting a fixture's extension list (parsing needs no signature).
    func testExtensionsMaxBothSides() throws {
        let der = try Repo.data("pki/" + CertificateTests.manifest().certificates
            .first { $0.expect_parse == "ok" && ($0.extensions?.count ?? 0) > 0 }!.file)
        func withExtensions(_ n: Int) -> [UInt8] {
            let list = (0..<n).flatMap { i -> [UInt8] in
                // Unknown, non-critical, distinct OIDs 1.3.6.1.4.1.55555.i
                let oid = DERBuild.tlv(0x06, [0x2B, 0x06, 0x01, 0x04, 0x01, 0x83, 0xB2, 0x03,
                                              UInt8(i)])
                return DERBuild.sequence(oid, DERBuild.tlv(0x04, [0x05, 0x00]))
            }
            return replaceExtensions(der, DERBuild.tlv(0xA3, DERBuild.tlv(0x30, list)))
        }
        XCTAssertNil(parseError(withExtensions(extensionsMax)))
        XCTAssertEqual(parseError(withExtensions(extensionsMax + 1)), .certBadExtension)
    }

    func testDNSNameLengthBothSides() {
        func name(_ n: Int) -> [UInt8] {
            // labels of 63 'a' joined by dots, then trimmed to n characters.
            var s = ""
            while s.count < n { s += (s.isEmpty ? "" : ".") + String(repeating: "a", count: 63) }
            var out = Array(s.utf8.prefix(n))
            if out.last == UInt8(ascii: ".") { out[out.count - 1] = UInt8(ascii: "b") }
            return out
        }
        XCTAssertTrue(name(253).withUnsafeBytes { isValidDNSName($0, allowWildcard: false) })
        XCTAssertFalse(name(254).withUnsafeBytes { isValidDNSName($0, allowWildcard: false) })
        let label63 = Array((String(repeating: "a", count: 63) + ".com").utf8)
        let label64 = Array((String(repeating: "a", count: 64) + ".com").utf8)
        XCTAssertTrue(label63.withUnsafeBytes { isValidDNSName($0, allowWildcard: false) })
        XCTAssertFalse(label64.withUnsafeBytes { isValidDNSName($0, allowWildcard: false) })
    }

    func testMemoSlotsMax() throws {
        let big = UnsafeMutableRawBufferPointer.allocate(
            byteCount: SignatureMemoLayout.bytes(slots: SignatureMemoLayout.slotsMax + 10),
            alignment: 4)
        XCTAssertEqual(try SignatureMemo.format(big).slots, SignatureMemoLayout.slotsMax)
        let exact = UnsafeMutableRawBufferPointer.allocate(
            byteCount: SignatureMemoLayout.bytes(slots: 3), alignment: 4)
        XCTAssertEqual(try SignatureMemo.format(exact).slots, 3)
    }
}

/// Replaces the `[3]` extensions field of a certificate's TBS (signature left as is).
func replaceExtensions(_ der: [UInt8], _ field: [UInt8]) -> [UInt8] {
    der.withUnsafeBytes { buffer -> [UInt8] in
        var outer = DERReader(buffer)
        let cert = try! outer.read(.sequence)
        var c = try! cert.children()
        let tbs = try! c.read(.sequence)
        let rest = Array(cert.content[tbs.encoded.count...])
        var t = try! tbs.children()
        var fields: [UInt8] = []
        while !t.isAtEnd {
            let f = try! t.read()
            if f.tag != .context(3, constructed: true) { fields += Array(f.encoded) }
        }
        return DERBuild.tlv(0x30, DERBuild.tlv(0x30, fields + field) + rest)
    }
}
