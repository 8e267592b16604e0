// A certificate view: every field located and checked once, nothing copied.
//
// Certificate ::= SEQUENCE {
//      tbsCertificate       TBSCertificate,
//      signatureAlgorithm   AlgorithmIdentifier,
//      signatureValue       BIT STRING }
//
// TBSCertificate ::= SEQUENCE {
//      version         [0]  EXPLICIT Version DEFAULT v1,
//      serialNumber         CertificateSerialNumber,
//      signature            AlgorithmIdentifier,
//      issuer               Name,
//      validity             Validity,
//      subject              Name,
//      subjectPublicKeyInfo SubjectPublicKeyInfo,
//      issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL,  -- v2 or v3
//      subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL,  -- v2 or v3
//      extensions      [3]  EXPLICIT Extensions OPTIONAL }       -- v3
//
// Validity ::= SEQUENCE { notBefore Time, notAfter Time }

/// Longest serial number accepted, in content octets (RFC 5280 4.1.2.2: "no longer than
/// 20 octets").
public let serialLengthMax = 20

public struct Certificate {
    /// The whole certificate.
    public internal(set) var der: UnsafeRawBufferPointer
    /// The signed part, tag and length included (what the signature covers).
    public internal(set) var tbs: UnsafeRawBufferPointer
    public internal(set) var signatureAlgorithm: SignatureAlgorithm
    /// The signature octets (the BIT STRING's content without its unused-bits octet).
    public internal(set) var signature: UnsafeRawBufferPointer
    /// 1, 2 or 3.
    public internal(set) var version: UInt8
    /// The serial number's content octets (positive, minimal).
    public internal(set) var serial: UnsafeRawBufferPointer
    /// Issuer and subject names, full DER encodings (compared byte for byte).
    public internal(set) var issuer: UnsafeRawBufferPointer
    public internal(set) var subject: UnsafeRawBufferPointer
    /// Validity, seconds since 1970-01-01T00:00:00Z, inclusive at both ends (4.1.2.5).
    public internal(set) var notBefore: Int64
    public internal(set) var notAfter: Int64
    public internal(set) var publicKey: PublicKey
    public internal(set) var extensions: Extensions

    /// Reads `der`, which must hold exactly one certificate.
    public init(der: UnsafeRawBufferPointer) throws(IoTCertError) {
        self.init(placeholderFor: der)
        try withUnsafeMutablePointer(to: &self) { (p) throws(IoTCertError) in
            try Certificate.read(der, into: p)
        }
    }

    /// Every field empty: what `read` overwrites.
    init(placeholderFor der: UnsafeRawBufferPointer) {
        self.der = der
        tbs = .empty
        signatureAlgorithm = .ecdsaSHA256
        signature = .empty
        version = 1
        serial = .empty
        issuer = .empty
        subject = .empty
        notBefore = 0
        notAfter = 0
        publicKey = PublicKey(algorithm: .ecP256, key: .empty, exponent: .empty)
        extensions = Extensions()
    }

    /// Reads `der` into `c`, field by field, where the view will live (the path search's
    /// frame in the workspace): neither the certificate nor its extensions is assembled on
    /// the stack and copied. On failure `c` holds a partly read certificate; callers drop it.
    @inline(never)
    static func read(_ der: UnsafeRawBufferPointer, into c: UnsafeMutablePointer<Certificate>)
        throws(IoTCertError)
    {
        var outer = DERReader(der)
        let certificate = try outer.read(.sequence)
        try outer.finish()
        var r = try certificate.children()
        let tbsValue = try r.read(.sequence)
        let outerAlgorithm = try r.read(.sequence)
        c.pointee.signature = try r.read().octetAlignedBitString()
        try r.finish()
        c.pointee.der = certificate.encoded
        c.pointee.tbs = tbsValue.encoded

        var t = try tbsValue.children()
        var version: UInt8 = 1
        if let explicitVersion = try t.readIfPresent(.context(0, constructed: true)) {
            var v = try explicitVersion.children()
            let number = try v.read().smallUnsigned()
            try v.finish()
            // v1 is the DEFAULT and must be omitted in DER; only v2 (1) and v3 (2) exist.
            guard number == 1 || number == 2 else { throw .certBadVersion }
            version = UInt8(number + 1)
        }
        c.pointee.version = version
        c.pointee.serial = try Certificate.serialNumber(try t.read())
        let innerAlgorithm = try t.read(.sequence)
        // The two copies of the algorithm must be identical (4.1.1.2); comparing encodings
        // also catches differing parameters.
        guard innerAlgorithm.encoded.bytesEqual(outerAlgorithm.encoded) else {
            throw .certSignatureAlgorithmMismatch
        }
        c.pointee.signatureAlgorithm = try SignatureAlgorithm(algorithmIdentifier: innerAlgorithm)
        let issuer = try t.read(.sequence)
        guard try validateName(issuer) > 0 else { throw .certBadName }  // 4.1.2.4
        c.pointee.issuer = issuer.encoded
        var validity = try t.read().sequenceChildren()
        c.pointee.notBefore = try validity.read().time()
        c.pointee.notAfter = try validity.read().time()
        try validity.finish()
        let subject = try t.read(.sequence)
        let subjectIsEmpty = try validateName(subject) == 0
        c.pointee.subject = subject.encoded
        c.pointee.publicKey = try PublicKey(subjectPublicKeyInfo: try t.read())
        try Certificate.skipUniqueIdentifiers(&t, version: version)
        try readExtensions(&t, version: version, into: c)
        try t.finish()
        // An empty subject is allowed only for an end entity named by a critical
        // subjectAltName (4.1.2.6).
        if subjectIsEmpty {
            guard c.pointee.extensions.subjectAltName != nil,
                c.pointee.extensions.subjectAltNameCritical
            else { throw .certBadName }
        }
    }

    /// The `[3] EXPLICIT Extensions` field, if present, decoded straight into `c`.
    @inline(never)
    private static func readExtensions(_ t: inout DERReader, version: UInt8,
                                       into c: UnsafeMutablePointer<Certificate>)
        throws(IoTCertError)
    {
        let extensions = (UnsafeMutableRawPointer(c)
            + MemoryLayout<Certificate>.offset(of: \Certificate.extensions)!)
            .assumingMemoryBound(to: Extensions.self)
        extensions.initialize(to: Extensions())
        guard let field = try t.readIfPresent(.context(3, constructed: true)) else { return }
        guard version == 3 else { throw .certBadVersion }
        try extensions.pointee.read(explicit: field)
    }

    /// CertificateSerialNumber ::= INTEGER, non-negative and at most 20 octets (4.1.2.2).
    /// Zero is read (real roots carry it, and RFC 5280 asks users to handle it gracefully);
    /// the strict profile refuses it on certificates below the anchor (checkProfile).
    private static func serialNumber(_ value: DERValue) throws(IoTCertError)
        -> UnsafeRawBufferPointer
    {
        let bytes = try value.integerBytes()
        guard bytes[0] & 0x80 == 0 else { throw .certBadSerial }
        guard bytes.count <= serialLengthMax + (bytes[0] == 0 ? 1 : 0) else {
            throw .certSerialTooLong
        }
        return bytes
    }

    /// UniqueIdentifier ::= BIT STRING, [1] and [2] IMPLICIT; only in v2 and v3.
    private static func skipUniqueIdentifiers(_ t: inout DERReader, version: UInt8)
        throws(IoTCertError)
    {
        for number: UInt32 in 1...2 {
            guard let id = try t.readIfPresent(.context(number)) else { continue }
            guard version >= 2 else { throw .certBadUniqueIdentifier }
            let relabelled = DERValue(tag: .bitString, content: id.content,
                                      headerLength: id.headerLength,
                                      depth: id.depth)
            do { _ = try relabelled.bitString() } catch { throw .certBadUniqueIdentifier }
        }
    }

    /// Self-issued: subject and issuer are the same name (RFC 5280 6.1: such certificates
    /// do not count toward path length, and name constraints skip them unless final). Names
    /// compare as chaining compares them (`namesMatch`).
    public var isSelfIssued: Bool { namesMatch(issuer, subject) }
}
