// A minimal CRL writer for demonstration PKIs (swift-certificates makes no CRLs): a v2
// CRL with a CRLNumber and an authorityKeyIdentifier, signed ECDSA-SHA256 (deterministic,
// RFC 6979) by a P-256 issuer, in the shape CRLImport accepts (RFC 5280 5.1).

import Crypto
import Foundation
import SwiftASN1

/// DER encoding for host-side writers (the CRL writer here, tests' hand-made vectors), over
/// swift-asn1's DER.Serializer.
public enum DERWrite {
    static let tagClasses: [ASN1Identifier.TagClass] = [.universal, .application,
                                                        .contextSpecific, .private]

    /// One value of a one-byte identifier `tag`. A tag byte of the high-tag-number form
    /// (low five bits all set) is written as given: only hand-made hostile vectors use it,
    /// and the serializer would encode a different identifier.
    public static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        guard tag & 0x1F != 0x1F else { return [tag] + length(content.count) + content }
        let identifier = ASN1Identifier(tagWithNumber: UInt(tag & 0x1F),
                                        tagClass: tagClasses[Int(tag >> 6)])
        var serializer = DER.Serializer()
        if tag & 0x20 != 0 {
            serializer.appendConstructedNode(identifier: identifier) {
                $0.serializeRawBytes(content)
            }
        } else {
            serializer.appendPrimitiveNode(identifier: identifier) {
                $0.append(contentsOf: content)
            }
        }
        return serializer.serializedBytes
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

    /// UTCTime YYMMDDHHMMSSZ (RFC 5280 5.1.2.4: UTCTime through 2049).
    static func utcTime(_ seconds: Int64) -> [UInt8] {
        let text = TimeText.format(seconds)  // 2025-01-31T12:00:00Z
        let digits = text.filter(\.isNumber)
        return tlv(0x17, Array((String(digits.dropFirst(2)) + "Z").utf8))
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
    /// A CRL by `issuer` (its Name DER, key identifier and P-256 key) revoking `serials`
    /// (INTEGER content octets), valid from `thisUpdate` to `nextUpdate`.
    public static func make(issuerName: [UInt8], issuerKeyID: [UInt8],
                            key: P256.Signing.PrivateKey, serials: [[UInt8]],
                            thisUpdate: Int64, nextUpdate: Int64, number: Int = 1) throws
        -> [UInt8]
    {
        let algorithm = DERWrite.sequence([0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04,
                                           0x03, 0x02])  // ecdsa-with-SHA256
        let entries = serials.map {
            DERWrite.sequence(DERWrite.integer($0), DERWrite.utcTime(thisUpdate))
        }
        let crlNumber = DERWrite.sequence(
            [0x06, 0x03, 0x55, 0x1D, 0x14],
            DERWrite.tlv(0x04, DERWrite.integer([UInt8(number & 0xFF)])))
        let aki = DERWrite.sequence(
            [0x06, 0x03, 0x55, 0x1D, 0x23],
            DERWrite.tlv(0x04, DERWrite.sequence(DERWrite.tlv(0x80, issuerKeyID))))
        var tbs = DERWrite.integer([1]) + algorithm + issuerName
        tbs += DERWrite.utcTime(thisUpdate) + DERWrite.utcTime(nextUpdate)
        if !entries.isEmpty { tbs += DERWrite.tlv(0x30, entries.flatMap { $0 }) }
        tbs += DERWrite.tlv(0xA0, DERWrite.sequence(crlNumber, aki))
        let tbsDER = DERWrite.tlv(0x30, tbs)
        let signature = try DeterministicECDSA.sign(hash: [UInt8](SHA256.hash(data: tbsDER)),
                                                    scalar: [UInt8](key.rawRepresentation))
        return DERWrite.sequence(tbsDER, algorithm, DERWrite.tlv(0x03, [0] + signature))
    }
}
