// The core's only road to cryptography: the platform port (Include/iotcert_port.h).

import CIoTCert

/// 64 bytes of stack for one digest (SHA-512 is the largest).
struct DigestBuffer {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0)
}

enum Crypto {
    /// Hashes the concatenation of up to two byte ranges with the port.
    static func hash(_ algorithm: UInt32, _ a: UnsafeRawBufferPointer,
                     _ b: UnsafeRawBufferPointer = .empty,
                     into out: UnsafeMutableRawBufferPointer) throws(IoTCertError) {
        var chunks = (
            iotcert_port_chunk(data: a.baseAddress?.assumingMemoryBound(to: UInt8.self),
                               len: a.count),
            iotcert_port_chunk(data: b.baseAddress?.assumingMemoryBound(to: UInt8.self),
                               len: b.count))
        let status = withUnsafeMutablePointer(to: &chunks) { pointer in
            pointer.withMemoryRebound(to: iotcert_port_chunk.self, capacity: 2) { p in
                iotcert_port_hash(algorithm, p, b.count == 0 ? 1 : 2,
                                  out.baseAddress?.assumingMemoryBound(to: UInt8.self))
            }
        }
        try check(status)
    }

    /// Verifies that `signature` made with `algorithm` over `signed` is valid for `key`.
    /// Weak algorithms are refused before any work; a key of the wrong type for the
    /// algorithm is a bad signature (the certificate cannot have been signed by it).
    static func verify(_ signed: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer,
                       algorithm: SignatureAlgorithm, key: PublicKey) throws(IoTCertError) {
        guard !algorithm.isWeak else { throw .certWeakSignatureAlgorithm }
        var digest = DigestBuffer()
        let length = algorithm.digestLength
        let status: Int32 = try withUnsafeMutableBytes(of: &digest) {
            (buffer) throws(IoTCertError) -> Int32 in
            let out = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length])
            try hash(algorithm.hashAlgorithm, signed, into: out)
            let h = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let s = signature.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let k = key.key.baseAddress?.assumingMemoryBound(to: UInt8.self)
            switch key.algorithm {
            case .ecP256, .ecP384:
                guard algorithm.isECDSA else { return IOTCERT_PORT_BAD_SIGNATURE }
                let curve = key.algorithm == .ecP256 ? IOTCERT_CURVE_P256 : IOTCERT_CURVE_P384
                return iotcert_port_ecdsa_verify(curve, k, key.key.count, h, length,
                                                 s, signature.count)
            case .rsa:
                guard !algorithm.isECDSA, signature.count == key.key.count else {
                    return IOTCERT_PORT_BAD_SIGNATURE
                }
                let e = key.exponent.baseAddress?.assumingMemoryBound(to: UInt8.self)
                return iotcert_port_rsa_verify(k, key.key.count, e, key.exponent.count,
                                               algorithm.hashAlgorithm, h, length,
                                               s, signature.count)
            }
        }
        try check(status)
    }

    /// The issuer id revocation records use: SHA-256 over the key bytes, first 16 bytes.
    static func keyID(_ key: PublicKey, into out: UnsafeMutableRawBufferPointer)
        throws(IoTCertError)
    {
        var digest = DigestBuffer()
        try withUnsafeMutableBytes(of: &digest) { (buffer) throws(IoTCertError) in
            let full = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<32])
            try hash(IOTCERT_HASH_SHA256, key.key, into: full)
            for i in 0..<revocationIssuerIDLength { out[i] = full[i] }
        }
    }

    private static func check(_ status: Int32) throws(IoTCertError) {
        switch status {
        case IOTCERT_PORT_OK: return
        case IOTCERT_PORT_BAD_SIGNATURE: throw .pathBadSignature
        case IOTCERT_PORT_UNSUPPORTED: throw .cryptoUnsupported
        default: throw .cryptoFailure
        }
    }
}

/// Host-facing access to the checks the core makes through the port, for tools that must
/// judge other signed objects (CRLs, bundles) the same way.
public enum SignatureCheck {
    /// Verifies `signature` by `key` over `signed`; throws pathBadSignature when it does not
    /// verify, certWeakSignatureAlgorithm for SHA-1/MD5.
    public static func verify(_ signed: UnsafeRawBufferPointer,
                              signature: UnsafeRawBufferPointer,
                              algorithm: SignatureAlgorithm, key: PublicKey) throws(IoTCertError) {
        try Crypto.verify(signed, signature: signature, algorithm: algorithm, key: key)
    }

    /// The 16-byte issuer id revocation records use for `key` (see Revocation.swift).
    public static func revocationIssuerID(_ key: PublicKey, into out: UnsafeMutableRawBufferPointer)
        throws(IoTCertError)
    {
        guard out.count >= revocationIssuerIDLength else { throw .invalidArgument }
        try Crypto.keyID(key, into: out)
    }
}

extension SignatureAlgorithm {
    /// Reads an AlgorithmIdentifier naming a signature algorithm (for CRLs and other signed
    /// objects on the host).
    public static func decode(_ value: DERValue) throws(IoTCertError) -> SignatureAlgorithm {
        try SignatureAlgorithm(algorithmIdentifier: value)
    }
}
