// A certificate held on the host: its DER in memory that never moves (the core's views
// point into it), the core's own parse of it, and the facts reports need, copied out as
// values. Parsing with the core, not with another library, is the point: what the packer
// keeps or drops is what the device could or could not read.

import CIoTCert
import Foundation
import IoTCert

/// Bytes at a fixed address for as long as the object lives.
public final class PinnedBytes {
    private let memory: UnsafeMutableRawBufferPointer
    public let count: Int

    public init(_ bytes: [UInt8]) {
        count = bytes.count
        memory = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        memory.copyBytes(from: bytes)
    }

    deinit { memory.deallocate() }

    public var buffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: memory[0..<count])
    }
}

extension IoTCertError {
    /// "pathExpired (A certificate's notAfter is before the verification time.)".
    public var explained: String { "\(self) (\(message.description))" }
}

public final class HostCertificate {
    /// Where it came from ("roots/a.pem", "chain.pem#2").
    public let source: String
    public let der: [UInt8]
    private let pinned: PinnedBytes
    /// The core's view (into `pinned`).
    public let certificate: IoTCert.Certificate
    public let subject: [UInt8]
    public let issuer: [UInt8]
    public let key: [UInt8]
    public let exponent: [UInt8]
    public let serial: [UInt8]

    /// Reads `der` with the core. Throws the core's code when the device could not read it.
    public init(der: [UInt8], source: String) throws(IoTCertError) {
        self.source = source
        self.der = der
        pinned = PinnedBytes(der)
        certificate = try IoTCert.Certificate(der: pinned.buffer)
        subject = [UInt8](certificate.subject)
        issuer = [UInt8](certificate.issuer)
        key = [UInt8](certificate.publicKey.key)
        exponent = [UInt8](certificate.publicKey.exponent)
        serial = [UInt8](certificate.serial)
    }

    public var subjectText: String { NameText.format(subject) }
    public var issuerText: String { NameText.format(issuer) }
    public var notBefore: Int64 { certificate.notBefore }
    public var notAfter: Int64 { certificate.notAfter }
    public var publicKey: PublicKey { certificate.publicKey }
    public var signatureAlgorithm: SignatureAlgorithm { certificate.signatureAlgorithm }
    public var extensions: Extensions { certificate.extensions }
    public var isSelfIssued: Bool { subject == issuer }

    /// "EC P-256", "RSA 4096".
    public var keyText: String { KeyText.describe(publicKey) }

    /// Same subject and same key: the same CA, whoever certified it.
    public func sameEntity(_ other: HostCertificate) -> Bool {
        subject == other.subject && key == other.key && exponent == other.exponent
    }

    /// Whether `issuerKey` verifies this certificate's signature (through the core's crypto
    /// port, as on the device). Weak algorithms and wrong keys are "no".
    public func isSigned(by issuerKey: PublicKey) -> IoTCertError? {
        do throws(IoTCertError) {
            try SignatureCheck.verify(certificate.tbs, signature: certificate.signature,
                                      algorithm: certificate.signatureAlgorithm, key: issuerKey)
            return nil
        } catch {
            return error
        }
    }

    /// First bytes of SHA-256 over the DER, as hex (to tell certificates apart in reports).
    public var fingerprint: String { Array(sha256(der).prefix(8)).hexString }

    /// The SubjectPublicKeyInfo's DER (ESP-IDF's bundle stores it whole).
    public var subjectPublicKeyInfo: [UInt8] {
        der.withUnsafeBytes { b in
            (try? CertificateFields.subjectPublicKeyInfo(b)).map { [UInt8]($0) } ?? []
        }
    }

    /// The nameConstraints extension value (a NameConstraints SEQUENCE), when present.
    public var nameConstraintsDER: [UInt8]? {
        guard extensions.hasNameConstraints else { return nil }
        return try? AnchorSpec(certificate: der).nameConstraints
    }
}

/// Fields the core locates but does not expose, found with its DER reader.
enum CertificateFields {
    static func subjectPublicKeyInfo(_ der: UnsafeRawBufferPointer) throws(IoTCertError)
        -> UnsafeRawBufferPointer
    {
        var outer = DERReader(der)
        var c = try outer.read(.sequence).children()
        var t = try c.read(.sequence).children()
        _ = try t.readIfPresent(.context(0, constructed: true))
        for _ in 0..<5 { _ = try t.read() }  // serial, signature, issuer, validity, subject
        return try t.read(.sequence).encoded
    }
}

public enum KeyText {
    public static func describe(_ key: PublicKey) -> String {
        switch key.algorithm {
        case .ecP256: return "EC P-256"
        case .ecP384: return "EC P-384"
        case .rsa: return "RSA \(key.bits)"
        }
    }

    public static func describe(_ algorithm: SignatureAlgorithm) -> String {
        switch algorithm {
        case .ecdsaSHA256: return "ECDSA-SHA256"
        case .ecdsaSHA384: return "ECDSA-SHA384"
        case .ecdsaSHA512: return "ECDSA-SHA512"
        case .rsaSHA256: return "RSA-SHA256"
        case .rsaSHA384: return "RSA-SHA384"
        case .rsaSHA512: return "RSA-SHA512"
        case .ecdsaSHA1: return "ECDSA-SHA1"
        case .rsaSHA1: return "RSA-SHA1"
        case .rsaMD5: return "RSA-MD5"
        }
    }

    /// Key usage bit names, as RFC 5280 4.2.1.3 spells them.
    public static func keyUsage(_ bits: UInt16) -> [String] {
        let names = ["digitalSignature", "nonRepudiation", "keyEncipherment",
                     "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign",
                     "encipherOnly", "decipherOnly"]
        return names.indices.filter { bits & (1 << UInt16($0)) != 0 }.map { names[$0] }
    }

    public static func extendedKeyUsage(_ eku: ExtendedKeyUsage) -> [String] {
        var out: [String] = []
        if eku.contains(.serverAuth) { out.append("serverAuth") }
        if eku.contains(.clientAuth) { out.append("clientAuth") }
        if eku.contains(.any) { out.append("anyExtendedKeyUsage") }
        if eku.contains(.other) { out.append("other") }
        return out
    }
}
