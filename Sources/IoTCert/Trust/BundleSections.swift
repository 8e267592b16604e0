// The section table and every section's structure (docs/bundle-format.md). Run once by
// `Bundle.open`, after the digest proved the bytes are the packer's: what it accepts, the
// accessors may then read without re-checking.

struct BundleSections {
    var anchors = Span()
    var certificates = Span()
    var deviceChain = Span()
    var revocations = Span()
    var policySpan = Span()
    var policy = BundlePolicy()
    let header: BundleHeader

    /// Reads the table: each entry in bounds, aligned, typed once, not overlapping.
    init(_ b: UnsafeRawBufferPointer, _ header: BundleHeader) throws(IoTCertError) {
        self.header = header
        var seen: UInt16 = 0
        for i in 0..<header.sectionCount {
            let at = BundleLayout.headerLength + i * BundleLayout.sectionEntryLength
            let type = readLE16(b, at)
            guard readLE16(b, at + 2) == 0 else { throw .bundleBadSection }
            let offset = Int(readLE32(b, at + 4))
            let length = Int(readLE32(b, at + 8))
            guard type >= 1, type <= 5, seen & (1 << type) == 0 else { throw .bundleBadSection }
            seen |= 1 << type
            guard offset % 4 == 0, offset >= header.tableEnd, length <= header.contentEnd,
                offset <= header.contentEnd - length
            else { throw .bundleBadSection }
            try checkNoOverlap(b, header, i, offset, length)
            let span = Span(offset: offset, length: length)
            switch type {
            case BundleLayout.sectionAnchors: anchors = span
            case BundleLayout.sectionCertificates: certificates = span
            case BundleLayout.sectionDeviceChain: deviceChain = span
            case BundleLayout.sectionRevocations: revocations = span
            default: policySpan = span
            }
        }
        guard seen & (1 << BundleLayout.sectionAnchors) != 0 else { throw .bundleBadSection }
    }

    /// Compares section i with the ones before it (at most 8: quadratic is fine).
    private func checkNoOverlap(_ b: UnsafeRawBufferPointer, _ header: BundleHeader, _ i: Int,
                                _ offset: Int, _ length: Int) throws(IoTCertError) {
        for j in 0..<i {
            let at = BundleLayout.headerLength + j * BundleLayout.sectionEntryLength
            let o = Int(readLE32(b, at + 4))
            let l = Int(readLE32(b, at + 8))
            if offset < o + l && o < offset + length { throw .bundleBadSection }
        }
    }

    mutating func validate(_ b: UnsafeRawBufferPointer) throws(IoTCertError) {
        try validateRecords(b, anchors, minimum: 1) { (at, end) throws(IoTCertError) in
            _ = try AnchorRecord.decode(b, at: at, end: end, version: header.version)
        }
        try validateCertificates(b, certificates)
        try validateCertificates(b, deviceChain)
        if revocations.length > 0 {
            _ = try RevocationList(b.slice(revocations.offset, revocations.length))
        }
        if policySpan.length > 0 { try readPolicy(b) }
    }

    private func validateCertificates(_ b: UnsafeRawBufferPointer, _ s: Span)
        throws(IoTCertError)
    {
        try validateRecords(b, s, minimum: 0) { (at, end) throws(IoTCertError) in
            guard end - at >= 4 else { throw .bundleBadSectionContent }
            let length = Int(readLE32(b, at))
            guard length >= 1, length <= end - at - 4 else { throw .bundleBadSectionContent }
        }
    }

    /// A record section: count, offsets table, then records each inside the section and
    /// 4-aligned. `body` checks one record given its start and the section's end.
    private func validateRecords(_ b: UnsafeRawBufferPointer, _ s: Span, minimum: Int,
                                 _ body: (Int, Int) throws(IoTCertError) -> Void)
        throws(IoTCertError)
    {
        guard s.length > 0 else {
            guard minimum == 0 else { throw .bundleBadSection }
            return
        }
        guard s.length >= 4 else { throw .bundleBadSectionContent }
        let count = Int(readLE32(b, s.offset))
        guard count >= minimum, count <= BundleLayout.recordsMax,
            count <= (s.length - 4) / 4
        else { throw .bundleBadSectionContent }
        let recordsStart = 4 + 4 * count
        let end = s.offset + s.length
        for i in 0..<count {
            let relative = Int(readLE32(b, s.offset + 4 + 4 * i))
            guard relative >= recordsStart, relative < s.length, relative % 4 == 0 else {
                throw .bundleBadSectionContent
            }
            try body(s.offset + relative, end)
        }
    }

    private mutating func readPolicy(_ b: UnsafeRawBufferPointer) throws(IoTCertError) {
        guard policySpan.length == 4 else { throw .bundleBadSectionContent }
        let depth = b[policySpan.offset]
        let algorithms = b[policySpan.offset + 1]
        let signatures = readLE16(b, policySpan.offset + 2)
        guard depth >= 1, depth <= Limits.depthCeiling, algorithms != 0, algorithms & ~7 == 0,
            signatures >= 1
        else { throw .bundleBadSectionContent }
        policy = BundlePolicy(depthMax: depth, allowedKeyAlgorithms: algorithms,
                              signaturesMax: signatures)
    }
}

/// One compact trust anchor record (docs/bundle-format.md, "Trust anchors").
enum AnchorRecord {
    static var unusable: TrustAnchor { TrustAnchor.unusable }

    /// Decodes the record at `at`, which must end before `end`, by the rules of format
    /// `version`.
    static func decode(_ b: UnsafeRawBufferPointer, at start: Int, end: Int, version: UInt16)
        throws(IoTCertError) -> (anchor: TrustAnchor, length: Int)
    {
        var r = ByteCursor(b, start, end)
        let algorithmByte = try r.u8()
        let flags = try r.u8()
        let keyLength = Int(try r.u16())
        guard let algorithm = KeyAlgorithm(rawValue: algorithmByte),
            flags & ~BundleLayout.anchorFlags(version: version) == 0
        else { throw .bundleBadSectionContent }
        var notAfter = Int64.max
        if flags & BundleLayout.anchorExpiry != 0 { notAfter = widen(try r.u32()) }
        let bounds = try constraints(&r, flags: flags, notAfter: notAfter)
        var exponent = UnsafeRawBufferPointer.empty
        if algorithm == .rsa {
            let n = Int(try r.u8())
            guard n >= 1, n <= 4 else { throw .bundleBadSectionContent }
            exponent = try r.bytes(n)
            guard exponent[0] != 0 else { throw .bundleBadSectionContent }
        }
        var subject = UnsafeRawBufferPointer.empty
        var digest = UnsafeRawBufferPointer.empty
        if flags & BundleLayout.anchorFullSubject != 0 {
            subject = try r.bytes(Int(try r.u16()))
            try validateSubject(subject)
        } else {
            digest = try r.bytes(subjectDigestLength)
        }
        var constraints = (permitted: UnsafeRawBufferPointer.empty,
                           excluded: UnsafeRawBufferPointer.empty)
        let hasConstraints = flags & BundleLayout.anchorNameConstraints != 0
        if hasConstraints { constraints = try nameConstraints(try r.bytes(Int(try r.u16()))) }
        let key = try r.bytes(keyLength)
        try validateKey(algorithm, key)
        let anchor = TrustAnchor(subject: subject, subjectDigest: digest,
                                 publicKey: PublicKey(algorithm: algorithm, key: key,
                                                      exponent: exponent),
                                 hasNameConstraints: hasConstraints,
                                 permittedSubtrees: constraints.permitted,
                                 excludedSubtrees: constraints.excluded, notAfter: notAfter,
                                 notBefore: bounds.notBefore, pathLength: bounds.pathLength,
                                 purposes: bounds.purposes)
        return (anchor, r.at - start)
    }

    /// The version 2 fields: not before, path length, purposes, each only with its flag.
    private static func constraints(_ r: inout ByteCursor, flags: UInt8, notAfter: Int64)
        throws(IoTCertError)
        -> (notBefore: Int64, pathLength: Int32, purposes: ExtendedKeyUsage?)
    {
        var notBefore = Int64.min
        if flags & BundleLayout.anchorNotBefore != 0 {
            notBefore = widen(try r.u32())
            guard notBefore <= notAfter else { throw .bundleBadSectionContent }
        }
        var pathLength: Int32 = -1
        if flags & BundleLayout.anchorPathLength != 0 { pathLength = Int32(try r.u8()) }
        var purposes: ExtendedKeyUsage?
        if flags & BundleLayout.anchorPurposes != 0 {
            let bits = try r.u8()
            guard bits & ~BundleLayout.anchorPurposeBits == 0 else {
                throw .bundleBadSectionContent
            }
            purposes = ExtendedKeyUsage(raw: bits)
        }
        return (notBefore, pathLength, purposes)
    }

    private static func validateSubject(_ der: UnsafeRawBufferPointer) throws(IoTCertError) {
        do throws(IoTCertError) {
            var reader = DERReader(der)
            let name = try reader.read(.sequence)
            try reader.finish()
            try validateName(name)
        } catch {
            throw .bundleBadSectionContent
        }
    }

    private static func validateKey(_ algorithm: KeyAlgorithm, _ key: UnsafeRawBufferPointer)
        throws(IoTCertError)
    {
        switch algorithm {
        case .ecP256: guard key.count == 65, key[0] == 4 else { throw .bundleBadSectionContent }
        case .ecP384: guard key.count == 97, key[0] == 4 else { throw .bundleBadSectionContent }
        case .rsa:
            guard key.count >= 256, key.count <= 512, key[0] != 0 else {
                throw .bundleBadSectionContent
            }
        }
    }

    /// The NameConstraints SEQUENCE: its permitted and excluded subtrees' content.
    private static func nameConstraints(_ der: UnsafeRawBufferPointer) throws(IoTCertError)
        -> (permitted: UnsafeRawBufferPointer, excluded: UnsafeRawBufferPointer)
    {
        do throws(IoTCertError) {
            var reader = DERReader(der)
            let value = try reader.read(.sequence)
            try reader.finish()
            var r = try value.children()
            let permitted = try r.readIfPresent(.context(0, constructed: true))
            let excluded = try r.readIfPresent(.context(1, constructed: true))
            try r.finish()
            guard permitted != nil || excluded != nil else {
                throw IoTCertError.bundleBadSectionContent
            }
            if let permitted { _ = try validateGeneralSubtrees(permitted) }
            if let excluded { _ = try validateGeneralSubtrees(excluded) }
            return (permitted?.content ?? .empty, excluded?.content ?? .empty)
        } catch {
            throw .bundleBadSectionContent
        }
    }
}

/// Reads little-endian fields from a bounded range; running past `end` is a content error.
struct ByteCursor {
    let b: UnsafeRawBufferPointer
    var at: Int
    let end: Int

    init(_ b: UnsafeRawBufferPointer, _ at: Int, _ end: Int) {
        self.b = b
        self.at = at
        self.end = end
    }

    mutating func bytes(_ n: Int) throws(IoTCertError) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= end - at else { throw .bundleBadSectionContent }
        defer { at += n }
        return b.slice(at, n)
    }

    mutating func u8() throws(IoTCertError) -> UInt8 { try bytes(1)[0] }
    mutating func u16() throws(IoTCertError) -> UInt16 {
        let v = try bytes(2)
        return UInt16(v[0]) | UInt16(v[1]) << 8
    }
    mutating func u32() throws(IoTCertError) -> UInt32 { readLE32(try bytes(4), 0) }
}
