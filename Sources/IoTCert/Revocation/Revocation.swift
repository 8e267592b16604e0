// Revoked serial numbers, compact and searched in place (the bundle's revocation section and
// the host's CRL import share this layout; docs/bundle-format.md specifies it):
//
//   repeat until the end:
//     issuer key id   16 bytes   first 16 bytes of SHA-256 over the issuer's public key bytes
//                                (EC point or RSA modulus, as PublicKey.key)
//     count           u32 LE     number of serials that follow
//     serials         count x 21 bytes, each: length (1...20), then the serial's magnitude
//                                big-endian, zero-padded on the right; sorted ascending by
//                                (length, bytes), no duplicates
//
// The key identifies the issuer: a CRL is signed by its issuer's key, and a certificate can
// only chain to an issuer whose key verifies it, so the pair (issuer key, serial) names one
// certificate.

import CIoTCert

public let revocationIssuerIDLength = 16
public let revocationEntryLength = 21

public struct RevocationList {
    public let bytes: UnsafeRawBufferPointer

    public static var none: RevocationList { RevocationList(unchecked: .empty) }

    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Validates the layout (every count in bounds, every serial well-formed and in order).
    public init(_ bytes: UnsafeRawBufferPointer) throws(IoTCertError) {
        var at = 0
        // Bounded by the list's length: each record consumes at least 20 bytes.
        while at < bytes.count {
            guard bytes.count - at >= revocationIssuerIDLength + 4 else {
                throw .bundleBadSectionContent
            }
            let count = Int(readLE32(bytes, at + revocationIssuerIDLength))
            at += revocationIssuerIDLength + 4
            guard count <= (bytes.count - at) / revocationEntryLength else {
                throw .bundleBadSectionContent
            }
            for k in 0..<count {
                let entry = bytes.slice(at + k * revocationEntryLength, revocationEntryLength)
                guard entry[0] >= 1, entry[0] <= 20 else { throw .bundleBadSectionContent }
                if k > 0 {
                    let previous = bytes.slice(at + (k - 1) * revocationEntryLength,
                                               revocationEntryLength)
                    guard compareEntries(previous, entry) < 0 else {
                        throw .bundleBadSectionContent
                    }
                }
            }
            at += count * revocationEntryLength
        }
        self.bytes = bytes
    }

    public var isEmpty: Bool { bytes.count == 0 }

    /// Whether the certificate with `serial` (INTEGER content octets) issued by the holder of
    /// the key whose id is `issuerKeyID` is revoked.
    func contains(issuerKeyID: UnsafeRawBufferPointer, serial: UnsafeRawBufferPointer) -> Bool {
        var magnitude = serial
        if magnitude.count > 1 && magnitude[0] == 0 {
            magnitude = magnitude.slice(1, magnitude.count - 1)
        }
        guard magnitude.count <= 20 else { return false }
        var at = 0
        while at + revocationIssuerIDLength + 4 <= bytes.count {
            let id = bytes.slice(at, revocationIssuerIDLength)
            let count = Int(readLE32(bytes, at + revocationIssuerIDLength))
            at += revocationIssuerIDLength + 4
            if id.bytesEqual(issuerKeyID) && search(at, count, magnitude) { return true }
            at += count * revocationEntryLength
        }
        return false
    }

    /// Binary search of one issuer's sorted serials.
    private func search(_ start: Int, _ count: Int, _ magnitude: UnsafeRawBufferPointer) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            let entry = bytes.slice(start + mid * revocationEntryLength, revocationEntryLength)
            let order = compareSerial(entry, magnitude)
            if order == 0 { return true }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return false
    }
}

/// Orders two 21-byte entries by (length, bytes).
private func compareEntries(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    compareSerial(a, b.slice(1, Int(b[0])))
}

/// Orders an entry against a serial magnitude by (length, bytes).
private func compareSerial(_ entry: UnsafeRawBufferPointer, _ m: UnsafeRawBufferPointer) -> Int {
    let length = Int(entry[0])
    if length != m.count { return length < m.count ? -1 : 1 }
    for i in 0..<length where entry[1 + i] != m[i] {
        return entry[1 + i] < m[i] ? -1 : 1
    }
    return 0
}

func readLE32(_ b: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
    UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
}
