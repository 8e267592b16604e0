// The trust store's commit record (docs/store.md): which slot holds the committed bundle,
// and exactly which bundle (length, sequence, digest). A record counts only when its own
// SHA-256 checks, so a record torn by a power cut, a half-erased sector or erased flash of
// any value is simply absent, and the other commit sector's record wins.

import CIoTCert

public enum CommitRecordLayout {
    public static let magic: UInt32 = 0x5254_4F49  // "IOTR" read little-endian
    public static let version: UInt16 = 1
    /// Bytes 0 ..< 64 are the fields; 64 ..< 96 their SHA-256.
    public static let fieldsLength = 64
    public static let digestOffset = 32
}

/// 32 bytes inline (a SHA-256).
struct Digest32 {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    init(_ bytes: UnsafeRawBufferPointer) {
        withUnsafeMutableBytes(of: &words) { out in
            for i in 0..<32 { out[i] = bytes[i] }
        }
    }

    func equals(_ bytes: UnsafeRawBufferPointer) -> Bool {
        withUnsafeBytes(of: words) { $0.bytesEqual(bytes) }
    }
}

/// Room for one record (96 bytes), on the stack.
struct RecordBuffer {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

/// A decoded, checked commit record.
struct CommitRecord {
    /// The slot holding the bundle: 0 (A) or 1 (B).
    var slot: Int
    /// Larger is newer: one more than the largest generation on flash when written.
    var generation: UInt32
    var length: UInt32
    var sequence: UInt32
    /// The bundle trailer's SHA-256: binds the record to one exact bundle.
    var digest: Digest32

    //  0  u32  magic "IOTR"           16  u32  bundle sequence
    //  4  u16  record version (1)     20  12   reserved, zero
    //  6  u16  slot (0 A, 1 B)        32  32   bundle digest (the bundle's trailer SHA-256)
    //  8  u32  generation             64  32   SHA-256 over bytes 0 ..< 64
    // 12  u32  bundle length
    /// The record in `b` (96 bytes), or nil when it is not a valid record for a slot of
    /// `slotSize` bytes. Throws only when the crypto port fails.
    static func decode(_ b: UnsafeRawBufferPointer, slotSize: UInt32) throws(IoTCertError)
        -> CommitRecord?
    {
        guard b.count >= StoreLayout.recordLength,
            readLE32(b, 0) == CommitRecordLayout.magic,
            readLE16(b, 4) == CommitRecordLayout.version
        else { return nil }
        var check = Digest32()
        try withUnsafeMutableBytes(of: &check.words) { (out) throws(IoTCertError) in
            try Crypto.hash(IOTCERT_HASH_SHA256, b.slice(0, CommitRecordLayout.fieldsLength),
                            into: out)
        }
        guard check.equals(b.slice(CommitRecordLayout.fieldsLength, 32)) else { return nil }
        let slot = readLE16(b, 6)
        let length = readLE32(b, 12)
        guard slot <= 1, length >= 1, length <= slotSize else { return nil }
        for i in 20..<32 where b[i] != 0 { return nil }
        return CommitRecord(slot: Int(slot), generation: readLE32(b, 8), length: length,
                            sequence: readLE32(b, 16),
                            digest: Digest32(b.slice(CommitRecordLayout.digestOffset, 32)))
    }

    /// Writes the record's 96 bytes to the start of `out`.
    func encode(into out: UnsafeMutableRawBufferPointer) throws(IoTCertError) {
        for i in 0..<StoreLayout.recordLength { out[i] = 0 }
        writeLE32(out, 0, CommitRecordLayout.magic)
        writeLE32(out, 4, UInt32(CommitRecordLayout.version) | UInt32(slot) << 16)
        writeLE32(out, 8, generation)
        writeLE32(out, 12, length)
        writeLE32(out, 16, sequence)
        withUnsafeBytes(of: digest.words) { d in
            for i in 0..<32 { out[CommitRecordLayout.digestOffset + i] = d[i] }
        }
        let fields = UnsafeRawBufferPointer(out).slice(0, CommitRecordLayout.fieldsLength)
        let check = CommitRecordLayout.fieldsLength..<StoreLayout.recordLength
        try Crypto.hash(IOTCERT_HASH_SHA256, fields,
                        into: UnsafeMutableRawBufferPointer(rebasing: out[check]))
    }
}
