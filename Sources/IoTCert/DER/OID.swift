// Object identifiers the core recognises. An OID's content octets (at most 16 for every OID we
// act on) are packed big-endian into two 64-bit words, so recognising one is two integer
// compares and the table costs no storage: each constant is a computed property.

/// An OBJECT IDENTIFIER's content octets, with a packed form for comparison.
/// Two words, so that it comes back from `objectIdentifier()` in registers; the packed form
/// is made only where an OID is compared.
public struct OID {
    /// The content octets as found in the input.
    public let bytes: UnsafeRawBufferPointer
    /// The packed form; `count > 16` never equals a known OID.
    var key: OIDKey { OIDKey(bytes) }

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The last octet, when the OID is the `count` octets of `prefix` (right-aligned) and
    /// one more octet, so one arc below 128 (`objectIdentifier()` has checked that the last
    /// octet ends an arc); otherwise 0xFF, which no such arc is. One family of OIDs (pkcs-1,
    /// ecdsa-with-SHA2, id-kp) is then told apart by one byte, and the prefix travels in
    /// registers.
    @inline(never)
    func lastArc(after prefix: UInt64, count: Int) -> UInt8 {
        guard bytes.count == count &+ 1 else { return 0xFF }
        var packed: UInt64 = 0
        for i in 0..<count { packed = packed &<< 8 | widen64(bytes[i]) }
        return packed == prefix ? bytes[count] : 0xFF
    }

    public static func == (a: OID, b: OIDKey) -> Bool { a.key == b }
    public static func != (a: OID, b: OIDKey) -> Bool { a.key != b }
}

/// Up to 16 content octets packed into two words, plus the length.
public struct OIDKey: Equatable {
    let hi: UInt64
    let lo: UInt64
    let count: UInt8

    init(_ hi: UInt64, _ lo: UInt64 = 0, count: UInt8) {
        self.hi = hi
        self.lo = lo
        self.count = count
    }

    @inline(never)
    init(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= 16 else {
            self.init(0, 0, count: 0xFF)
            return
        }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for i in 0..<bytes.count {
            let shift = widen64(UInt8(truncatingIfNeeded: 7 - i % 8) &* 8)
            let byte = widen64(bytes[i]) &<< shift
            if i < 8 { hi |= byte } else { lo |= byte }
        }
        self.init(hi, lo, count: UInt8(bytes.count))
    }

    // 1.2.840.10045 ansi-X9-62
    static var ecPublicKey: OIDKey { OIDKey(0x2A86_48CE_3D02_0100, count: 7) }
    static var prime256v1: OIDKey { OIDKey(0x2A86_48CE_3D03_0107, count: 8) }
    static var ecdsaWithSHA1: OIDKey { OIDKey(0x2A86_48CE_3D04_0100, count: 7) }
    static var ecdsaWithSHA256: OIDKey { OIDKey(0x2A86_48CE_3D04_0302, count: 8) }
    static var ecdsaWithSHA384: OIDKey { OIDKey(0x2A86_48CE_3D04_0303, count: 8) }
    static var ecdsaWithSHA512: OIDKey { OIDKey(0x2A86_48CE_3D04_0304, count: 8) }
    // 1.3.132.0.34 secp384r1
    static var secp384r1: OIDKey { OIDKey(0x2B81_0400_2200_0000, count: 5) }
    // 1.2.840.113549.1.1 pkcs-1
    static var rsaEncryption: OIDKey { pkcs1(0x01) }
    static var md2WithRSA: OIDKey { pkcs1(0x02) }
    static var md5WithRSA: OIDKey { pkcs1(0x04) }
    static var sha1WithRSA: OIDKey { pkcs1(0x05) }
    static var sha256WithRSA: OIDKey { pkcs1(0x0B) }
    static var sha384WithRSA: OIDKey { pkcs1(0x0C) }
    static var sha512WithRSA: OIDKey { pkcs1(0x0D) }
    private static func pkcs1(_ last: UInt8) -> OIDKey {
        OIDKey(0x2A86_4886_F70D_0101, widen64(last) &<< 56, count: 9)
    }
    // 1.2.840.113549.1.9.1 emailAddress (PKCS #9), checked against rfc822Name constraints
    static var emailAddress: OIDKey {
        OIDKey(0x2A86_4886_F70D_0109, 0x0100_0000_0000_0000, count: 9)
    }
    // 2.5.4.3 commonName
    static var commonName: OIDKey { OIDKey(0x5504_0300_0000_0000, count: 3) }

    // 2.5.29 id-ce
    private static func ce(_ last: UInt8) -> OIDKey {
        OIDKey(0x551D_0000_0000_0000 | widen64(last) &<< 40, count: 3)
    }
    static var subjectKeyIdentifier: OIDKey { ce(0x0E) }
    static var keyUsage: OIDKey { ce(0x0F) }
    static var subjectAltName: OIDKey { ce(0x11) }
    static var issuerAltName: OIDKey { ce(0x12) }
    static var basicConstraints: OIDKey { ce(0x13) }
    static var nameConstraints: OIDKey { ce(0x1E) }
    static var crlDistributionPoints: OIDKey { ce(0x1F) }
    static var certificatePolicies: OIDKey { ce(0x20) }
    static var policyMappings: OIDKey { ce(0x21) }
    static var authorityKeyIdentifier: OIDKey { ce(0x23) }
    static var policyConstraints: OIDKey { ce(0x24) }
    static var extKeyUsage: OIDKey { ce(0x25) }
    static var inhibitAnyPolicy: OIDKey { ce(0x36) }
    // 2.5.29.37.0 anyExtendedKeyUsage
    static var anyExtendedKeyUsage: OIDKey { OIDKey(0x551D_2500_0000_0000, count: 4) }
    // 1.3.6.1.5.5.7 id-pkix
    static var authorityInfoAccess: OIDKey { OIDKey(0x2B06_0105_0507_0101, count: 8) }
    static var serverAuth: OIDKey { OIDKey(0x2B06_0105_0507_0301, count: 8) }
    static var clientAuth: OIDKey { OIDKey(0x2B06_0105_0507_0302, count: 8) }
}

/// Arcs above families of OIDs, right-aligned, for `OID.lastArc(after:count:)`.
enum OIDPrefix {
    /// 1.2.840.10045.4 id-ecSigType (ecdsa-with-SHA1 is .1), 6 octets.
    static var ecdsaSignatures: UInt64 { 0x2A86_48CE_3D04 }
    /// 1.2.840.10045.4.3 ecdsa-with-SHA2, 7 octets.
    static var ecdsaWithSHA2: UInt64 { 0x2A_8648_CE3D_0403 }
    /// 1.2.840.113549.1.1 pkcs-1, 8 octets.
    static var pkcs1: UInt64 { 0x2A86_4886_F70D_0101 }
    /// 1.3.6.1.5.5.7.3 id-kp, 7 octets.
    static var keyPurposes: UInt64 { 0x2B_0601_0505_0703 }
    /// 1.3.6.1.5.5.7.1 id-pe (authorityInfoAccess is .1), 7 octets.
    static var privateExtensions: UInt64 { 0x2B_0601_0505_0701 }
    /// 2.5.29.37 id-ce-extKeyUsage (anyExtendedKeyUsage is .0), 3 octets.
    static var extKeyUsage: UInt64 { 0x55_1D25 }
    /// 1.2.840.10045.2 id-publicKeyType (id-ecPublicKey is .1), 6 octets.
    static var ecPublicKeyTypes: UInt64 { 0x2A86_48CE_3D02 }
    /// 1.2.840.10045.3.1 prime curves (prime256v1 is .7), 7 octets.
    static var primeCurves: UInt64 { 0x2A_8648_CE3D_0301 }
    /// 1.3.132.0 certicom curves (secp384r1 is .34), 4 octets.
    static var certicomCurves: UInt64 { 0x2B81_0400 }
}
