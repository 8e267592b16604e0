// Certificates for demonstration and test PKIs, made with swift-certificates: roots,
// intermediates, cross-signs and leaves shaped as the core's RFC 5280 profile checks want
// them (critical basicConstraints and a subjectKeyIdentifier on CAs, an
// authorityKeyIdentifier on everything not self-signed, the host name in the SAN and CN).

import Crypto
import Foundation
import X509

/// A certificate made here, with the key that it certifies.
public struct MadeCertificate {
    public let der: [UInt8]
    public let name: DistinguishedName
    public let key: DemoKey
    public let notBefore: Int64
    public let notAfter: Int64

    public var pem: String { PEMText.encode(der, label: "CERTIFICATE") }

    /// The key identifier others name it by (SHA-1 of the key, RFC 5280 4.2.1.2 (1)).
    var keyIdentifier: ArraySlice<UInt8> {
        SubjectKeyIdentifier(hash: key.publicKey).keyIdentifier
    }
}

public enum LeafPurpose {
    case server, client
}

public enum PKIBuilder {
    /// A self-signed root.
    public static func root(_ commonName: String, key: DemoKey, notBefore: Int64,
                            notAfter: Int64) throws -> MadeCertificate {
        let name = try demoName(commonName)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: key.publicKey)
        }
        return try make(name: name, key: key, issuerName: name, issuerKey: key,
                        notBefore: notBefore, notAfter: notAfter, extensions: extensions)
    }

    /// A CA certificate for `key` named `commonName`, issued by `issuer`: an intermediate,
    /// or, when name and key are a root's, a cross-sign of that root.
    public static func ca(_ commonName: String, key: DemoKey, issuer: MadeCertificate,
                          notBefore: Int64, notAfter: Int64,
                          pathLength: Int? = nil) throws -> MadeCertificate {
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: pathLength))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: key.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: issuer.keyIdentifier)
        }
        return try make(name: try demoName(commonName), key: key, issuerName: issuer.name,
                        issuerKey: issuer.key, notBefore: notBefore, notAfter: notAfter,
                        extensions: extensions)
    }

    /// A TLS server (DNS name) or client (device identity) certificate.
    public static func leaf(_ host: String, purpose: LeafPurpose, key: DemoKey,
                            issuer: MadeCertificate, notBefore: Int64,
                            notAfter: Int64) throws -> MadeCertificate {
        let usage: ExtendedKeyUsage.Usage = purpose == .server ? .serverAuth : .clientAuth
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([usage])
            SubjectAlternativeNames([.dnsName(host)])
            SubjectKeyIdentifier(hash: key.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: issuer.keyIdentifier)
        }
        let name = try DistinguishedName { CommonName(host) }
        return try make(name: name, key: key, issuerName: issuer.name, issuerKey: issuer.key,
                        notBefore: notBefore, notAfter: notAfter, extensions: extensions)
    }

    static func demoName(_ commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            OrganizationName("iotcert demo")
            CommonName(commonName)
        }
    }

    static func make(name: DistinguishedName, key: DemoKey, issuerName: DistinguishedName,
                     issuerKey: DemoKey, notBefore: Int64, notAfter: Int64,
                     extensions: Certificate.Extensions) throws -> MadeCertificate {
        // Deterministic serials: a digest of what the certificate says, top bit clear so
        // the INTEGER is positive without a leading zero.
        var serial = Array(SHA256.hash(data: Array("\(name)|\(issuerName)|\(notBefore)|"
            .utf8) + Array(key.pem.utf8)).prefix(16))
        serial[0] = serial[0] & 0x7F | 0x40
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(bytes: serial), publicKey: key.publicKey,
            notValidBefore: Date(timeIntervalSince1970: TimeInterval(notBefore)),
            notValidAfter: Date(timeIntervalSince1970: TimeInterval(notAfter)),
            issuer: issuerName, subject: name, signatureAlgorithm: issuerKey.signatureAlgorithm,
            extensions: extensions, issuerPrivateKey: issuerKey.privateKey)
        // swift-certificates signs with a random ECDSA nonce; the signature is made again,
        // deterministically, so that the same seed gives the same bytes (RSA PKCS#1 v1.5 is
        // deterministic already).
        var der = try certificate.serializeAsPEM().derBytes
        if let scalar = issuerKey.scalar {
            der = try DeterministicECDSA.resign(certificate: der, scalar: scalar)
        }
        return MadeCertificate(der: der, name: name, key: key, notBefore: notBefore,
                               notAfter: notAfter)
    }
}

/// PEM text for DER (RFC 7468: 64-column base64 lines).
public enum PEMText {
    public static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex)
                ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
