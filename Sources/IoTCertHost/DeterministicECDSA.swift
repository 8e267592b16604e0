// Deterministic ECDSA (RFC 6979) through Mbed TLS (IoTCertHostC), so that `iotcert gen` makes
// the same PKI byte for byte on every run and a re-packed signed bundle repeats exactly.
// swift-crypto's ECDSA draws a random nonce and has no deterministic mode. The signature's
// DER (Ecdsa-Sig-Value) and the re-signed certificate are written with swift-asn1.

import Crypto
import IoTCertHostC
import SwiftASN1

public enum DeterministicECDSA {
    /// Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } over `hash` with the private
    /// `scalar` of a P-256 (32 bytes) or P-384 (48 bytes) key.
    public static func sign(hash: [UInt8], scalar: [UInt8]) throws -> [UInt8] {
        let size = scalar.count
        var r = [UInt8](repeating: 0, count: size)
        var s = r
        let status = iotcert_host_ecdsa_sign_det(UInt32(size * 8), scalar, size, hash, hash.count,
                                                 &r, &s)
        guard status == 0 else {
            throw BundleKeyError.unreadable("deterministic ECDSA", "Mbed TLS error \(status)")
        }
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: .sequence) { sequence in
            for part in [r, s] {
                sequence.appendPrimitiveNode(identifier: .integer) {
                    $0.append(contentsOf: DERWrite.integerContent(part))
                }
            }
        }
        return serializer.serializedBytes
    }

    /// `certificate` (DER) with its signature replaced by a deterministic one by the issuer's
    /// EC `scalar`: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
    /// signatureValue BIT STRING }, the first two kept byte for byte.
    public static func resign(certificate: [UInt8], scalar: [UInt8]) throws -> [UInt8] {
        let root = try DER.parse(certificate)
        guard case .constructed(let children) = root.content else {
            throw ASN1Error.unexpectedFieldType(root.identifier)
        }
        var nodes = children.makeIterator()
        guard let tbs = nodes.next(), let algorithm = nodes.next() else {
            throw ASN1Error.invalidASN1Object(reason: "certificate without TBS and algorithm")
        }
        let tbsBytes = [UInt8](tbs.encodedBytes)
        let hash = scalar.count == 48 ? [UInt8](SHA384.hash(data: tbsBytes))
            : [UInt8](SHA256.hash(data: tbsBytes))
        let signature = try sign(hash: hash, scalar: scalar)
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: .sequence) { sequence in
            sequence.serializeRawBytes(tbsBytes)
            sequence.serializeRawBytes(algorithm.encodedBytes)
            sequence.appendPrimitiveNode(identifier: .bitString) {
                $0.append(0)  // no unused bits
                $0.append(contentsOf: signature)
            }
        }
        return serializer.serializedBytes
    }
}
