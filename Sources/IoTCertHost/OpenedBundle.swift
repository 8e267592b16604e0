// A bundle opened on the host exactly as the device opens it (the core's Bundle.open over
// bytes that stay put), plus the host-only views that reports need: the section table, the
// records' sizes and the revocation records, read by the layout of docs/bundle-format.md.

import IoTCert

public final class OpenedBundle {
    public let bytes: [UInt8]
    private let pinned: PinnedBytes
    /// The core's bundle: views into `pinned`.
    public let bundle: Bundle
    /// Whether a signature was checked against a pinned key when opening.
    public let signatureChecked: Bool

    /// Opens `bytes` with the core. `signingKey`: an uncompressed P-256 point (65 bytes) the
    /// bundle must be signed by; `currentSequence`: refuse a bundle not newer than this.
    public init(_ bytes: [UInt8], signingKey: [UInt8]? = nil,
                currentSequence: UInt32? = nil) throws(IoTCertError) {
        self.bytes = bytes
        pinned = PinnedBytes(bytes)
        let key = signingKey.map { PinnedBytes($0) }
        bundle = try Bundle.open(pinned.buffer, signingKey: key?.buffer,
                                 currentSequence: currentSequence)
        signatureChecked = signingKey != nil
        withExtendedLifetime(key) {}
    }

    /// One entry of the section table.
    public struct Section: Codable {
        public let type: Int
        public let name: String
        public let offset: Int
        public let length: Int
    }

    public var sections: [Section] {
        let count = Int(le32(12))
        return (0..<count).map { i in
            let at = BundleLayout.headerLength + i * BundleLayout.sectionEntryLength
            let type = Int(le16(at))
            return Section(type: type, name: Self.sectionName(type), offset: Int(le32(at + 4)),
                           length: Int(le32(at + 8)))
        }
    }

    public static func sectionName(_ type: Int) -> String {
        switch type {
        case 1: return "trust anchors"
        case 2: return "stored certificates"
        case 3: return "device chain"
        case 4: return "revocations"
        case 5: return "policy"
        default: return "unknown"
        }
    }

    public var formatVersion: Int { Int(le16(4)) }
    /// The SHA-256 digest in the trailer (which `open` verified).
    public var digest: [UInt8] {
        let trailer = bundle.isSigned ? BundleLayout.signedTrailerLength
            : BundleLayout.unsignedTrailerLength
        let start = bytes.count - trailer
        return Array(bytes[start..<(start + BundleLayout.digestLength)])
    }

    public var storedCertificates: [[UInt8]] {
        (0..<bundle.certificateCount).map { [UInt8](bundle.certificate($0)) }
    }

    public var deviceCertificates: [[UInt8]] {
        (0..<bundle.deviceChainCount).map { [UInt8](bundle.deviceCertificate($0)) }
    }

    /// Sizes of the records of a record section (anchors: type 1), offsets table excluded.
    public func recordSizes(type: Int) -> [Int] {
        guard let s = sections.first(where: { $0.type == type }), s.length >= 4 else {
            return []
        }
        let count = Int(le32(s.offset))
        let starts = (0..<count).map { Int(le32(s.offset + 4 + 4 * $0)) } + [s.length]
        return (0..<count).map { starts[$0 + 1] - starts[$0] }
    }

    /// The revocation section's records.
    public var revocationRecords: [(issuerID: [UInt8], serials: [[UInt8]])] {
        guard let s = sections.first(where: { $0.type == 4 }) else { return [] }
        return RevocationRecords.parse(Array(bytes[s.offset..<(s.offset + s.length)]))
    }

    func le16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    func le32(_ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
    }
}

/// The revocation layout (docs/bundle-format.md, type 4), read back for reports.
public enum RevocationRecords {
    public static func parse(_ b: [UInt8]) -> [(issuerID: [UInt8], serials: [[UInt8]])] {
        var out: [(issuerID: [UInt8], serials: [[UInt8]])] = []
        var at = 0
        while at + revocationIssuerIDLength + 4 <= b.count {
            let id = Array(b[at..<(at + revocationIssuerIDLength)])
            at += revocationIssuerIDLength
            let count = (0..<4).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) }
            at += 4
            var serials: [[UInt8]] = []
            for _ in 0..<count where at + revocationEntryLength <= b.count {
                let n = Int(b[at])
                serials.append(Array(b[(at + 1)..<(at + 1 + min(n, 20))]))
                at += revocationEntryLength
            }
            out.append((id, serials))
        }
        return out
    }
}
