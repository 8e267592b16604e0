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

/// What one kind of trust source does, as C function pointers that the function opening
/// the source fills in. The path search calls only through them, so a product that never
/// opens a bundle does not link the bundle reader, and one without revocation lists does not
/// link their search (DESIGN.md: the trust source is chosen at build time, not by a run-time
/// switch that pulls every source into every image). Each takes the TrustStore it belongs to.
struct TrustSourceFunctions {
    /// The DER of stored certificate j.
    let stored: @convention(c) (UnsafeRawPointer, Int) -> iotcert_buffer
    /// Whether anchor i's subject is `name`, cheaply; `digest` (16 bytes) is the subject
    /// digest of `name`, for anchors kept by digest.
    let anchorSubjectMatches: @convention(c) (UnsafeRawPointer, Int, iotcert_buffer,
                                              UnsafeRawPointer) -> Bool
    /// Writes anchor i, or the reason it cannot be one, into `out` (an AnchorOutcome);
    /// `strict` applies the strict profile to an anchor certificate.
    let anchor: @convention(c) (UnsafeRawPointer, Int, Bool, UnsafeMutableRawPointer) -> Void
    /// Whether anchor i is the leaf itself (`leaf`: its Certificate), unexpired at `now`.
    let isLeaf: @convention(c) (UnsafeRawPointer, Int, UnsafeRawPointer, Int64) -> Bool
    /// Whether (issuer key id, serial) is revoked; nil when the store has no revocations.
    let revoked: (@convention(c) (UnsafeRawPointer, iotcert_buffer, iotcert_buffer) -> Bool)?
}

/// What a source's `anchor` function writes: the anchor, or why there is none (the enum
/// itself, so no code has to map a number back to a case). Not an optional anchor: the
/// caller returns `anchor` itself, which lets the compiler keep one copy in its frame.
struct AnchorOutcome {
    var anchor: TrustAnchor
    /// nil once the anchor is written.
    var error: IoTCertError?
}

extension TrustAnchor {
    /// Trusts nothing: an empty name and key, expired since forever.
    static var unusable: TrustAnchor {
        TrustAnchor(subject: .empty, subjectDigest: .empty,
                    publicKey: PublicKey(algorithm: .ecP256, key: .empty, exponent: .empty),
                    hasNameConstraints: false, permittedSubtrees: .empty,
                    excludedSubtrees: .empty, notAfter: Int64.min)
    }
}

extension iotcert_buffer {
    init(_ b: UnsafeRawBufferPointer) {
        self.init(data: b.baseAddress?.assumingMemoryBound(to: UInt8.self), len: b.count)
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: data, count: len) }
}

public struct TrustStore {
    enum Source {
        case certificates(anchors: CertificateList, intermediates: CertificateList)
        case bundle(Bundle)
    }

    let source: Source
    let functions: TrustSourceFunctions
    public let revocations: RevocationList
    /// When the store was built, seconds since 1970: a certificate that had expired by then
    /// is refused even when the caller does not know the time.
    public let buildTime: Int64
    /// Counts, saturated at UInt16.max (which the search refuses as too many): 16 bits, so
    /// that the store fits iotcert_trust's opaque words with room to spare.
    let anchorTotal: UInt16
    let storedTotal: UInt16
    public var anchorCount: Int { Int(anchorTotal) }
    public var storedCount: Int { Int(storedTotal) }
    /// The bundle's policy; the most permissive one for a store of certificates.
    public let policy: BundlePolicy
    /// Whether anchors may be stored as subject digests, so that matching needs the digest
    /// of the issuer name.
    let matchesByDigest: Bool

    init(source: Source, functions: TrustSourceFunctions, revocations: RevocationList,
         buildTime: Int64, anchorCount: Int, storedCount: Int, policy: BundlePolicy,
         matchesByDigest: Bool) {
        self.source = source
        self.functions = functions
        self.revocations = revocations
        self.buildTime = buildTime
        anchorTotal = saturated16(anchorCount)
        storedTotal = saturated16(storedCount)
        self.policy = policy
        self.matchesByDigest = matchesByDigest
    }

    /// A store over certificates in caller memory (host use, and firmware before it has a
    /// bundle). Anchors are certificates whose subject and key are trusted, self-signed or
    /// not, within their constraints (TrustAnchor(certificate:)).
    public init(anchors: CertificateList, intermediates: CertificateList = .empty,
                revocations: RevocationList = .none, buildTime: Int64) {
        self.init(source: .certificates(anchors: anchors, intermediates: intermediates),
                  functions: TrustSourceFunctions(
                      stored: certificateStoreStored,
                      anchorSubjectMatches: certificateStoreAnchorMatches,
                      anchor: certificateStoreAnchor, isLeaf: certificateStoreAnchorIsLeaf,
                      revoked: revocations.isEmpty ? nil : revocationListContains),
                  revocations: revocations, buildTime: buildTime, anchorCount: anchors.count,
                  storedCount: intermediates.count, policy: BundlePolicy(),
                  matchesByDigest: false)
    }

    /// The DER of the j-th stored certificate.
    public func stored(_ j: Int) -> UnsafeRawBufferPointer {
        withUnsafePointer(to: self) { TrustStoreReference($0).stored(j) }
    }

    /// Whether anchor i's subject is `name`, cheaply (no full parse). `digest` is the subject
    /// digest of `name` (only consulted for bundle anchors stored by digest).
    func anchorSubjectMatches(_ i: Int, name: UnsafeRawBufferPointer,
                              digest: UnsafeRawBufferPointer) -> Bool {
        withUnsafePointer(to: self) {
            TrustStoreReference($0).anchorSubjectMatches(i, name: name, digest: digest)
        }
    }

    /// Anchor i, decoded; `strict` applies the strict profile to an anchor certificate.
    public func anchor(_ i: Int, strict: Bool = false) throws(IoTCertError) -> TrustAnchor {
        try withUnsafePointer(to: self) { (p) throws(IoTCertError) in
            try TrustStoreReference(p).anchor(i, strict: strict)
        }
    }
}

/// `n` (a count, not negative) as 16 bits, UInt16.max for anything at least that large.
private func saturated16(_ n: Int) -> UInt16 {
    n >= Int(UInt16.max) ? UInt16.max : UInt16(truncatingIfNeeded: max(n, 0))
}

/// A trust store as the path search uses it: a pointer to it (in the caller's iotcert_trust,
/// or the host caller's value), never a copy, and the calls through its functions.
struct TrustStoreReference {
    let pointer: UnsafePointer<TrustStore>

    init(_ pointer: UnsafePointer<TrustStore>) { self.pointer = pointer }

    var raw: UnsafeRawPointer { UnsafeRawPointer(pointer) }
    var anchorCount: Int { pointer.pointee.anchorCount }
    var storedCount: Int { pointer.pointee.storedCount }
    var policy: BundlePolicy { pointer.pointee.policy }
    var buildTime: Int64 { pointer.pointee.buildTime }
    var matchesByDigest: Bool { pointer.pointee.matchesByDigest }

    func stored(_ j: Int) -> UnsafeRawBufferPointer {
        pointer.pointee.functions.stored(raw, j).bytes
    }

    func anchorSubjectMatches(_ i: Int, name: UnsafeRawBufferPointer,
                              digest: UnsafeRawBufferPointer) -> Bool {
        guard let d = digest.baseAddress, digest.count >= subjectDigestLength else { return false }
        return pointer.pointee.functions.anchorSubjectMatches(raw, i, iotcert_buffer(name), d)
    }

    /// Inlined into the caller, so that the anchor is written straight into its frame.
    @inline(__always)
    func anchor(_ i: Int, strict: Bool = false) throws(IoTCertError) -> TrustAnchor {
        var out = AnchorOutcome(anchor: .unusable, error: .invalidArgument)
        withUnsafeMutablePointer(to: &out) { writeAnchor(i, strict: strict, into: $0) }
        if let error = out.error { throw error }
        return out.anchor
    }

    /// Writes anchor i, or the reason it cannot be one, into `out`, which need not be
    /// initialised: the source writes the anchor when it writes no error.
    func writeAnchor(_ i: Int, strict: Bool, into out: UnsafeMutablePointer<AnchorOutcome>) {
        out.pointer(to: \.error)!.initialize(to: IoTCertError.invalidArgument)
        pointer.pointee.functions.anchor(raw, i, strict, UnsafeMutableRawPointer(out))
    }

    /// Whether anchor i is the leaf `leaf` itself, unexpired at `now`.
    func anchorIsLeaf(_ i: Int, _ leaf: UnsafePointer<Certificate>, now: Int64) -> Bool {
        pointer.pointee.functions.isLeaf(raw, i, UnsafeRawPointer(leaf), now)
    }

    /// Whether the certificate with `serial` from the issuer whose key id is `issuerKeyID`
    /// is revoked (false when the store has no revocation lists).
    func isRevoked(issuerKeyID: UnsafeRawBufferPointer, serial: UnsafeRawBufferPointer) -> Bool {
        guard let revoked = pointer.pointee.functions.revoked else { return false }
        return revoked(raw, iotcert_buffer(issuerKeyID), iotcert_buffer(serial))
    }

    var hasRevocations: Bool { pointer.pointee.functions.revoked != nil }
}

// The functions of a store of certificates (TrustStore.init(anchors:...)).

private func certificateLists(_ store: UnsafeRawPointer)
    -> (anchors: CertificateList, intermediates: CertificateList)
{
    guard case .certificates(let anchors, let intermediates) =
        store.assumingMemoryBound(to: TrustStore.self).pointee.source
    else { return (.empty, .empty) }
    return (anchors, intermediates)
}

private func certificateStoreStored(_ store: UnsafeRawPointer, _ j: Int) -> iotcert_buffer {
    iotcert_buffer(certificateLists(store).intermediates[j])
}

private func certificateStoreAnchorMatches(_ store: UnsafeRawPointer, _ i: Int,
                                           _ name: iotcert_buffer,
                                           _ digest: UnsafeRawPointer) -> Bool {
    guard let subject = try? locateSubject(certificateLists(store).anchors[i]) else {
        return false
    }
    return namesMatch(subject, name.bytes)
}

/// An anchor certificate is the leaf when it has the leaf's exact encoding.
private func certificateStoreAnchorIsLeaf(_ store: UnsafeRawPointer, _ i: Int,
                                          _ leaf: UnsafeRawPointer, _ now: Int64) -> Bool {
    certificateLists(store).anchors[i]
        .bytesEqual(leaf.assumingMemoryBound(to: Certificate.self).pointee.der)
}

private func certificateStoreAnchor(_ store: UnsafeRawPointer, _ i: Int, _ strict: Bool,
                                    _ out: UnsafeMutableRawPointer) {
    let outcome = out.assumingMemoryBound(to: AnchorOutcome.self)
    let der = certificateLists(store).anchors[i]
    // Read in place into zeroed stack memory, as Frame.fill does into the workspace: a
    // Certificate value built first and then overwritten would be a second copy.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: MemoryLayout<Certificate>.size) {
        let raw = UnsafeMutableRawPointer($0.baseAddress!)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<Certificate>.size)
        let c = raw.bindMemory(to: Certificate.self, capacity: 1)
        do throws(IoTCertError) {
            try Certificate.read(der, into: c)
            try checkAnchorCertificate(c.pointee, strict: strict)
            outcome.pointee.anchor = TrustAnchor(certificate: c.pointee)
            outcome.pointee.error = nil
        } catch {
            outcome.pointee.error = error
        }
    }
}

/// The revocation check of a store with revocation lists (of either kind).
func revocationListContains(_ store: UnsafeRawPointer, _ issuerKeyID: iotcert_buffer,
                            _ serial: iotcert_buffer) -> Bool {
    store.assumingMemoryBound(to: TrustStore.self).pointee.revocations
        .contains(issuerKeyID: issuerKeyID.bytes, serial: serial.bytes)
}

/// The fields of a certificate's TBSCertificate, where the shallow reads start.
@inline(never)
private func tbsFields(_ der: UnsafeRawBufferPointer) throws(IoTCertError) -> DERReader {
    var outer = DERReader(der)
    var c = try outer.readChildren(.sequence)
    return try c.readChildren(.sequence)
}

/// The subject name of a certificate, found with a shallow read (no extension decoding):
/// used to scan candidates before paying for a full parse.
func locateSubject(_ der: UnsafeRawBufferPointer) throws(IoTCertError) -> UnsafeRawBufferPointer {
    var t = try tbsFields(der)
    _ = try t.readIfPresent(.context(0, constructed: true))
    // serialNumber (INTEGER), then signature, issuer and validity (SEQUENCEs).
    for field in 0..<4 { _ = try t.read(field == 0 ? .integer : .sequence) }
    return try t.read(.sequence).encoded
}

/// The subjectKeyIdentifier of a certificate (empty when it has none), read with the
/// certificate's own extensions decoder but nothing else of the certificate: used only to
/// order candidates.
func locateSubjectKeyID(_ der: UnsafeRawBufferPointer) throws(IoTCertError)
    -> UnsafeRawBufferPointer
{
    var t = try tbsFields(der)
    // Bounded by the TBS length: each field read consumes at least two octets.
    while !t.isAtEnd {
        let field = try t.read()
        guard field.tag == .context(3, constructed: true) else { continue }
        var extensions = Extensions()
        try extensions.read(explicit: field)
        return extensions.subjectKeyID
    }
    return .empty
}

/// The nameConstraints extension's value (the NameConstraints SEQUENCE) of a certificate, or
/// nil when it has none: what a bundle keeps of a constrained anchor.
public func locateNameConstraints(_ der: UnsafeRawBufferPointer) throws(IoTCertError)
    -> UnsafeRawBufferPointer?
{
    try locateExtensionValue(der, idCE: 30)
}

/// The extnValue content of the extension id-ce `number` (2.5.29.number, as
/// subjectKeyIdentifier 14 and nameConstraints 30 are), found by a shallow walk of the TBS
/// (no other extension is decoded).
func locateExtensionValue(_ der: UnsafeRawBufferPointer, idCE number: UInt8)
    throws(IoTCertError) -> UnsafeRawBufferPointer?
{
    var t = try tbsFields(der)
    // Bounded by the TBS length: each field read consumes at least two octets.
    while !t.isAtEnd {
        let field = try t.read()
        guard field.tag == .context(3, constructed: true) else { continue }
        var wrapper = try field.children()
        var list = try wrapper.readChildren(.sequence)
        while !list.isAtEnd {
            var e = try list.readChildren(.sequence)
            let oid = try e.read(.objectIdentifier).content
            _ = try e.readIfPresent(.boolean)
            let value = try e.read(.octetString)
            if oid.count == 3 && oid[0] == 0x55 && oid[1] == 0x1D && oid[2] == number {
                return value.content
            }
        }
    }
    return nil
}
