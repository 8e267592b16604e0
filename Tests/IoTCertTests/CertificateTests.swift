import Foundation
import XCTest

@testable import IoTCert

/// Every certificate the committed generator wrote, parsed and compared field by field with
/// what the generator says it wrote (Tests/Fixtures/pki/manifest.json).
final class CertificateTests: XCTestCase {
    struct Manifest: Decodable {
        let certificates: [Entry]
    }

    struct Key: Decodable {
        let type: String
        let curve: String?
        let point_hex: String?
        let modulus_hex: String?
        let exponent_hex: String?
    }

    struct Extension: Decodable {
        let oid: String
        let critical: Bool
        let value_hex: String
    }

    struct SAN: Decodable {
        let type: String
        let value: String
    }

    struct Constraints: Decodable {
        let permitted: [SAN]
        let excluded: [SAN]
    }

    struct Entry: Decodable {
        let file: String
        let expect_parse: String
        let version: Int?
        let serial_hex: String?
        let issuer_der_hex: String?
        let subject_der_hex: String?
        let not_before: Int64?
        let not_after: Int64?
        let signature_algorithm: String?
        let signature_hex: String?
        let key: Key?
        let extensions: [Extension]?
        let is_ca: Bool?
        let path_len: Int?
        let key_usage: [String]?
        let eku: [String]?
        let san: [SAN]?
        let name_constraints: Constraints?
        let ski_hex: String?
        let aki_keyid_hex: String?
        let has_unknown_critical: Bool?
    }

    static func manifest() throws -> Manifest {
        let data = try Data(contentsOf: Repo.fixtures.appendingPathComponent("pki/manifest.json"))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    func testManifestIsNotEmpty() throws {
        let m = try Self.manifest()
        XCTAssertGreaterThan(m.certificates.filter { $0.expect_parse == "ok" }.count, 10)
        XCTAssertGreaterThan(m.certificates.filter { $0.expect_parse != "ok" }.count, 5)
    }

    func testEveryCertificateParsesAsTheGeneratorSays() throws {
        for entry in try Self.manifest().certificates {
            let der = pinned(try Repo.data("pki/" + entry.file))
            if entry.expect_parse == "ok" {
                do {
                    try compare(entry, try Certificate(der: der))
                } catch let error as IoTCertError {
                    XCTFail("\(entry.file): expected to parse, got \(error)")
                }
            } else {
                let error = errorOf { _ = try Certificate(der: der) }
                XCTAssertEqual(error.map { "\($0)" }, entry.expect_parse, entry.file)
            }
        }
    }

    private func compare(_ e: Entry, _ c: Certificate) throws {
        let f = e.file
        if let v = e.version { XCTAssertEqual(Int(c.version), v, f) }
        if let s = e.serial_hex { XCTAssertEqual(c.serial.array.hex, s.lowercased(), f) }
        if let s = e.issuer_der_hex { XCTAssertEqual(c.issuer.array.hex, s.lowercased(), f) }
        if let s = e.subject_der_hex { XCTAssertEqual(c.subject.array.hex, s.lowercased(), f) }
        if let t = e.not_before { XCTAssertEqual(c.notBefore, t, f) }
        if let t = e.not_after { XCTAssertEqual(c.notAfter, t, f) }
        if let a = e.signature_algorithm { XCTAssertEqual(name(c.signatureAlgorithm), a, f) }
        if let s = e.signature_hex { XCTAssertEqual(c.signature.array.hex, s.lowercased(), f) }
        if let k = e.key { compareKey(k, c.publicKey, f) }
        compareExtensions(e, c.extensions, f)
    }

    private func name(_ a: SignatureAlgorithm) -> String {
        switch a {
        case .ecdsaSHA256: return "ecdsa-sha256"
        case .ecdsaSHA384: return "ecdsa-sha384"
        case .ecdsaSHA512: return "ecdsa-sha512"
        case .rsaSHA256: return "rsa-sha256"
        case .rsaSHA384: return "rsa-sha384"
        case .rsaSHA512: return "rsa-sha512"
        case .ecdsaSHA1: return "ecdsa-sha1"
        case .rsaSHA1: return "rsa-sha1"
        case .rsaMD5: return "rsa-md5"
        }
    }

    private func compareKey(_ k: Key, _ p: PublicKey, _ f: String) {
        switch k.type {
        case "ec":
            XCTAssertEqual(p.algorithm, k.curve == "P-384" ? .ecP384 : .ecP256, f)
            XCTAssertEqual(p.key.array.hex, k.point_hex?.lowercased(), f)
        case "rsa":
            XCTAssertEqual(p.algorithm, .rsa, f)
            XCTAssertEqual(p.key.array.hex, k.modulus_hex?.lowercased(), f)
            XCTAssertEqual(p.exponent.array.hex, k.exponent_hex?.lowercased(), f)
        default:
            XCTFail("\(f): parsed a key of type \(k.type)")
        }
    }

    private static let usageNames = ["digitalSignature", "nonRepudiation", "keyEncipherment",
                                     "dataEncipherment", "keyAgreement", "keyCertSign",
                                     "cRLSign", "encipherOnly", "decipherOnly"]

    private func compareExtensions(_ e: Entry, _ x: Extensions, _ f: String) {
        if let list = e.extensions { XCTAssertEqual(Int(x.count), list.count, f) }
        XCTAssertEqual(x.hasBasicConstraints ? x.isCA : nil, e.is_ca, f)
        XCTAssertEqual(x.pathLength >= 0 ? Int(x.pathLength) : nil, e.path_len, f)
        let usage = x.keyUsage.map { bits in
            Self.usageNames.enumerated().filter { bits & (1 << UInt16($0.offset)) != 0 }
                .map { $0.element }
        }
        XCTAssertEqual(usage.map(Set.init), e.key_usage.map(Set.init), f)
        if let eku = e.eku {
            let want = ExtendedKeyUsage(raw: eku.reduce(0) { bits, oid in
                switch oid {
                case "1.3.6.1.5.5.7.3.1": return bits | ExtendedKeyUsage.serverAuth.raw
                case "1.3.6.1.5.5.7.3.2": return bits | ExtendedKeyUsage.clientAuth.raw
                case "2.5.29.37.0": return bits | ExtendedKeyUsage.any.raw
                default: return bits | ExtendedKeyUsage.other.raw
                }
            })
            XCTAssertEqual(x.extendedKeyUsage, want, f)
        } else {
            XCTAssertNil(x.extendedKeyUsage, f)
        }
        XCTAssertEqual(names(x.subjectAltName), e.san.map { $0.map(render) }, f)
        if let nc = e.name_constraints {
            XCTAssertTrue(x.hasNameConstraints, f)
            XCTAssertEqual(subtrees(x.permittedSubtrees), nc.permitted.map(render), f)
            XCTAssertEqual(subtrees(x.excludedSubtrees), nc.excluded.map(render), f)
        } else {
            XCTAssertFalse(x.hasNameConstraints, f)
        }
        if let ski = e.ski_hex { XCTAssertEqual(x.subjectKeyID.array.hex, ski.lowercased(), f) }
        if let aki = e.aki_keyid_hex {
            XCTAssertEqual(x.authorityKeyID.array.hex, aki.lowercased(), f)
        }
        if let u = e.has_unknown_critical {
            // Critical policy controls count as unhandled: policy processing is not
            // implemented, so such a certificate must be refused, not half-validated.
            let policyControls: Set = ["2.5.29.36", "2.5.29.33", "2.5.29.54"]
            let criticalPolicy = (e.extensions ?? []).contains {
                $0.critical && policyControls.contains($0.oid)
            }
            XCTAssertEqual(x.hasUnhandledCriticalExtension, u || criticalPolicy, f)
        }
    }

    private func render(_ s: SAN) -> String { "\(s.type):\(s.value.lowercased())" }

    private func render(_ n: GeneralName) -> String {
        switch n.kind {
        case .dnsName: return "dns:" + String(decoding: n.value.array, as: UTF8.self).lowercased()
        case .rfc822Name:
            return "email:" + String(decoding: n.value.array, as: UTF8.self).lowercased()
        case .uri: return "uri:" + String(decoding: n.value.array, as: UTF8.self).lowercased()
        case .ipAddress: return "ip:" + n.value.array.hex
        case .directoryName: return "dirname:" + n.value.array.hex
        default: return "other:" + n.value.array.hex
        }
    }

    private func names(_ content: UnsafeRawBufferPointer?) -> [String]? {
        guard let content else { return nil }
        var it = GeneralNameIterator(content)
        var out: [String] = []
        while let n = it.next() { out.append(render(n)) }
        return out
    }

    private func subtrees(_ content: UnsafeRawBufferPointer) -> [String] {
        var it = GeneralSubtreeIterator(content)
        var out: [String] = []
        while let n = it.next() { out.append(render(n)) }
        return out
    }
}
