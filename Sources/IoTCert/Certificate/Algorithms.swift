// Signature and public-key algorithm identifiers (RFC 5280 4.1.1.2, RFC 5480, RFC 4055).

/// The signature algorithms a certificate may name. The weak ones are recognised so that
/// they can be refused with their own code instead of "unsupported".
public enum SignatureAlgorithm: UInt8 {
    case ecdsaSHA256 = 1
    case ecdsaSHA384 = 2
    case ecdsaSHA512 = 3
    case rsaSHA256 = 4
    case rsaSHA384 = 5
    case rsaSHA512 = 6
    case ecdsaSHA1 = 7
    case rsaSHA1 = 8
    case rsaMD5 = 9

    /// SHA-1 and MD5: collisions are practical, so nothing signed with them is trusted.
    public var isWeak: Bool { rawValue >= SignatureAlgorithm.ecdsaSHA1.rawValue }
    public var isECDSA: Bool {
        self == .ecdsaSHA256 || self == .ecdsaSHA384 || self == .ecdsaSHA512
            || self == .ecdsaSHA1
    }

    /// The port's hash identifier (IOTCERT_HASH_*), for the strong algorithms.
    var hashAlgorithm: UInt32 {
        switch self {
        case .ecdsaSHA256, .rsaSHA256: return 1
        case .ecdsaSHA384, .rsaSHA384: return 2
        case .ecdsaSHA512, .rsaSHA512: return 3
        case .ecdsaSHA1, .rsaSHA1, .rsaMD5: return 0
        }
    }

    var digestLength: Int {
        switch hashAlgorithm {
        case 1: return 32
        case 2: return 48
        default: return 64
        }
    }

    /// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER,
    ///                                    parameters ANY DEFINED BY algorithm OPTIONAL }
    /// ECDSA: parameters absent (RFC 5758 3.2), or an explicit NULL, which Go, Mbed TLS and
    /// OpenSSL accept and some CAs wrote (the strict profile refuses it, checkProfile). RSA:
    /// NULL (RFC 4055 5), absent tolerated. Anything else as parameters is refused.
    init(algorithmIdentifier value: DERValue) throws(IoTCertError) {
        var r = try value.sequenceChildren()
        guard let algorithm = SignatureAlgorithm(named: try r.read().objectIdentifier()) else {
            throw .certUnsupportedSignatureAlgorithm
        }
        if !r.isAtEnd { try r.read().null() }
        try r.finish()
        self = algorithm
    }

    /// The algorithm an OID names: ecdsa-with-SHA256/384/512 (1.2.840.10045.4.3.2-4) and
    /// ecdsa-with-SHA1 (1.2.840.10045.4.1); sha256/384/512WithRSAEncryption
    /// (1.2.840.113549.1.1.11-13), sha1WithRSA (.5), md5WithRSA (.4) and md2WithRSA (.2).
    private init?(named oid: OID) {
        switch oid.lastArc(after: OIDPrefix.ecdsaWithSHA2, count: 7) {
        case 2: self = .ecdsaSHA256
        case 3: self = .ecdsaSHA384
        case 4: self = .ecdsaSHA512
        default:
            switch oid.lastArc(after: OIDPrefix.pkcs1, count: 8) {
            case 0x0B: self = .rsaSHA256
            case 0x0C: self = .rsaSHA384
            case 0x0D: self = .rsaSHA512
            case 0x05: self = .rsaSHA1
            case 0x02, 0x04: self = .rsaMD5
            default:
                guard oid.lastArc(after: OIDPrefix.ecdsaSignatures, count: 6) == 1 else {
                    return nil
                }
                self = .ecdsaSHA1
            }
        }
    }
}

/// The public-key algorithms the core verifies with.
public enum KeyAlgorithm: UInt8 {
    case ecP256 = 1
    case ecP384 = 2
    case rsa = 3
}

/// A subject public key, as views into the certificate or bundle that holds it.
public struct PublicKey {
    public let algorithm: KeyAlgorithm
    /// EC: the uncompressed point (0x04 || X || Y). RSA: the modulus, no leading zero.
    public let key: UnsafeRawBufferPointer
    /// RSA: the public exponent, no leading zero. EC: empty.
    public let exponent: UnsafeRawBufferPointer

    public init(algorithm: KeyAlgorithm, key: UnsafeRawBufferPointer,
                exponent: UnsafeRawBufferPointer) {
        self.algorithm = algorithm
        self.key = key
        self.exponent = exponent
    }

    /// The key size in bits: the curve's, or the modulus's exact bit length.
    public var bits: Int {
        switch algorithm {
        case .ecP256: return 256
        case .ecP384: return 384
        case .rsa:
            guard key.count > 0 else { return 0 }
            return key.count * 8 - key[0].leadingZeroBitCount
        }
    }

    /// Two keys are the same key when algorithm and bytes match.
    public func sameKey(_ other: PublicKey) -> Bool {
        algorithm == other.algorithm && key.bytesEqual(other.key)
            && exponent.bytesEqual(other.exponent)
    }

    /// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
    ///                                     subjectPublicKey BIT STRING }
    /// EC (RFC 5480 2.1.1): parameters are a namedCurve OID; explicit curves are refused.
    /// RSA (RFC 3279 2.3.1): parameters NULL; the key is RSAPublicKey ::= SEQUENCE {
    ///   modulus INTEGER, publicExponent INTEGER }.
    init(subjectPublicKeyInfo value: DERValue) throws(IoTCertError) {
        var r = try value.sequenceChildren()
        let algorithmID = try r.read(.sequence)
        let keyBits = try r.read().octetAlignedBitString()
        try r.finish()
        var a = try algorithmID.children()
        let oid = try a.read().objectIdentifier()
        // id-ecPublicKey (1.2.840.10045.2.1), rsaEncryption (1.2.840.113549.1.1.1).
        if oid.lastArc(after: OIDPrefix.ecPublicKeyTypes, count: 6) == 1 {
            let parameters = try a.read()
            try a.finish()
            guard parameters.tag == .objectIdentifier else { throw .certUnsupportedCurve }
            let curve = try parameters.objectIdentifier()
            let algorithm: KeyAlgorithm
            let pointLength: Int
            // prime256v1 (1.2.840.10045.3.1.7), secp384r1 (1.3.132.0.34).
            if curve.lastArc(after: OIDPrefix.primeCurves, count: 7) == 7 {
                algorithm = .ecP256
                pointLength = 65
            } else if curve.lastArc(after: OIDPrefix.certicomCurves, count: 4) == 34 {
                algorithm = .ecP384
                pointLength = 97
            } else {
                throw .certUnsupportedCurve
            }
            // Only the uncompressed form: compressed points need a square root the port
            // does not promise, and the hybrid form is never used in the Web PKI.
            guard keyBits.count == pointLength, keyBits[0] == 0x04 else {
                throw .certBadPublicKey
            }
            self.init(algorithm: algorithm, key: keyBits, exponent: .empty)
        } else if oid.lastArc(after: OIDPrefix.pkcs1, count: 8) == 1 {
            if !a.isAtEnd { try a.read().null() }
            try a.finish()
            let (modulus, exponent) = try PublicKey.rsaPublicKey(keyBits, depth: algorithmID.depth)
            self.init(algorithm: .rsa, key: modulus, exponent: exponent)
        } else {
            throw .certUnsupportedKeyAlgorithm
        }
    }

    /// RSAPublicKey inside the BIT STRING; any defect in it is a bad key, not bad DER of the
    /// certificate, so that the error names what is wrong.
    private static func rsaPublicKey(_ bits: UnsafeRawBufferPointer, depth: UInt8)
        throws(IoTCertError) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer)
    {
        do {
            var k = DERReader(bits, depth: depth + 1)
            let rsaKey = try k.read(.sequence)
            try k.finish()
            var n = try rsaKey.children()
            let modulus = try n.read().positiveMagnitude()
            let exponent = try n.read().positiveMagnitude()
            try n.finish()
            return (modulus, exponent)
        } catch {
            throw .certBadPublicKey
        }
    }
}
