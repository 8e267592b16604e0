// Bundle-signing keys on the host: an ECDSA P-256 key signs the trailer's SHA-256 digest
// (docs/bundle-format.md, "Trailer"); a device pins the public key and accepts an update
// only when the signature verifies. Keys are read from PEM with swift-crypto.

import Crypto
import Foundation

public enum BundleKeyError: Error, CustomStringConvertible {
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        }
    }
}

/// A bundle-signing key.
public struct BundleSigner {
    public let key: P256.Signing.PrivateKey

    public init(key: P256.Signing.PrivateKey) {
        self.key = key
    }

    /// Reads a P-256 private key ("EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY" PEM).
    public init(pemFile path: String) throws {
        let text = try FileIO.readText(path)
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: text)
        } catch {
            throw BundleKeyError.unreadable(path, "not an ECDSA P-256 private key in PEM "
                + "(EC PRIVATE KEY or PRIVATE KEY): \(error)")
        }
    }

    /// The uncompressed point a device pins (65 bytes).
    public var publicKeyPoint: [UInt8] { [UInt8](key.publicKey.x963Representation) }

    /// A DER ECDSA signature over `digest`, which is already SHA-256 of the signed bytes:
    /// signing it as a prehashed digest gives exactly what the port verifies. Deterministic
    /// (RFC 6979): the same bundle signed twice is the same bytes.
    public func sign(digest: [UInt8]) throws -> [UInt8] {
        try DeterministicECDSA.sign(hash: digest, scalar: [UInt8](key.rawRepresentation))
    }

    /// The closure BundleWriter.write takes.
    public var signFunction: ([UInt8]) throws -> [UInt8] { { try sign(digest: $0) } }
}

/// Reads the public key a bundle must be signed by: a "PUBLIC KEY" PEM, or the private key
/// file itself (its public half). Returns the uncompressed point.
public func readBundlePublicKey(_ path: String) throws -> [UInt8] {
    let text = try FileIO.readText(path)
    if let key = try? P256.Signing.PublicKey(pemRepresentation: text) {
        return [UInt8](key.x963Representation)
    }
    if let key = try? P256.Signing.PrivateKey(pemRepresentation: text) {
        return [UInt8](key.publicKey.x963Representation)
    }
    throw BundleKeyError.unreadable(path, "neither a P-256 PUBLIC KEY nor a P-256 private key "
        + "in PEM")
}
