// Keys derived from a seed text, so that `iotcert gen --seed S` makes the same keys, names
// and validity on every run. EC private keys are a hash of the seed and a label; RSA keys
// come from Mbed TLS's prime search fed by a seeded byte stream. Not for real keys: the seed is the
// whole secret and is typed on a command line.

import Crypto
import _CryptoExtras
import Foundation
import IoTCertHostC
import X509

/// A key pair for the demonstration PKI.
public struct DemoKey {
    public enum Kind: Equatable {
        case p256, p384
        case rsa(bits: Int)
    }

    public let kind: Kind
    public let privateKey: X509.Certificate.PrivateKey
    /// The private key as PEM (PKCS#8 for RSA, SEC 1 for EC), for keys/ files.
    public let pem: String
    /// The swift-crypto key when P-256 (it signs the demonstration CRL).
    public var p256: P256.Signing.PrivateKey?
    /// The private scalar of an EC key (big-endian), for deterministic signatures.
    public var scalar: [UInt8]?

    public var publicKey: X509.Certificate.PublicKey { privateKey.publicKey }

    /// The signature algorithm this key signs certificates with: the hash matches the
    /// curve's strength for EC (CABF 7.1.3.2), SHA-256 for RSA.
    public var signatureAlgorithm: X509.Certificate.SignatureAlgorithm {
        switch kind {
        case .p256: return .ecdsaWithSHA256
        case .p384: return .ecdsaWithSHA384
        case .rsa: return .sha256WithRSAEncryption
        }
    }

    /// The key `label` of the PKI seeded by `seed`.
    public static func derive(_ kind: Kind, seed: String, label: String) throws -> DemoKey {
        var stream = SeededBytes(seed: seed, label: label)
        switch kind {
        case .p256:
            // A 32-byte string is a valid scalar unless it is 0 or >= n (chance 2^-32).
            while true {
                if let k = try? P256.Signing.PrivateKey(rawRepresentation: stream.next(32)) {
                    return DemoKey(kind: kind, privateKey: .init(k), pem: k.pemRepresentation,
                                   p256: k, scalar: [UInt8](k.rawRepresentation))
                }
            }
        case .p384:
            while true {
                if let k = try? P384.Signing.PrivateKey(rawRepresentation: stream.next(48)) {
                    return DemoKey(kind: kind, privateKey: .init(k), pem: k.pemRepresentation,
                                   scalar: [UInt8](k.rawRepresentation))
                }
            }
        case .rsa(let bits):
            let k = try SeededRSA.generate(bits: bits, stream: &stream)
            return DemoKey(kind: kind, privateKey: .init(k), pem: k.pemRepresentation)
        }
    }
}

/// SHA-256 in counter mode over (seed, label): a deterministic byte stream.
struct SeededBytes {
    let prefix: [UInt8]
    var counter: UInt64 = 0
    var buffer: [UInt8] = []

    init(seed: String, label: String) {
        prefix = Array("iotcert demo key|\(seed)|\(label)|".utf8)
    }

    mutating func next(_ n: Int) -> [UInt8] {
        while buffer.count < n {
            var input = prefix
            for i in 0..<8 { input.append(UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i)))) }
            buffer += Array(SHA256.hash(data: input))
            counter += 1
        }
        defer { buffer.removeFirst(n) }
        return Array(buffer.prefix(n))
    }
}

/// RSA keys from the seed, by Mbed TLS's prime search over a seeded stream (C, in
/// IoTCertHostC): e = 65537, the same key for the same seed and Mbed TLS version.
enum SeededRSA {
    static func generate(bits: Int, stream: inout SeededBytes) throws -> _RSA.Signing.PrivateKey {
        let seed = stream.next(32)
        var n = [UInt8](repeating: 0, count: bits / 8)
        var d = n
        var p = [UInt8](repeating: 0, count: bits / 16)
        var q = p
        let status = iotcert_host_rsa_from_seed(seed, seed.count, UInt32(bits), &n, &d, &p, &q)
        guard status == 0 else {
            throw BundleKeyError.unreadable("seeded RSA", "Mbed TLS error \(status)")
        }
        return try _RSA.Signing.PrivateKey(n: n, e: [0x01, 0x00, 0x01], d: d, p: p, q: q)
    }
}
