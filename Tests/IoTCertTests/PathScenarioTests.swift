import CIoTCert
import Foundation
import XCTest

@testable import IoTCert
import IoTCertHost

/// The table of path-building scenarios the generator wrote (Tests/Fixtures/scenarios):
/// each names its trust store, presented chain, time, purpose, peer and expected outcome,
/// in the style of BearSSL's alltests.txt.
final class PathScenarioTests: XCTestCase {
    struct Peer: Decodable {
        let kind: String
        let value: String
    }

    struct LimitsSpec: Decodable {
        let depthMax: Int?
        let presentedMax: Int?
        let candidatesMax: Int?
        let signaturesMax: Int?
        let nameComparisonsMax: Int?
    }

    struct Revoked: Decodable {
        let issuer: String
        let serial_hex: String
    }

    struct Scenario: Decodable {
        let name: String
        let anchors: [String]
        let stored: [String]?
        let presented: [String]
        let time: Int64?
        let store_build_time: Int64
        let purpose: String
        let peer: Peer?
        let limits: LimitsSpec?
        let revoked: [Revoked]?
        let expect: String
        let expect_path: [String]?
        let expect_anchor: String?
        let expect_failing_index: Int?
        /// "strict" for the strict profile; absent for the default profile.
        let profile: String?
    }

    struct Table: Decodable {
        let scenarios: [Scenario]
    }

    static func table() throws -> [Scenario] {
        let url = Repo.fixtures.appendingPathComponent("scenarios/scenarios.json")
        return try JSONDecoder().decode(Table.self, from: Data(contentsOf: url)).scenarios
    }

    func testScenarioTableIsSubstantial() throws {
        let all = try Self.table()
        XCTAssertGreaterThan(all.count, 40)
        XCTAssertGreaterThan(all.filter { $0.expect == "ok" }.count, 10)
        XCTAssertGreaterThan(Set(all.map { $0.expect }).count, 15)
    }

    func testEveryScenario() throws {
        for s in try Self.table() {
            let outcome = try Self.run(s)
            XCTAssertEqual(outcome.error.map { "\($0)" } ?? "ok", s.expect,
                           "\(s.name): \(outcome.error.map { "\($0)" } ?? "ok")")
            guard s.expect == "ok" else {
                if let index = s.expect_failing_index {
                    XCTAssertEqual(Int(outcome.failingIndex), index, "\(s.name) failing index")
                }
                continue
            }
            if let path = s.expect_path {
                let numbered = (s.presented + (s.stored ?? []))
                let got = (0..<Int(outcome.pathLength)).map { numbered[Int(outcome.path[$0])] }
                XCTAssertEqual(got, path, "\(s.name) path")
            }
            if let anchor = s.expect_anchor {
                let i = Int(outcome.anchorIndex)
                XCTAssertEqual(s.anchors.indices.contains(i) ? s.anchors[i] : "none", anchor,
                               "\(s.name) anchor")
            }
        }
    }

    /// Runs one scenario through the Swift API, with the workspace the limits need.
    static func run(_ s: Scenario, memo: SignatureMemo? = nil) throws -> VerifyResult {
        let load = { (f: String) in try Repo.data("scenarios/" + f) }
        let anchors = try s.anchors.map(load).map(pinned)
        let stored = try (s.stored ?? []).map(load).map(pinned)
        let presented = try s.presented.map(load).map(pinned)
        let revocations = pinned(try revocationList(s.revoked ?? []))
        var options = VerifyOptions(time: s.time, purpose: purpose(s.purpose))
        options.memo = memo
        options.strict = s.profile == "strict"
        let peerBytes = pinned(peerName(s.peer))
        switch s.peer?.kind {
        case "dns": options.peerName = .dns(peerBytes)
        case "ip": options.peerName = .ip(peerBytes)
        case "email": options.peerName = .email(peerBytes)
        default: break
        }
        if let l = s.limits {
            if let v = l.depthMax { options.limits.depthMax = UInt8(v) }
            if let v = l.candidatesMax { options.limits.candidatesMax = UInt8(v) }
            if let v = l.presentedMax { options.limits.presentedMax = UInt8(v) }
            if let v = l.signaturesMax { options.limits.signaturesMax = UInt16(v) }
            if let v = l.nameComparisonsMax { options.limits.nameComparisonsMax = UInt32(v) }
        }
        return try withBufferLists(anchors, stored, presented) { a, i, p in
            let store = TrustStore(anchors: a, intermediates: i,
                                   revocations: try RevocationList(revocations),
                                   buildTime: s.store_build_time)
            var workspace = [UInt8](repeating: 0, count: workspaceBytesNeeded(options.limits))
            return workspace.withUnsafeMutableBytes {
                verify(presented: p, store: store, options: options, workspace: $0)
            }
        }
    }

    static func purpose(_ s: String) -> Purpose {
        switch s {
        case "serverAuth": return .serverAuth
        case "clientAuth": return .clientAuth
        default: return .any
        }
    }

    /// DNS and email as ASCII; IP from its text form.
    static func peerName(_ peer: Peer?) -> [UInt8] {
        guard let peer else { return [] }
        guard peer.kind == "ip" else { return Array(peer.value.utf8) }
        return ipBytes(peer.value)
    }

    static func ipBytes(_ text: String) -> [UInt8] {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return Array(text.utf8)
    }

    /// The core's revocation layout, from (issuer certificate, serial), by the host encoder.
    static func revocationList(_ revoked: [Revoked]) throws -> [UInt8] {
        let entries = try revoked.map { r -> (key: PublicKey, serial: [UInt8]) in
            let issuer = pinned(try Repo.data("scenarios/" + r.issuer))
            return (try Certificate(der: issuer).publicKey, [UInt8](hex: r.serial_hex))
        }
        return try RevocationEncoder.encode(entries)
    }
}

/// Builds the C-layout buffer lists the core takes over pinned buffers.
func withBufferLists<R>(_ a: [UnsafeRawBufferPointer], _ b: [UnsafeRawBufferPointer],
                        _ c: [UnsafeRawBufferPointer],
                        _ body: (CertificateList, CertificateList, CertificateList) throws -> R)
    rethrows -> R
{
    func list(_ x: [UnsafeRawBufferPointer]) -> [iotcert_buffer] {
        x.map { iotcert_buffer(data: $0.baseAddress?.assumingMemoryBound(to: UInt8.self),
                               len: $0.count) }
    }
    let la = list(a), lb = list(b), lc = list(c)
    return try la.withUnsafeBufferPointer { pa in
        try lb.withUnsafeBufferPointer { pb in
            try lc.withUnsafeBufferPointer { pc in
                try body(CertificateList(pa), CertificateList(pb), CertificateList(pc))
            }
        }
    }
}
