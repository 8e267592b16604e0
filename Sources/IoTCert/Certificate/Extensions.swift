// Certificate extensions (RFC 5280 4.2). Each recognised extension is decoded once, when the
// certificate is read, into a few bytes of flags and views; the variable-length ones
// (subjectAltName, nameConstraints) stay views and are walked when a check needs them.
//
// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
// Extension  ::= SEQUENCE { extnID OBJECT IDENTIFIER,
//                           critical BOOLEAN DEFAULT FALSE,
//                           extnValue OCTET STRING }

/// Extended key usages the validator acts on, as bits.
public struct ExtendedKeyUsage: Equatable {
    public let raw: UInt8
    public init(raw: UInt8) { self.raw = raw }
    public static var serverAuth: ExtendedKeyUsage { ExtendedKeyUsage(raw: 1) }
    public static var clientAuth: ExtendedKeyUsage { ExtendedKeyUsage(raw: 2) }
    public static var any: ExtendedKeyUsage { ExtendedKeyUsage(raw: 4) }
    /// Some other purpose (code signing, OCSP signing, ...).
    public static var other: ExtendedKeyUsage { ExtendedKeyUsage(raw: 8) }
    public func contains(_ u: ExtendedKeyUsage) -> Bool { raw & u.raw == u.raw }
}

/// keyUsage bits, bit 0 being digitalSignature (RFC 5280 4.2.1.3).
public enum KeyUsageBit: UInt16 {
    case digitalSignature = 0, nonRepudiation, keyEncipherment, dataEncipherment,
        keyAgreement, keyCertSign, cRLSign, encipherOnly, decipherOnly
}

/// The extensions of one certificate, decoded.
public struct Extensions {
    /// basicConstraints present.
    public var hasBasicConstraints = false
    public var basicConstraintsCritical = false
    public var isCA = false
    /// pathLenConstraint, or -1 when absent.
    public var pathLength: Int32 = -1
    /// keyUsage bits (bit i = `KeyUsageBit(rawValue: i)`); nil when the extension is absent.
    public var keyUsage: UInt16?
    /// extKeyUsage; nil when absent.
    public var extendedKeyUsage: ExtendedKeyUsage?
    /// subjectAltName: the GeneralNames SEQUENCE content; nil when absent.
    public var subjectAltName: UnsafeRawBufferPointer?
    public var subjectAltNameCritical = false
    /// nameConstraints present; subtrees' content (empty view when a part is absent).
    public var hasNameConstraints = false
    public var nameConstraintsCritical = false
    public var permittedSubtrees: UnsafeRawBufferPointer = .empty
    public var excludedSubtrees: UnsafeRawBufferPointer = .empty
    /// subjectKeyIdentifier and the keyIdentifier of authorityKeyIdentifier (views; empty
    /// when absent). Used only to order candidate issuers, never to decide trust.
    public var subjectKeyID: UnsafeRawBufferPointer = .empty
    public var authorityKeyID: UnsafeRawBufferPointer = .empty
    /// authorityKeyIdentifier present, and whether it names the issuer by name and serial.
    public var hasAuthorityKeyIdentifier = false
    public var authorityKeyIDHasIssuerAndSerial = false
    /// subjectKeyIdentifier or authorityKeyIdentifier marked critical, which RFC 5280
    /// 4.2.1.1-2 forbids the CA (an issuance rule: both are processed either way).
    public var keyIdentifierCritical = false
    /// Extension values recognised but not enforced, kept for tools (views into the DER);
    /// each makes the certificate refused when critical.
    public var certificatePolicies: UnsafeRawBufferPointer = .empty
    public var crlDistributionPoints: UnsafeRawBufferPointer = .empty
    public var authorityInfoAccess: UnsafeRawBufferPointer = .empty
    /// policyConstraints / policyMappings / inhibitAnyPolicy present.
    public var hasPolicyControls = false
    /// A critical extension the validator does not enforce: it must refuse the certificate
    /// (RFC 5280 4.2). certificatePolicies, policy controls, crlDistributionPoints and
    /// issuerAltName count here when critical, since policy processing is not implemented
    /// (a documented limit) and the others inform no check.
    public var hasUnhandledCriticalExtension = false
    /// How many extensions the certificate carries.
    public var count: UInt8 = 0

    public init() {}
}

/// The extensions `decodeKnown` decodes, by the last arc of their id-ce OID (2.5.29.n); the
/// one from id-pe sits past 63, where no id-ce number the reader tracks can land.
enum ExtensionID: UInt8 {
    case subjectKeyIdentifier = 0x0E
    case keyUsage = 0x0F
    case subjectAltName = 0x11
    case issuerAltName = 0x12
    case basicConstraints = 0x13
    case nameConstraints = 0x1E
    case crlDistributionPoints = 0x1F
    case certificatePolicies = 0x20
    case policyMappings = 0x21
    case authorityKeyIdentifier = 0x23
    case policyConstraints = 0x24
    case extKeyUsage = 0x25
    case inhibitAnyPolicy = 0x36
    case authorityInfoAccess = 0x40  // 1.3.6.1.5.5.7.1.1

    /// n for an id-ce OID 2.5.29.n with n < 64 (recognised or not: the duplicate check
    /// tracks them all by this number), 0x40 for authorityInfoAccess, 0xFF for anything else.
    static func number(_ oid: OID) -> UInt8 {
        let b = oid.bytes
        if b.count == 3 && b[0] == 0x55 && b[1] == 0x1D && b[2] < 64 { return b[2] }
        let isAIA = oid.lastArc(after: OIDPrefix.privateExtensions, count: 7) == 1
        return isAIA ? ExtensionID.authorityInfoAccess.rawValue : 0xFF
    }
}

/// Most extensions one certificate may carry. Public CA certificates carry about ten; the
/// bound keeps the duplicate check (quadratic) cheap.
public let extensionsMax = 32

extension Extensions {
    /// Decodes the `[3] EXPLICIT Extensions` field.
    init(explicit field: DERValue) throws(IoTCertError) {
        self.init()
        try read(explicit: field)
    }

    /// Decodes the `[3] EXPLICIT Extensions` field into these (empty) extensions, in place.
    mutating func read(explicit field: DERValue) throws(IoTCertError) {
        var outer = try field.children()
        let list = try outer.read(.sequence)
        try outer.finish()
        var r = try list.children()
        guard !r.isAtEnd else { throw .certEmptyExtensions }
        var seen = DERReader(list.content, depth: list.depth + 1)  // second pass: duplicates
        var seenStandard: UInt64 = 0  // id-ce extensions (2.5.29.n, n < 64) met so far
        var index = 0
        while !r.isAtEnd {
            guard index < extensionsMax else { throw .certBadExtension }
            var e = try r.read().sequenceChildren()
            let oid = try e.read().objectIdentifier()
            var critical = false
            if let flag = try e.readIfPresent(.boolean) {
                critical = try flag.boolean()
                guard critical else { throw .derBadBoolean }  // DEFAULT FALSE is omitted in DER
            }
            let value = try e.read(.octetString)
            try e.finish()
            let id = ExtensionID.number(oid)
            if id < 64 {
                // An id-ce extension, the common case: one bit test instead of a rescan.
                let bit: UInt64 = 1 &<< widen64(id)
                guard seenStandard & bit == 0 else { throw .certDuplicateExtension }
                seenStandard |= bit
            } else {
                try Extensions.checkNotSeenBefore(oid, index: index, in: &seen)
            }
            try decode(ExtensionID(rawValue: id), critical: critical, value: value)
            index += 1
        }
        count = UInt8(index)
    }

    /// Refuses an extension OID that appeared among the first `index` extensions.
    private static func checkNotSeenBefore(_ oid: OID, index: Int, in reader: inout DERReader)
        throws(IoTCertError)
    {
        var scan = DERReader(reader.bytes, depth: reader.depth)
        for _ in 0..<index {
            var e = try scan.read().sequenceChildren()
            if try e.read().objectIdentifier().bytes.bytesEqual(oid.bytes) {
                throw .certDuplicateExtension
            }
        }
    }

    private mutating func decode(_ id: ExtensionID?, critical: Bool, value: DERValue)
        throws(IoTCertError)
    {
        guard let id else {
            // An extension we do not know is opaque (RFC 5280 4.2: ignored when non-critical,
            // refused when critical); its value is not read, so an empty or foreign value
            // does not make the certificate unreadable.
            if critical { hasUnhandledCriticalExtension = true }
            return
        }
        var r = try value.nested()
        let inner = try r.read()
        try r.finish()
        do {
            try decodeKnown(id, critical: critical, inner)
        } catch let error {
            // A DER defect inside a known extension's value is reported as a bad extension,
            // so the code says where the problem is; structural codes pass through.
            switch error {
            case .certDuplicateExtension, .certBadGeneralName: throw error
            default: throw .certBadExtension
            }
        }
    }

    private mutating func decodeKnown(_ id: ExtensionID, critical: Bool, _ inner: DERValue)
        throws(IoTCertError)
    {
        switch id {
        case .basicConstraints:
            try decodeBasicConstraints(inner)
            basicConstraintsCritical = critical
        case .keyUsage: try decodeKeyUsage(inner)
        case .extKeyUsage: try decodeExtendedKeyUsage(inner)
        case .subjectAltName:
            guard inner.tag == .sequence else { throw .derUnexpectedTag }
            try validateGeneralNames(inner)
            subjectAltName = inner.content
            subjectAltNameCritical = critical
        case .nameConstraints:
            try decodeNameConstraints(inner)
            nameConstraintsCritical = critical
        case .subjectKeyIdentifier:
            guard inner.tag == .octetString else { throw .derUnexpectedTag }
            subjectKeyID = inner.content
            if critical { keyIdentifierCritical = true }  // MUST be non-critical, 4.2.1.2
        case .authorityKeyIdentifier:
            try decodeAuthorityKeyIdentifier(inner)
            if critical { keyIdentifierCritical = true }  // MUST be non-critical, 4.2.1.1
        case .certificatePolicies:
            // Policy processing (RFC 5280 6.1.3 (d)-(f)) is not implemented, so a critical
            // certificatePolicies is refused: 4.2 leaves no choice for an extension the
            // validator does not process. Non-critical, it is informational (RFC 5280 6.1
            // with initial-any-policy and no explicit policy required; what browsers do).
            try requireNonEmptySequence(inner)
            certificatePolicies = inner.content
            if critical { hasUnhandledCriticalExtension = true }
        case .crlDistributionPoints:
            // Revocation comes from the bundle's lists, never from fetching the named CRL,
            // so a critical one is not processed and refused.
            try requireNonEmptySequence(inner)
            crlDistributionPoints = inner.content
            if critical { hasUnhandledCriticalExtension = true }
        case .authorityInfoAccess:
            // MUST be non-critical (4.2.2.1); critical, it is also one nobody processes here
            // (no fetching of issuers or OCSP), so it is refused either way.
            try requireNonEmptySequence(inner)
            authorityInfoAccess = inner.content
            if critical { hasUnhandledCriticalExtension = true }
        case .policyConstraints, .policyMappings:
            guard inner.tag == .sequence else { throw .derUnexpectedTag }
            try markPolicyControl(critical)
        case .inhibitAnyPolicy:
            _ = try inner.smallUnsigned()
            try markPolicyControl(critical)
        case .issuerAltName:
            // Read for well-formedness only; no check depends on it.
            guard inner.tag == .sequence else { throw .derUnexpectedTag }
            try validateGeneralNames(inner)
            if critical { hasUnhandledCriticalExtension = true }
        }
    }

    private mutating func markPolicyControl(_ critical: Bool) throws(IoTCertError) {
        hasPolicyControls = true
        if critical { hasUnhandledCriticalExtension = true }
    }

    /// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
    ///                                 pathLenConstraint INTEGER (0..MAX) OPTIONAL }
    private mutating func decodeBasicConstraints(_ inner: DERValue) throws(IoTCertError) {
        var r = try inner.sequenceChildren()
        if let flag = try r.readIfPresent(.boolean) {
            isCA = try flag.boolean()
            guard isCA else { throw .derBadBoolean }  // DEFAULT FALSE is omitted in DER
        }
        if let length = try r.readIfPresent(.integer) {
            pathLength = Int32(try length.smallUnsigned(max: 255))
        }
        try r.finish()
        hasBasicConstraints = true
    }

    /// KeyUsage ::= BIT STRING { digitalSignature (0), ..., decipherOnly (8) }
    /// At least one bit must be set (4.2.1.3); bits past decipherOnly are ignored.
    private mutating func decodeKeyUsage(_ inner: DERValue) throws(IoTCertError) {
        let (bits, _) = try inner.bitString()
        var any: UInt8 = 0
        for b in bits { any |= b }
        guard any != 0 else { throw .certBadExtension }
        // Bit i is octet i / 8, most significant bit first.
        var usage: UInt16 = 0
        for bit in 0..<9 where bit &>> 3 < bits.count
            && (bits[bit &>> 3] &<< UInt8(truncatingIfNeeded: bit & 7)) & 0x80 != 0
        {
            usage |= 1 &<< UInt16(truncatingIfNeeded: bit)
        }
        keyUsage = usage
    }

    /// ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId
    private mutating func decodeExtendedKeyUsage(_ inner: DERValue) throws(IoTCertError) {
        var r = try inner.sequenceChildren()
        guard !r.isAtEnd else { throw .certBadExtension }
        var usage: UInt8 = 0
        while !r.isAtEnd {
            let purpose = try r.read().objectIdentifier()
            // id-kp-serverAuth and -clientAuth (1.3.6.1.5.5.7.3.1-2), anyExtendedKeyUsage
            // (2.5.29.37.0).
            switch purpose.lastArc(after: OIDPrefix.keyPurposes, count: 7) {
            case 1: usage |= ExtendedKeyUsage.serverAuth.raw
            case 2: usage |= ExtendedKeyUsage.clientAuth.raw
            default:
                let any = purpose.lastArc(after: OIDPrefix.extKeyUsage, count: 3) == 0
                usage |= any ? ExtendedKeyUsage.any.raw : ExtendedKeyUsage.other.raw
            }
        }
        extendedKeyUsage = ExtendedKeyUsage(raw: usage)
    }

    /// NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
    ///                                excludedSubtrees  [1] GeneralSubtrees OPTIONAL }
    /// An empty NameConstraints is refused (4.2.1.10: at least one field MUST be present).
    private mutating func decodeNameConstraints(_ inner: DERValue) throws(IoTCertError) {
        var r = try inner.sequenceChildren()
        let permitted = try r.readIfPresent(.context(0, constructed: true))
        let excluded = try r.readIfPresent(.context(1, constructed: true))
        try r.finish()
        guard permitted != nil || excluded != nil else { throw .certBadExtension }
        if let permitted {
            _ = try validateGeneralSubtrees(permitted)
            permittedSubtrees = permitted.content
        }
        if let excluded {
            _ = try validateGeneralSubtrees(excluded)
            excludedSubtrees = excluded.content
        }
        hasNameConstraints = true
    }

    /// AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL,
    ///     authorityCertIssuer [1] GeneralNames OPTIONAL,
    ///     authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
    private mutating func decodeAuthorityKeyIdentifier(_ inner: DERValue) throws(IoTCertError) {
        var r = try inner.sequenceChildren()
        if let keyID = try r.readIfPresent(.context(0)) { authorityKeyID = keyID.content }
        let issuer = try r.readIfPresent(.context(1, constructed: true))
        let serial = try r.readIfPresent(.context(2))
        // Both or neither (4.2.1.1).
        guard (issuer == nil) == (serial == nil) else { throw .certBadExtension }
        if let serial { _ = try serial.integerBytes(tag: .context(2)) }
        try r.finish()
        hasAuthorityKeyIdentifier = true
        authorityKeyIDHasIssuerAndSerial = issuer != nil
    }
}

private func requireNonEmptySequence(_ inner: DERValue) throws(IoTCertError) {
    var r = try inner.sequenceChildren()
    guard !r.isAtEnd else { throw .certBadExtension }
    // Each element must at least be a well-formed TLV.
    while !r.isAtEnd { _ = try r.read() }
}
