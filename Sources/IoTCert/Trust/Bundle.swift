// The trust bundle, read in place (docs/bundle-format.md specifies every byte). `open` checks
// integrity, authenticity and freshness before anything else is believed; afterwards the
// accessors read records straight from the caller's (flash) bytes.

import CIoTCert

public enum BundleLayout {
    public static let magic: UInt32 = 0x4254_4F49  // "IOTB" read little-endian
    /// The version written (docs/bundle-format.md, "Versions"); versions
    /// oldestReadableVersion...formatVersion are read.
    public static let formatVersion: UInt16 = 2
    public static let oldestReadableVersion: UInt16 = 1
    public static let headerLength = 32
    public static let sectionEntryLength = 12
    /// Most sections: one of each type.
    public static let sectionsMax = 8
    public static let digestLength = 32
    public static let signatureLengthMax = 72
    public static let unsignedTrailerLength = 32
    public static let signedTrailerLength = 32 + 4 + 72
    /// Most anchors or certificates one section may hold (numbers are 16-bit).
    public static let recordsMax = 65_534

    public static let flagSigned: UInt16 = 1

    public static let sectionAnchors: UInt16 = 1
    public static let sectionCertificates: UInt16 = 2
    public static let sectionDeviceChain: UInt16 = 3
    public static let sectionRevocations: UInt16 = 4
    public static let sectionPolicy: UInt16 = 5

    public static let anchorFullSubject: UInt8 = 1
    public static let anchorNameConstraints: UInt8 = 2
    public static let anchorExpiry: UInt8 = 4
    /// Version 2: the anchor certificate's notBefore, pathLenConstraint and EKU purposes.
    public static let anchorNotBefore: UInt8 = 8
    public static let anchorPathLength: UInt8 = 16
    public static let anchorPurposes: UInt8 = 32

    /// The anchor record flags a bundle of `version` may set.
    static func anchorFlags(version: UInt16) -> UInt8 {
        version == 1 ? 7 : 0x3F
    }
    /// The purposes bits an anchor record may hold: serverAuth and clientAuth, as in
    /// ExtendedKeyUsage.
    public static let anchorPurposeBits: UInt8 = 3
}

/// A section's place in the bundle.
struct Span {
    var offset: Int = 0
    var length: Int = 0
}

/// The bundle's policy section, or the most permissive policy when absent.
public struct BundlePolicy {
    public var depthMax: UInt8 = Limits.depthCeiling
    /// Bit 0 P-256, bit 1 P-384, bit 2 RSA.
    public var allowedKeyAlgorithms: UInt8 = 7
    public var signaturesMax: UInt16 = UInt16.max

    public func allows(_ algorithm: KeyAlgorithm) -> Bool {
        allowedKeyAlgorithms & (1 << (algorithm.rawValue - 1)) != 0
    }
}

/// An opened, verified bundle: views into the caller's bytes.
public struct Bundle {
    public let bytes: UnsafeRawBufferPointer
    public let buildTime: Int64
    public let sequence: UInt32
    public let isSigned: Bool
    /// Here, not first: the field fills padding (the C trust store's opaque words hold it).
    public let formatVersion: UInt16
    public let policy: BundlePolicy
    let anchors: Span
    let certificates: Span
    let deviceChain: Span
    let revocations: Span

    /// Opens `bytes` as a bundle. `signingKey`: an uncompressed P-256 point the bundle must be
    /// signed by (nil: integrity only). `currentSequence`: the sequence number of the bundle
    /// the device holds; the new one must be larger (nil: no rollback check).
    public static func open(_ bytes: UnsafeRawBufferPointer,
                            signingKey: UnsafeRawBufferPointer? = nil,
                            currentSequence: UInt32? = nil) throws(IoTCertError) -> Bundle {
        let header = try BundleHeader(bytes)
        try header.checkDigest(bytes)
        if let signingKey { try header.checkSignature(bytes, key: signingKey) }
        if let currentSequence, header.sequence <= currentSequence { throw .bundleRollback }
        var sections = try BundleSections(bytes, header)
        try sections.validate(bytes)
        return Bundle(bytes: bytes, buildTime: header.buildTime, sequence: header.sequence,
                      isSigned: header.isSigned, formatVersion: header.version,
                      policy: sections.policy,
                      anchors: sections.anchors, certificates: sections.certificates,
                      deviceChain: sections.deviceChain, revocations: sections.revocations)
    }

    public var anchorCount: Int { recordCount(anchors) }
    public var certificateCount: Int { recordCount(certificates) }
    public var deviceChainCount: Int { recordCount(deviceChain) }

    public var revocationList: RevocationList {
        RevocationList(unchecked: bytes.slice(revocations.offset, revocations.length))
    }

    func recordCount(_ s: Span) -> Int {
        s.length == 0 ? 0 : Int(readLE32(bytes, s.offset))
    }

    func recordOffset(_ s: Span, _ i: Int) -> Int {
        s.offset + Int(readLE32(bytes, s.offset + 4 + 4 * i))
    }

    /// The i-th stored certificate's DER.
    public func certificate(_ i: Int) -> UnsafeRawBufferPointer {
        certificateIn(certificates, i)
    }

    /// The i-th certificate of the device's own chain (leaf first), for mTLS.
    public func deviceCertificate(_ i: Int) -> UnsafeRawBufferPointer {
        certificateIn(deviceChain, i)
    }

    private func certificateIn(_ s: Span, _ i: Int) -> UnsafeRawBufferPointer {
        let at = recordOffset(s, i)
        return bytes.slice(at + 4, Int(readLE32(bytes, at)))
    }

    /// The i-th trust anchor (validated by `open`).
    public func anchor(_ i: Int) -> TrustAnchor {
        // `open` proved every record decodes, so this cannot fail.
        (try? AnchorRecord.decode(bytes, at: recordOffset(anchors, i),
                                  end: anchors.offset + anchors.length,
                                  version: formatVersion).anchor) ?? AnchorRecord.unusable
    }

    /// Whether the i-th anchor's subject is `name` (DER) whose digest is `digest`.
    func anchorSubjectMatches(_ i: Int, name: UnsafeRawBufferPointer,
                              digest: UnsafeRawBufferPointer) -> Bool {
        let a = anchor(i)
        if a.subject.count > 0 { return namesMatch(a.subject, name) }
        return a.subjectDigest.bytesEqual(digest)
    }
}

/// The fixed header, checked field by field.
struct BundleHeader {
    let version: UInt16
    let totalLength: Int
    let sectionCount: Int
    let buildTime: Int64
    let sequence: UInt32
    let isSigned: Bool

    init(_ b: UnsafeRawBufferPointer) throws(IoTCertError) {
        guard b.count >= BundleLayout.headerLength else { throw .bundleTruncated }
        guard readLE32(b, 0) == BundleLayout.magic else { throw .bundleBadMagic }
        version = readLE16(b, 4)
        guard version >= BundleLayout.oldestReadableVersion,
            version <= BundleLayout.formatVersion
        else { throw .bundleUnsupportedVersion }
        let flags = readLE16(b, 6)
        guard flags & ~BundleLayout.flagSigned == 0, readLE32(b, 28) == 0 else {
            throw .bundleBadHeader
        }
        isSigned = flags & BundleLayout.flagSigned != 0
        let total = readLE32(b, 8)
        guard total <= UInt32(Int32.max) else { throw .bundleBadHeader }
        totalLength = Int(total)
        guard totalLength <= b.count else { throw .bundleTruncated }
        guard totalLength == b.count else { throw .bundleBadHeader }
        let count = readLE32(b, 12)
        guard count >= 1, count <= UInt32(BundleLayout.sectionsMax) else {
            throw .bundleBadHeader
        }
        sectionCount = Int(count)
        buildTime = readLE64Signed(b, 16)
        sequence = readLE32(b, 24)
        guard totalLength >= tableEnd + trailerLength else { throw .bundleTruncated }
    }

    var trailerLength: Int {
        isSigned ? BundleLayout.signedTrailerLength : BundleLayout.unsignedTrailerLength
    }
    var tableEnd: Int { BundleLayout.headerLength + sectionCount * BundleLayout.sectionEntryLength }
    var contentEnd: Int { totalLength - trailerLength }

    func checkDigest(_ b: UnsafeRawBufferPointer) throws(IoTCertError) {
        var digest = DigestBuffer()
        try withUnsafeMutableBytes(of: &digest) { (out) throws(IoTCertError) in
            let d = UnsafeMutableRawBufferPointer(rebasing: out[0..<BundleLayout.digestLength])
            try Crypto.hash(IOTCERT_HASH_SHA256, b.slice(0, contentEnd), into: d)
            guard UnsafeRawBufferPointer(d).bytesEqual(b.slice(contentEnd, 32)) else {
                throw .bundleDigestMismatch
            }
        }
    }

    /// ECDSA P-256 over the trailer's digest (which `checkDigest` already proved).
    func checkSignature(_ b: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer)
        throws(IoTCertError)
    {
        guard isSigned else { throw .bundleBadSignature }
        guard key.count == 65, key[0] == 0x04 else { throw .invalidArgument }
        let at = contentEnd + BundleLayout.digestLength
        let length = Int(readLE32(b, at))
        guard length >= 1, length <= BundleLayout.signatureLengthMax else {
            throw .bundleBadSignature
        }
        // The signature's zero padding is part of the trailer too: a reader that ignored it
        // would accept bytes the packer did not write (docs/bundle-format.md, "Trailer").
        var i = at + 4 + length
        while i < at + 4 + BundleLayout.signatureLengthMax {
            guard b[i] == 0 else { throw .bundleBadSignature }
            i += 1
        }
        let status = iotcert_port_ecdsa_verify(
            IOTCERT_CURVE_P256, key.baseAddress?.assumingMemoryBound(to: UInt8.self), 65,
            b.baseAddress.map { ($0 + contentEnd).assumingMemoryBound(to: UInt8.self) }, 32,
            b.baseAddress.map { ($0 + at + 4).assumingMemoryBound(to: UInt8.self) }, length)
        switch status {
        case IOTCERT_PORT_OK: return
        case IOTCERT_PORT_BAD_SIGNATURE: throw .bundleBadSignature
        case IOTCERT_PORT_UNSUPPORTED: throw .cryptoUnsupported
        default: throw .cryptoFailure
        }
    }
}

func readLE16(_ b: UnsafeRawBufferPointer, _ at: Int) -> UInt16 {
    UInt16(b[at]) | UInt16(b[at + 1]) << 8
}

func readLE64Signed(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int64 {
    let low = widen(readLE32(b, at))
    let high = widen(readLE32(b, at + 4))
    return Int64(bitPattern: UInt64(bitPattern: high) &<< 32 | UInt64(bitPattern: low))
}

extension TrustStore {
    /// A store over an opened bundle: its anchors, stored certificates, revocations, build
    /// time and policy. Only this initialiser refers to the bundle's functions.
    public init(bundle: Bundle) {
        let revocations = bundle.revocationList
        self.init(source: .bundle(bundle),
                  functions: TrustSourceFunctions(
                      stored: bundleStored, anchorSubjectMatches: bundleAnchorMatches,
                      anchor: bundleAnchor, isLeaf: bundleAnchorIsLeaf,
                      revoked: revocations.isEmpty ? nil : revocationListContains),
                  revocations: revocations, buildTime: bundle.buildTime,
                  anchorCount: bundle.anchorCount, storedCount: bundle.certificateCount,
                  policy: bundle.policy, matchesByDigest: true)
    }

    /// The bundle this store was opened from, or nil for a store of certificates.
    var bundle: Bundle? {
        guard case .bundle(let b) = source else { return nil }
        return b
    }
}

// The functions of a store over a bundle.

private func bundleIn(_ store: UnsafeRawPointer) -> Bundle? {
    store.assumingMemoryBound(to: TrustStore.self).pointee.bundle
}

private func bundleStored(_ store: UnsafeRawPointer, _ j: Int) -> iotcert_buffer {
    guard let b = bundleIn(store) else { return iotcert_buffer(data: nil, len: 0) }
    return iotcert_buffer(b.certificate(j))
}

private func bundleAnchorMatches(_ store: UnsafeRawPointer, _ i: Int, _ name: iotcert_buffer,
                                 _ digest: UnsafeRawPointer) -> Bool {
    guard let b = bundleIn(store) else { return false }
    return b.anchorSubjectMatches(i, name: name.bytes,
                                  digest: UnsafeRawBufferPointer(start: digest,
                                                                 count: subjectDigestLength))
}

/// A bundle anchor is the leaf when it has the leaf's key and its record has not expired (the
/// leaf's own validity is checked as the leaf's).
private func bundleAnchorIsLeaf(_ store: UnsafeRawPointer, _ i: Int, _ leaf: UnsafeRawPointer,
                                _ now: Int64) -> Bool {
    guard let b = bundleIn(store) else { return false }
    let anchor = b.anchor(i)
    let key = leaf.assumingMemoryBound(to: Certificate.self).pointee.publicKey
    return anchor.publicKey.sameKey(key)
        && now <= anchor.notAfter
}

/// Records are not certificates: the strict profile has nothing to add to them.
private func bundleAnchor(_ store: UnsafeRawPointer, _ i: Int, _ strict: Bool,
                          _ out: UnsafeMutableRawPointer) {
    guard let b = bundleIn(store) else { return }  // the outcome says invalidArgument
    let outcome = out.assumingMemoryBound(to: AnchorOutcome.self)
    outcome.pointee.anchor = b.anchor(i)
    outcome.pointee.error = nil
}
