// A minimal CRL writer for demonstration PKIs (swift-certificates makes no CRLs): a v2
// CRL with a CRLNumber and an authorityKeyIdentifier, signed ECDSA-SHA256 (deterministic,
// RFC 6979) by a P-256 issuer, in the shape CRLImport accepts (RFC 5280 5.1).

import Crypto
import Foundation
import SwiftASN1

/// DER encoding for tests' hand-made vectors, hostile ones included (non-minimal lengths,
/// 20,000 nested values, high tag numbers written as one byte). Hand-written because
/// swift-asn1's DER.Serializer cannot write most of those, and because it moves the content
/// byte by byte when a length needs more than one byte: 20,000 nested values took 170 s in a
/// debug build, against under a second here. Well-formed structures (the CRL below, ECDSA
/// signatures, re-signed certificates) are written with DER.Serializer.
public enum DERWrite {
    public static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + length(content.count) + content
    }

    /// A DER length (minimal form), for vectors that splice lengths by hand.
    public static func length(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        var bytes: [UInt8] = []
        var v = n
        while v > 0 {
            bytes.insert(UInt8(v & 0xFF), at: 0)
            v >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    public static func sequence(_ parts: [UInt8]...) -> [UInt8] {
        tlv(0x30, parts.flatMap { $0 })
    }

    /// A non-negative INTEGER from its magnitude.
    static func integer(_ magnitude: [UInt8]) -> [UInt8] {
        tlv(0x02, integerContent(magnitude))
    }

    /// The content octets of a non-negative INTEGER: no leading zero, one added when the
    /// top bit is set.
    static func integerContent(_ magnitude: [UInt8]) -> [UInt8] {
        var m = Array(magnitude.drop { $0 == 0 })
        if m.isEmpty { m = [0] }
        if m[0] & 0x80 != 0 { m.insert(0, at: 0) }
        return m
    }
}

public enum CRLBuilder {
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let crlNumberOID: ASN1ObjectIdentifier = [2, 5, 29, 20]
    static let authorityKeyIdentifierOID: ASN1ObjectIdentifier = [2, 5, 29, 35]

    /// A CRL by `issuer` (its Name DER, key identifier and P-256 key) revoking `serials`
    /// (INTEGER content octets), valid from `thisUpdate` to `nextUpdate`:
    ///
    ///   CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
    ///   TBSCertList ::= SEQUENCE { version INTEGER (v2), signature AlgorithmIdentifier,
    ///       issuer Name, thisUpdate Time, nextUpdate Time,
    ///       revokedCertificates SEQUENCE OF SEQUENCE { userCertificate INTEGER,
    ///                                                  revocationDate Time } OPTIONAL,
    ///       crlExtensions [0] EXPLICIT Extensions }
    public static func make(issuerName: [UInt8], issuerKeyID: [UInt8],
                            key: P256.Signing.PrivateKey, serials: [[UInt8]],
                            thisUpdate: Int64, nextUpdate: Int64, number: Int = 1) throws
        -> [UInt8]
    {
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { t in
            try t.serialize(1)  // v2
            try algorithm(&t)
            t.serializeRawBytes(issuerName)
            try time(&t, thisUpdate)
            try time(&t, nextUpdate)
            if !serials.isEmpty {
                try t.appendConstructedNode(identifier: .sequence) { list in
                    for serial in serials {
                        try list.appendConstructedNode(identifier: .sequence) { entry in
                            entry.appendPrimitiveNode(identifier: .integer) {
                                $0.append(contentsOf: DERWrite.integerContent(serial))
                            }
                            try time(&entry, thisUpdate)
                        }
                    }
                }
            }
            try t.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) {
                try $0.appendConstructedNode(identifier: .sequence) { extensions in
                    try self.extension(&extensions, crlNumberOID) { try $0.serialize(number) }
                    try self.extension(&extensions, authorityKeyIdentifierOID) {
                        $0.appendConstructedNode(identifier: .sequence) {
                            $0.appendPrimitiveNode(identifier: ASN1Identifier(
                                tagWithNumber: 0, tagClass: .contextSpecific)) {
                                $0.append(contentsOf: issuerKeyID)
                            }
                        }
                    }
                }
            }
        }
        let tbsDER = tbs.serializedBytes
        let signature = try DeterministicECDSA.sign(hash: [UInt8](SHA256.hash(data: tbsDER)),
                                                    scalar: [UInt8](key.rawRepresentation))
        var crl = DER.Serializer()
        try crl.appendConstructedNode(identifier: .sequence) { c in
            c.serializeRawBytes(tbsDER)
            try algorithm(&c)
            c.appendPrimitiveNode(identifier: .bitString) {
                $0.append(0)  // no unused bits
                $0.append(contentsOf: signature)
            }
        }
        return crl.serializedBytes
    }

    /// AlgorithmIdentifier ::= SEQUENCE { ecdsa-with-SHA256 } (no parameters, RFC 5758).
    static func algorithm(_ s: inout DER.Serializer) throws {
        try s.appendConstructedNode(identifier: .sequence) { try $0.serialize(ecdsaWithSHA256) }
    }

    /// Extension ::= SEQUENCE { extnID, extnValue OCTET STRING } (not critical).
    static func `extension`(_ s: inout DER.Serializer, _ id: ASN1ObjectIdentifier,
                            _ value: (inout DER.Serializer) throws -> Void) throws {
        var inner = DER.Serializer()
        try value(&inner)
        try s.appendConstructedNode(identifier: .sequence) {
            try $0.serialize(id)
            try $0.serialize(ASN1OctetString(contentBytes: inner.serializedBytes[...]))
        }
    }

    /// A CRL time as RFC 5280 5.1.2.4 wants it: UTCTime for the years 1950 through 2049,
    /// GeneralizedTime otherwise; the calendar fields come from Foundation's calendar.
    static func time(_ s: inout DER.Serializer, _ seconds: Int64) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                        from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let (year, month, day) = (c.year ?? 0, c.month ?? 0, c.day ?? 0)
        let (hours, minutes, secs) = (c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        if (1950...2049).contains(year) {
            try s.serialize(UTCTime(year: year, month: month, day: day, hours: hours,
                                    minutes: minutes, seconds: secs))
        } else {
            try s.serialize(GeneralizedTime(year: year, month: month, day: day, hours: hours,
                                            minutes: minutes, seconds: secs,
                                            fractionalSeconds: 0))
        }
    }
}
