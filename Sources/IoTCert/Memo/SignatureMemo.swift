// The signature memo: a caller-owned table of (issuer key, signed certificate) pairs whose
// signature verified. A device that reconnects to the same server meets the same pairs; a
// hit skips the ECDSA/RSA computation but nothing else (time, names, constraints, revocation,
// policy are checked on every verification). A miss costs one SHA-256.
//
// Layout (little-endian, in caller memory, e.g. RAM retained across sleep):
//   u32 magic "MEMO", u32 slot count, u32 next slot to replace, u32 entries in use,
//   then slot count x 32-byte keys. Key = SHA-256(issuer key algorithm || issuer key ||
//   issuer exponent || the whole signed certificate DER), so a different issuer key, or any
//   change to the certificate (its TBS, algorithm or signature), is a different key.
// Replacement is first-in first-out: a full memo overwrites its oldest entry, so a device
// talking to a handful of servers keeps all their links, and a flood of new chains cannot
// grow it.
//
// Linked only into a product that uses it: the path search and iotcert_verify reach the
// memo's code only through `memoFunctions`, which starts out nil and which only formatting
// or attaching a memo (iotcert_memo_init, iotcert_memo_attach, SignatureMemo.format,
// SignatureMemo(attaching:)) fills in. A product that calls none of them refers to no memo
// code, so --gc-sections drops it.

import CIoTCert

/// What the memo does, as C function pointers into its own code (like TrustSourceFunctions
/// for the trust sources). The memo arguments are SignatureMemo values, by pointer.
struct MemoFunctions {
    /// Checks `length` bytes at `memory` as a formatted memo and writes the SignatureMemo
    /// over it to `out` (a SignatureMemo?); false (out untouched) when it is none.
    let attach: @convention(c) (UnsafeMutableRawPointer, Int, UnsafeMutableRawPointer) -> Bool
    /// Writes the key of the certificate `der` signed by `issuer` (a PublicKey) to `key`
    /// (32 bytes). Returns 1 when the memo holds it, 0 when not, -1 when hashing failed.
    let lookup: @convention(c) (UnsafeRawPointer, iotcert_buffer, UnsafeRawPointer,
                                UnsafeMutableRawPointer) -> Int32
    /// Records `key` (32 bytes) in the memo.
    let record: @convention(c) (UnsafeRawPointer, UnsafeRawPointer) -> Void
}

/// The memo's functions once any memo was formatted or attached; nil before. Statically
/// initialized (no lazy initializer in Embedded Swift), written only with the same value.
nonisolated(unsafe) var memoFunctions: MemoFunctions? = nil

public enum SignatureMemoLayout {
    public static let magic: UInt32 = 0x4F4D_454D  // "MEMO" read little-endian
    public static let headerLength = 16
    public static let keyLength = 32
    /// Most slots one memo may have: a lookup scans them all, so the bound is the worst-case
    /// cost of a miss (4,096 x 32-byte compares).
    public static let slotsMax = 4_096

    /// Bytes for a memo of `slots` entries.
    public static func bytes(slots: Int) -> Int { headerLength + keyLength * slots }
}

/// A view of a formatted memo in caller memory.
public struct SignatureMemo {
    let memory: UnsafeMutableRawBufferPointer
    public let slots: Int

    /// Formats `memory` as an empty memo with as many slots as fit (up to slotsMax).
    public static func format(_ memory: UnsafeMutableRawBufferPointer) throws(IoTCertError)
        -> SignatureMemo
    {
        guard memory.baseAddress != nil else { throw .invalidArgument }
        let fit = (memory.count - SignatureMemoLayout.headerLength) / SignatureMemoLayout.keyLength
        guard memory.count > SignatureMemoLayout.headerLength, fit >= 1 else {
            throw .invalidArgument
        }
        let slots = min(fit, SignatureMemoLayout.slotsMax)
        installMemoFunctions()
        writeLE32(memory, 0, SignatureMemoLayout.magic)
        writeLE32(memory, 4, UInt32(slots))
        writeLE32(memory, 8, 0)
        writeLE32(memory, 12, 0)
        return SignatureMemo(memory: memory, slots: slots)
    }

    /// Attaches to a memo formatted earlier (e.g. before the device slept). Anything that
    /// does not look like one is refused, so stale RAM is never mistaken for a memo.
    public init(attaching memory: UnsafeMutableRawBufferPointer) throws(IoTCertError) {
        guard memory.baseAddress != nil, memory.count >= SignatureMemoLayout.headerLength,
            readLE32(UnsafeRawBufferPointer(memory), 0) == SignatureMemoLayout.magic
        else { throw .invalidArgument }
        let m = UnsafeRawBufferPointer(memory)
        let slots = Int(readLE32(m, 4))
        guard slots >= 1, slots <= SignatureMemoLayout.slotsMax,
            SignatureMemoLayout.bytes(slots: slots) <= memory.count,
            Int(readLE32(m, 8)) < slots, Int(readLE32(m, 12)) <= slots
        else { throw .invalidArgument }
        installMemoFunctions()
        self.init(memory: memory, slots: slots)
    }

    private init(memory: UnsafeMutableRawBufferPointer, slots: Int) {
        self.memory = memory
        self.slots = slots
    }

    public var count: Int { Int(readLE32(UnsafeRawBufferPointer(memory), 12)) }

    /// Whether `key` (32 bytes) is recorded.
    func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        let m = UnsafeRawBufferPointer(memory)
        for i in 0..<count {
            let at = SignatureMemoLayout.headerLength + i * SignatureMemoLayout.keyLength
            if m.slice(at, SignatureMemoLayout.keyLength).bytesEqual(key) { return true }
        }
        return false
    }

    /// Records `key`, replacing the oldest entry when full.
    func insert(_ key: UnsafeRawBufferPointer) {
        let m = UnsafeRawBufferPointer(memory)
        let next = Int(readLE32(m, 8))
        let at = SignatureMemoLayout.headerLength + next * SignatureMemoLayout.keyLength
        for i in 0..<SignatureMemoLayout.keyLength { memory[at + i] = key[i] }
        writeLE32(memory, 8, UInt32((next + 1) % slots))
        writeLE32(memory, 12, UInt32(min(count + 1, slots)))
    }

    /// The memo key of `child` signed by `key`.
    static func key(child: Certificate, issuer key: PublicKey,
                    into out: UnsafeMutableRawBufferPointer) throws(IoTCertError) {
        try SignatureMemo.key(signed: child.der, issuer: key, into: out)
    }

    /// The key of the certificate whose whole DER is `der`, signed by `key`.
    static func key(signed der: UnsafeRawBufferPointer, issuer key: PublicKey,
                    into out: UnsafeMutableRawBufferPointer) throws(IoTCertError) {
        var prefix = key.algorithm.rawValue
        try withUnsafeBytes(of: &prefix) { (p) throws(IoTCertError) in
            var chunks = (
                chunk(p), chunk(key.key), chunk(key.exponent), chunk(der))
            let status = withUnsafeMutablePointer(to: &chunks) {
                $0.withMemoryRebound(to: iotcert_port_chunk.self, capacity: 4) {
                    iotcert_port_hash(IOTCERT_HASH_SHA256, $0, 4,
                                      out.baseAddress?.assumingMemoryBound(to: UInt8.self))
                }
            }
            guard status == IOTCERT_PORT_OK else { throw .cryptoFailure }
        }
    }
}

/// Makes the memo reachable from iotcert_verify and the path search.
private func installMemoFunctions() {
    memoFunctions = MemoFunctions(
        attach: { memory, length, out in
            guard let memo = try? SignatureMemo(
                attaching: UnsafeMutableRawBufferPointer(start: memory, count: length))
            else { return false }
            out.assumingMemoryBound(to: Optional<SignatureMemo>.self).pointee = memo
            return true
        },
        lookup: { memo, der, issuer, key in
            let out = UnsafeMutableRawBufferPointer(start: key,
                                                    count: SignatureMemoLayout.keyLength)
            guard (try? SignatureMemo.key(
                signed: UnsafeRawBufferPointer(start: der.data, count: der.len),
                issuer: issuer.assumingMemoryBound(to: PublicKey.self).pointee, into: out))
                != nil
            else { return -1 }
            let found = memo.assumingMemoryBound(to: SignatureMemo.self).pointee
                .contains(UnsafeRawBufferPointer(out))
            return found ? 1 : 0
        },
        record: { memo, key in
            memo.assumingMemoryBound(to: SignatureMemo.self).pointee.insert(
                UnsafeRawBufferPointer(start: key, count: SignatureMemoLayout.keyLength))
        })
}

private func chunk(_ b: UnsafeRawBufferPointer) -> iotcert_port_chunk {
    iotcert_port_chunk(data: b.baseAddress?.assumingMemoryBound(to: UInt8.self), len: b.count)
}

func writeLE32(_ b: UnsafeMutableRawBufferPointer, _ at: Int, _ v: UInt32) {
    b[at] = UInt8(truncatingIfNeeded: v)
    b[at + 1] = UInt8(truncatingIfNeeded: v >> 8)
    b[at + 2] = UInt8(truncatingIfNeeded: v >> 16)
    b[at + 3] = UInt8(truncatingIfNeeded: v >> 24)
}
