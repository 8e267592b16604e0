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
    public let der: UnsafeRawBufferPointer
    /// The signed part, tag and length included (what the signature covers).
    public let tbs: UnsafeRawBufferPointer
    public let signatureAlgorithm: SignatureAlgorithm
    /// The signature octets (the BIT STRING's content without its unused-bits octet).
    public let signature: UnsafeRawBufferPointer
    /// 1, 2 or 3.
    public let version: UInt8
    /// The serial number's content octets (positive, minimal).
    public let serial: UnsafeRawBufferPointer
    /// Issuer and subject names, full DER encodings (compared byte for byte).
    public let issuer: UnsafeRawBufferPointer
    public let subject: UnsafeRawBufferPointer
    /// Validity, seconds since 1970-01-01T00:00:00Z, inclusive at both ends (4.1.2.5).
    public let notBefore: Int64
    public let notAfter: Int64
    public let publicKey: PublicKey
    public let extensions: Extensions

    /// Reads `der`, which must hold exactly one certificate.
    public init(der: UnsafeRawBufferPointer) throws(IoTCertError) {
        var outer = DERReader(der)
        let certificate = try outer.read(.sequence)
        try outer.finish()
        var c = try certificate.children()
        let tbsValue = try c.read(.sequence)
        let outerAlgorithm = try c.read(.sequence)
        let signatureBits = try c.read().octetAlignedBitString()
        try c.finish()

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
        let serial = try Certificate.serialNumber(try t.read())
        let innerAlgorithm = try t.read(.sequence)
        // The two copies of the algorithm must be identical (4.1.1.2); comparing encodings
        // also catches differing parameters.
        guard innerAlgorithm.encoded.bytesEqual(outerAlgorithm.encoded) else {
            throw .certSignatureAlgorithmMismatch
        }
        let algorithm = try SignatureAlgorithm(algorithmIdentifier: innerAlgorithm)
        let issuer = try t.read(.sequence)
        guard try validateName(issuer) > 0 else { throw .certBadName }  // 4.1.2.4
        var validity = try t.read(.sequence).children()
        let notBefore = try validity.read().time()
        let notAfter = try validity.read().time()
        try validity.finish()
        let subject = try t.read(.sequence)
        let subjectIsEmpty = try validateName(subject) == 0
        let key = try PublicKey(subjectPublicKeyInfo: try t.read())
        try Certificate.skipUniqueIdentifiers(&t, version: version)
        var extensions = Extensions()
        if let field = try t.readIfPresent(.context(3, constructed: true)) {
            guard version == 3 else { throw .certBadVersion }
            extensions = try Extensions(explicit: field)
        }
        try t.finish()
        // An empty subject is allowed only for an end entity named by a critical
        // subjectAltName (4.1.2.6).
        if subjectIsEmpty {
            guard extensions.subjectAltName != nil, extensions.subjectAltNameCritical else {
                throw .certBadName
            }
        }
        self.der = certificate.encoded
        self.tbs = tbsValue.encoded
        self.signatureAlgorithm = algorithm
        self.signature = signatureBits
        self.version = version
        self.serial = serial
        self.issuer = issuer.encoded
        self.subject = subject.encoded
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.publicKey = key
        self.extensions = extensions
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
