// What the device trusts: trust anchors, certificates it stores to complete paths (its
// intermediates), revoked serial numbers, and the time the store was built (the lower bound
// for "now" on a device without a clock). Everything is read in place from caller memory.

import CIoTCert

/// A list of DER buffers in caller memory, laid out as C's `iotcert_buffer[]`.
public struct CertificateList {
    public let buffers: UnsafeBufferPointer<iotcert_buffer>

    public init(_ buffers: UnsafeBufferPointer<iotcert_buffer>) {
        self.buffers = buffers
    }

    public static var empty: CertificateList {
        CertificateList(UnsafeBufferPointer(start: nil, count: 0))
    }

    public var count: Int { buffers.count }

    /// The i-th buffer; a NULL pointer reads as empty (and then fails to parse).
    public subscript(i: Int) -> UnsafeRawBufferPointer {
        let b = buffers[i]
        guard let data = b.data else { return .empty }
        return UnsafeRawBufferPointer(start: data, count: b.len)
    }
}

/// A trust anchor: a name and a key (RFC 5280 6.1.1 (d), trust anchor information), optionally
/// with the constraints its certificate carried (RFC 5937): name constraints, validity, a
/// pathLenConstraint and the purposes of its extended key usage. Trust comes from the key;
/// the name only chains.
public struct TrustAnchor {
    /// The subject name's DER, or empty when the store keeps only a digest of it.
    public let subject: UnsafeRawBufferPointer
    /// The first 16 bytes of SHA-256 over the subject DER when `subject` is empty.
    public let subjectDigest: UnsafeRawBufferPointer
    public let publicKey: PublicKey
    /// Name constraints applied to every path through this anchor (empty views: none).
    public let hasNameConstraints: Bool
    public let permittedSubtrees: UnsafeRawBufferPointer
    public let excludedSubtrees: UnsafeRawBufferPointer
    /// Expiry in seconds since 1970; Int64.max when none is recorded.
    public let notAfter: Int64
    /// Start of validity in seconds since 1970; Int64.min when none is recorded.
    public let notBefore: Int64
    /// Most non-self-issued intermediates below the anchor (its pathLenConstraint); -1: no
    /// bound but the verifier's depth limit.
    public let pathLength: Int32
    /// The purposes the anchor may validate; nil: every purpose (its certificate had no
    /// extendedKeyUsage, or one with anyExtendedKeyUsage).
    public let purposes: ExtendedKeyUsage?

    public init(subject: UnsafeRawBufferPointer, subjectDigest: UnsafeRawBufferPointer,
                publicKey: PublicKey, hasNameConstraints: Bool,
                permittedSubtrees: UnsafeRawBufferPointer,
                excludedSubtrees: UnsafeRawBufferPointer, notAfter: Int64,
                notBefore: Int64 = Int64.min, pathLength: Int32 = -1,
                purposes: ExtendedKeyUsage? = nil) {
        self.subject = subject
        self.subjectDigest = subjectDigest
        self.publicKey = publicKey
        self.hasNameConstraints = hasNameConstraints
        self.permittedSubtrees = permittedSubtrees
        self.excludedSubtrees = excludedSubtrees
        self.notAfter = notAfter
        self.notBefore = notBefore
        self.pathLength = pathLength
        self.purposes = purposes
    }

    /// The anchor a certificate stands for: its subject and key, and as constraints its name
    /// constraints, validity, pathLenConstraint and extended key usage. Its keyUsage and
    /// basicConstraints make it usable as an anchor at all (checkAnchorCertificate).
    public init(certificate c: Certificate) {
        let e = c.extensions
        self.init(subject: c.subject, subjectDigest: .empty, publicKey: c.publicKey,
                  hasNameConstraints: e.hasNameConstraints,
                  permittedSubtrees: e.permittedSubtrees,
                  excludedSubtrees: e.excludedSubtrees, notAfter: c.notAfter,
                  notBefore: c.notBefore, pathLength: e.pathLength,
                  purposes: anchorPurposes(e.extendedKeyUsage))
    }
}

/// Length of a stored subject digest (a SHA-256 prefix; see docs/bundle-format.md).
public let subjectDigestLength = 16

public struct TrustStore {
    enum Source {
        case certificates(anchors: CertificateList, intermediates: CertificateList)
        case bundle(Bundle)
    }

    let source: Source
    public let revocations: RevocationList
    /// When the store was built, seconds since 1970: a certificate that had expired by then
    /// is refused even when the caller does not know the time.
    public let buildTime: Int64

    /// A store over certificates in caller memory (host use, and firmware before it has a
    /// bundle). Anchors are certificates whose subject and key are trusted, self-signed or
    /// not, within their constraints (TrustAnchor(certificate:)).
    public init(anchors: CertificateList, intermediates: CertificateList = .empty,
                revocations: RevocationList = .none, buildTime: Int64) {
        source = .certificates(anchors: anchors, intermediates: intermediates)
        self.revocations = revocations
        self.buildTime = buildTime
    }

    /// A store over an opened bundle: its anchors, stored certificates, revocations, build
    /// time and policy.
    public init(bundle: Bundle) {
        source = .bundle(bundle)
        revocations = bundle.revocationList
        buildTime = bundle.buildTime
    }

    public var anchorCount: Int {
        switch source {
        case .certificates(let anchors, _): return anchors.count
        case .bundle(let b): return b.anchorCount
        }
    }

    public var storedCount: Int {
        switch source {
        case .certificates(_, let intermediates): return intermediates.count
        case .bundle(let b): return b.certificateCount
        }
    }

    /// The bundle's policy; the most permissive one for a store of certificates.
    public var policy: BundlePolicy {
        switch source {
        case .certificates: return BundlePolicy()
        case .bundle(let b): return b.policy
        }
    }

    /// Whether anchors may be stored as subject digests, so that matching needs the digest
    /// of the issuer name.
    var matchesByDigest: Bool {
        if case .bundle = source { return true }
        return false
    }

    /// The DER of the j-th stored certificate.
    public func stored(_ j: Int) -> UnsafeRawBufferPointer {
        switch source {
        case .certificates(_, let intermediates): return intermediates[j]
        case .bundle(let b): return b.certificate(j)
        }
    }

    /// Whether anchor i's subject is `name`, cheaply (no full parse). `digest` is the subject
    /// digest of `name` (only consulted for bundle anchors stored by digest).
    func anchorSubjectMatches(_ i: Int, name: UnsafeRawBufferPointer,
                              digest: UnsafeRawBufferPointer) -> Bool {
        switch source {
        case .certificates(let anchors, _):
            guard let subject = try? locateSubject(anchors[i]) else { return false }
            return namesMatch(subject, name)
        case .bundle(let b):
            return b.anchorSubjectMatches(i, name: name, digest: digest)
        }
    }

    /// Anchor i, decoded; `strict` applies the strict profile to an anchor certificate.
    public func anchor(_ i: Int, strict: Bool = false) throws(IoTCertError) -> TrustAnchor {
        switch source {
        case .certificates(let anchors, _):
            let c = try Certificate(der: anchors[i])
            try checkAnchorCertificate(c, strict: strict)
            return TrustAnchor(certificate: c)
        case .bundle(let b):
            return b.anchor(i)
        }
    }
}

/// The subject name of a certificate, found with a shallow read (no extension decoding):
/// used to scan candidates before paying for a full parse.
func locateSubject(_ der: UnsafeRawBufferPointer) throws(IoTCertError) -> UnsafeRawBufferPointer {
    var outer = DERReader(der)
    var c = try outer.read(.sequence).children()
    var t = try c.read(.sequence).children()
    _ = try t.readIfPresent(.context(0, constructed: true))
    _ = try t.read(.integer)  // serialNumber
    _ = try t.read(.sequence)  // signature
    _ = try t.read(.sequence)  // issuer
    _ = try t.read(.sequence)  // validity
    return try t.read(.sequence).encoded
}

/// The subjectKeyIdentifier of a certificate (empty when it has none), found by walking the
/// extensions without decoding them: used only to order candidates.
func locateSubjectKeyID(_ der: UnsafeRawBufferPointer) throws(IoTCertError)
    -> UnsafeRawBufferPointer
{
    guard let value = try locateExtensionValue(der, .subjectKeyIdentifier) else { return .empty }
    var inner = DERReader(value, depth: 4)
    return try inner.read(.octetString).content
}

/// The nameConstraints extension's value (the NameConstraints SEQUENCE) of a certificate, or
/// nil when it has none: what a bundle keeps of a constrained anchor.
public func locateNameConstraints(_ der: UnsafeRawBufferPointer) throws(IoTCertError)
    -> UnsafeRawBufferPointer?
{
    try locateExtensionValue(der, .nameConstraints)
}

/// The extnValue content of the extension `key`, found by a shallow walk of the TBS (no
/// other extension is decoded).
func locateExtensionValue(_ der: UnsafeRawBufferPointer, _ key: OIDKey) throws(IoTCertError)
    -> UnsafeRawBufferPointer?
{
    var outer = DERReader(der)
    var c = try outer.read(.sequence).children()
    var t = try c.read(.sequence).children()
    // Bounded by the TBS length: each field read consumes at least two octets.
    while !t.isAtEnd {
        let field = try t.read()
        guard field.tag == .context(3, constructed: true) else { continue }
        var wrapper = try field.children()
        var list = try wrapper.read(.sequence).children()
        while !list.isAtEnd {
            var e = try list.read(.sequence).children()
            let oid = try e.read(.objectIdentifier)
            _ = try e.readIfPresent(.boolean)
            let value = try e.read(.octetString)
            if OIDKey(oid.content) == key { return value.content }
        }
    }
    return nil
}
