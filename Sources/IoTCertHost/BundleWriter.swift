// Writes trust bundles (docs/bundle-format.md) on the host. The device-side reader is
// Sources/IoTCert/Trust/Bundle.swift; the two agree byte for byte, which the bundle tests check by
// writing with this and opening with that.

import CIoTCert
import Foundation
import IoTCert

/// One trust anchor as the packer keeps it.
public struct AnchorSpec {
    public var algorithm: KeyAlgorithm
    public var key: [UInt8]
    public var exponent: [UInt8]
    /// Subject name DER; stored whole when `keepFullSubject`, else as a 16-byte digest.
    public var subject: [UInt8]
    public var keepFullSubject = false
    /// The NameConstraints SEQUENCE DER, when the anchor is constrained.
    public var nameConstraints: [UInt8]?
    /// Expiry in seconds since 1970 (kept when not nil).
    public var notAfter: Int64?
    /// Format version 2's anchor constraints, each kept when not nil: the start of validity
    /// (seconds since 1970), the pathLenConstraint, and the purposes the EKU allows
    /// (BundleLayout.anchorPurposeBits: serverAuth 1, clientAuth 2).
    public var notBefore: Int64?
    public var pathLength: UInt8?
    public var purposes: UInt8?

    public init(algorithm: KeyAlgorithm, key: [UInt8], exponent: [UInt8], subject: [UInt8],
                keepFullSubject: Bool = false, nameConstraints: [UInt8]? = nil,
                notAfter: Int64? = nil) {
        self.algorithm = algorithm
        self.key = key
        self.exponent = exponent
        self.subject = subject
        self.keepFullSubject = keepFullSubject
        self.nameConstraints = nameConstraints
        self.notAfter = notAfter
    }

    /// The anchor a CA certificate stands for: subject, key, name constraints, expiry.
    public init(certificate der: [UInt8], keepExpiry: Bool = true) throws {
        let (c, nc) = try der.withUnsafeBytes { buffer throws -> (Certificate, [UInt8]?) in
            let c = try Certificate(der: buffer)
            return (c, try locateNameConstraints(buffer).map { Array($0) })
        }
        self.init(algorithm: c.publicKey.algorithm, key: Array(c.publicKey.key),
                  exponent: Array(c.publicKey.exponent), subject: Array(c.subject),
                  nameConstraints: nc, notAfter: keepExpiry ? c.notAfter : nil)
        keepConstraints(of: c)
    }

    /// Keeps what certificate `c` constrains an anchor to beyond its name constraints and
    /// expiry, read as the device's DER trust store reads it (TrustAnchor(certificate:)).
    public mutating func keepConstraints(of c: Certificate) {
        let anchor = TrustAnchor(certificate: c)
        // Before 1970 bounds nothing a device can be told.
        notBefore = anchor.notBefore >= 0 ? anchor.notBefore : nil
        pathLength = anchor.pathLength >= 0 ? UInt8(anchor.pathLength) : nil
        purposes = anchor.purposes.map { $0.raw & BundleLayout.anchorPurposeBits }
    }

    /// The record's bytes, padded to 4.
    func encoded() throws -> [UInt8] {
        var flags: UInt8 = 0
        if keepFullSubject { flags |= BundleLayout.anchorFullSubject }
        if nameConstraints != nil { flags |= BundleLayout.anchorNameConstraints }
        if notAfter != nil { flags |= BundleLayout.anchorExpiry }
        if notBefore != nil { flags |= BundleLayout.anchorNotBefore }
        if pathLength != nil { flags |= BundleLayout.anchorPathLength }
        if purposes != nil { flags |= BundleLayout.anchorPurposes }
        var out: [UInt8] = [algorithm.rawValue, flags]
        out.appendLE16(UInt16(key.count))
        for time in [notAfter, notBefore].compactMap({ $0 }) {
            guard time >= 0, time <= Int64(UInt32.max) else {
                throw BundleWriterError.expiryOutOfRange
            }
            out.appendLE32(UInt32(time))
        }
        if let notBefore, notBefore > notAfter ?? Int64.max {
            throw BundleWriterError.expiryOutOfRange
        }
        if let pathLength { out.append(pathLength) }
        if let purposes {
            guard purposes & ~BundleLayout.anchorPurposeBits == 0 else {
                throw BundleWriterError.purposesOutOfRange
            }
            out.append(purposes)
        }
        if algorithm == .rsa {
            out.append(UInt8(exponent.count))
            out += exponent
        }
        if keepFullSubject {
            out.appendLE16(UInt16(subject.count))
            out += subject
        } else {
            out += Array(sha256(subject).prefix(subjectDigestLength))
        }
        if let nc = nameConstraints {
            out.appendLE16(UInt16(nc.count))
            out += nc
        }
        out += key
        out.padTo4()
        return out
    }
}

public enum BundleWriterError: Error, CustomStringConvertible {
    case expiryOutOfRange
    case purposesOutOfRange
    case tooManyRecords
    case noAnchors
    case signatureTooLong

    public var description: String {
        switch self {
        case .expiryOutOfRange:
            return "an anchor's validity does not fit the format (1970...2106, not before "
                + "no later than not after)"
        case .purposesOutOfRange: return "an anchor's purposes hold bits other than 0 and 1"
        case .tooManyRecords: return "more than 65,534 anchors or certificates in one section"
        case .noAnchors: return "a bundle needs at least one trust anchor"
        case .signatureTooLong: return "the signature is longer than 72 bytes"
        }
    }
}

/// What goes into a bundle.
public struct BundleContents {
    public var anchors: [AnchorSpec] = []
    public var certificates: [[UInt8]] = []
    public var deviceChain: [[UInt8]] = []
    /// Revocations in the core's layout (RevocationEncoder).
    public var revocations: [UInt8] = []
    /// depthMax, allowed key algorithms bits, signaturesMax; nil: no policy section.
    public var policy: (depthMax: UInt8, algorithms: UInt8, signaturesMax: UInt16)?
    public var buildTime: Int64 = 0
    public var sequence: UInt32 = 0

    public init() {}
}

public enum BundleWriter {
    /// Encodes `contents`. `sign`, when given, receives the SHA-256 digest of everything
    /// before the trailer and returns a DER ECDSA P-256 signature over it.
    public static func write(_ contents: BundleContents,
                             sign: (([UInt8]) throws -> [UInt8])? = nil) throws -> [UInt8] {
        guard !contents.anchors.isEmpty else { throw BundleWriterError.noAnchors }
        var sections: [(UInt16, [UInt8])] = []
        sections.append((BundleLayout.sectionAnchors,
                         try recordSection(contents.anchors.map { try $0.encoded() })))
        if !contents.certificates.isEmpty {
            sections.append((BundleLayout.sectionCertificates,
                             try recordSection(contents.certificates.map(certificateRecord))))
        }
        if !contents.deviceChain.isEmpty {
            sections.append((BundleLayout.sectionDeviceChain,
                             try recordSection(contents.deviceChain.map(certificateRecord))))
        }
        if !contents.revocations.isEmpty {
            sections.append((BundleLayout.sectionRevocations, contents.revocations))
        }
        if let p = contents.policy {
            var bytes: [UInt8] = [p.depthMax, p.algorithms]
            bytes.appendLE16(p.signaturesMax)
            sections.append((BundleLayout.sectionPolicy, bytes))
        }
        return try assemble(sections, contents, sign: sign)
    }

    private static func certificateRecord(_ der: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.appendLE32(UInt32(der.count))
        out += der
        out.padTo4()
        return out
    }

    /// count, offsets, records.
    private static func recordSection(_ records: [[UInt8]]) throws -> [UInt8] {
        guard records.count <= BundleLayout.recordsMax else {
            throw BundleWriterError.tooManyRecords
        }
        var out: [UInt8] = []
        out.appendLE32(UInt32(records.count))
        var offset = 4 + 4 * records.count
        for r in records {
            out.appendLE32(UInt32(offset))
            offset += r.count
        }
        for r in records { out += r }
        return out
    }

    private static func assemble(_ sections: [(UInt16, [UInt8])], _ c: BundleContents,
                                 sign: (([UInt8]) throws -> [UInt8])?) throws -> [UInt8] {
        let tableEnd = BundleLayout.headerLength + sections.count * BundleLayout.sectionEntryLength
        var body: [UInt8] = []
        var table: [UInt8] = []
        var offset = tableEnd
        for (type, bytes) in sections {
            table.appendLE16(type)
            table.appendLE16(0)
            table.appendLE32(UInt32(offset))
            table.appendLE32(UInt32(bytes.count))
            var padded = bytes
            padded.padTo4()
            body += padded
            offset += padded.count
        }
        let trailer = sign == nil ? BundleLayout.unsignedTrailerLength
            : BundleLayout.signedTrailerLength
        var header: [UInt8] = []
        header.appendLE32(BundleLayout.magic)
        header.appendLE16(BundleLayout.formatVersion)
        header.appendLE16(sign == nil ? 0 : BundleLayout.flagSigned)
        header.appendLE32(UInt32(offset + trailer))
        header.appendLE32(UInt32(sections.count))
        header.appendLE64(UInt64(bitPattern: c.buildTime))
        header.appendLE32(c.sequence)
        header.appendLE32(0)
        var out = header + table + body
        let digest = sha256(out)
        out += digest
        if let sign {
            let signature = try sign(digest)
            guard signature.count <= BundleLayout.signatureLengthMax else {
                throw BundleWriterError.signatureTooLong
            }
            out.appendLE32(UInt32(signature.count))
            out += signature + [UInt8](repeating: 0, count: 72 - signature.count)
        }
        return out
    }
}

/// SHA-256 through the same port the device uses.
public func sha256(_ bytes: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    bytes.withUnsafeBufferPointer { input in
        var chunk = iotcert_port_chunk(data: input.baseAddress, len: input.count)
        _ = out.withUnsafeMutableBufferPointer {
            iotcert_port_hash(IOTCERT_HASH_SHA256, &chunk, 1, $0.baseAddress)
        }
    }
    return out
}

extension Array where Element == UInt8 {
    mutating func appendLE16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func appendLE32(_ v: UInt32) {
        for i in 0..<4 { append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) }
    }
    mutating func appendLE64(_ v: UInt64) {
        for i in 0..<8 { append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) }
    }
    mutating func padTo4() {
        while count % 4 != 0 { append(0) }
    }
}
