// The on-device trust store (docs/store.md, Include/iotcert_store.h): two bundle slots and
// two commit sectors on flash the firmware supplies. Opening reads both commit records and
// serves the bundle the newest valid one names, after checking that the slot holds exactly
// that bundle (digest, sequence, length). Updates are in StoreUpdate.swift.
//
// Why a power cut can never leave the device without a bundle, or with a mixture of two:
// an update only ever erases and programs the slot and the commit sector that the record in
// use does not occupy, and a bundle becomes the one served only when its commit record, a
// self-checking 96-byte unit, is completely programmed. Until then the previous record,
// untouched, still names the previous bundle, untouched.

import CIoTCert

/// 65 bytes of P-256 point, inline.
struct StoredKey {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0)
    var isPresent = false
    static let length = 65
}

/// The committed bundle the store serves, and the commit sector its record is in.
struct ActiveBundle {
    var record: CommitRecord
    var sector: Int
}

public struct Store {
    let flash: Flash
    var key = StoredKey()
    /// Where bundles are read to when the flash is not memory-mapped (nil when it is).
    let buffer: UnsafeMutableRawBufferPointer?
    var active: ActiveBundle?
    /// Why `active` is nil: `storeEmpty`, or `storeFlashFailure` when the driver failed
    /// while the store looked.
    var absence = IoTCertError.storeEmpty
    /// The newest valid record on flash (whether or not its bundle verified) and its sector:
    /// the next commit takes the next generation.
    var newest: CommitRecord?
    var newestSector = 0
    var update = UpdateState()

    /// Opens the store on `flash`. `signingKey`: the owner's bundle-signing key, an
    /// uncompressed P-256 point every update must be signed with (nil: updates are checked
    /// for integrity and sequence only). `buffer`: RAM for bundles when the flash has no
    /// `map` function, at least a slot long (ignored otherwise). Fails only for a bad
    /// argument or geometry; a store with no valid bundle opens, and `bundle()` says why.
    public static func open(flash description: iotcert_flash,
                            signingKey: UnsafeRawBufferPointer? = nil,
                            buffer: UnsafeMutableRawBufferPointer? = nil) throws(IoTCertError)
        -> Store
    {
        let flash = try Flash(description)
        var ram: UnsafeMutableRawBufferPointer? = nil
        if !flash.isMapped {
            guard let buffer, buffer.baseAddress != nil, buffer.count >= Int(flash.slotSize)
            else { throw .storeBufferTooSmall }
            ram = buffer
        }
        var store = Store(flash: flash, buffer: ram)
        if let signingKey {
            guard signingKey.count == StoredKey.length, signingKey[0] == 0x04 else {
                throw .invalidArgument
            }
            withUnsafeMutableBytes(of: &store.key.words) { out in
                for i in 0..<StoredKey.length { out[i] = signingKey[i] }
            }
            store.key.isPresent = true
        }
        try store.select()
        return store
    }

    private init(flash: Flash, buffer: UnsafeMutableRawBufferPointer?) {
        self.flash = flash
        self.buffer = buffer
    }

    /// The bundle the store serves, verified again (digest, and that it is the one its
    /// commit record names). It reads in place: from mapped flash, or from the RAM buffer,
    /// which this call fills. Throws `storeEmpty` or `storeFlashFailure` when there is none.
    public func bundle() throws(IoTCertError) -> Bundle {
        guard let active else { throw absence }
        return try open(active.record)
    }

    public var activeSlot: Int? { active?.record.slot }
    public var activeSequence: UInt32? { active?.record.sequence }
    public var activeGeneration: UInt32? { active?.record.generation }
    public var activeLength: Int? { active.map { Int($0.record.length) } }

    /// Reads both commit records and picks the bundle to serve: the newest record whose slot
    /// holds its bundle, else the other record's. The second choice only matters when flash
    /// lost the newest bundle after its commit (wear, radiation); a power cut never needs it.
    mutating func select() throws(IoTCertError) {
        active = nil
        absence = .storeEmpty
        newest = nil
        let first = try readRecord(0)
        let second = try readRecord(1)
        var order = (first, second, 0, 1)
        if let a = first, let b = second, isNewer(b.generation, than: a.generation) {
            order = (second, first, 1, 0)
        } else if first == nil {
            order = (second, nil, 1, 0)
        }
        guard let newestRecord = order.0 else { return }
        newest = newestRecord
        newestSector = order.2
        if try serves(newestRecord, sector: order.2) { return }
        if let older = order.1 { _ = try serves(older, sector: order.3) }
    }

    /// Whether `record`'s bundle verifies; if so it becomes the active one.
    private mutating func serves(_ record: CommitRecord, sector: Int) throws(IoTCertError)
        -> Bool
    {
        do {
            _ = try open(record)
            active = ActiveBundle(record: record, sector: sector)
            return true
        } catch {
            try noteFailure(error)
            return false
        }
    }

    /// A flash failure is remembered as the reason for having no bundle; a port failure is
    /// thrown; anything else means "not this one".
    private mutating func noteFailure(_ error: IoTCertError) throws(IoTCertError) {
        switch error {
        case .storeFlashFailure: absence = .storeFlashFailure
        case .cryptoFailure, .cryptoUnsupported: throw error
        default: break
        }
    }

    /// The record in commit sector `sector`, or nil when there is none (erased, torn, or
    /// unreadable: a driver that reports a torn ECC word as a read failure must not make the
    /// other record unusable).
    private mutating func readRecord(_ sector: Int) throws(IoTCertError) -> CommitRecord? {
        var raw = RecordBuffer()
        let flash = self.flash
        return try withUnsafeMutableBytes(of: &raw.words) {
            (b) throws(IoTCertError) -> CommitRecord? in
            do throws(IoTCertError) {
                try flash.read(flash.commitSectorOffset(sector), into: b)
            } catch {
                absence = .storeFlashFailure
                return nil
            }
            return try CommitRecord.decode(UnsafeRawBufferPointer(b), slotSize: flash.slotSize)
        }
    }

    /// The bundle `record` names, opened in place and matched against the record.
    func open(_ record: CommitRecord) throws(IoTCertError) -> Bundle {
        let bytes = try slotBytes(record.slot, Int(record.length))
        let bundle = try Bundle.open(bytes)
        guard bundle.sequence == record.sequence, record.digest.equals(bundle.trailerDigest)
        else { throw .bundleDigestMismatch }
        return bundle
    }

    /// The first `length` bytes of `slot`: mapped, or read into the RAM buffer.
    func slotBytes(_ slot: Int, _ length: Int) throws(IoTCertError) -> UnsafeRawBufferPointer {
        let offset = flash.slotOffset(slot)
        guard let buffer else {
            guard let view = flash.map(offset, length) else { throw .storeFlashFailure }
            return view
        }
        let view = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length])
        try flash.read(offset, into: view)
        return UnsafeRawBufferPointer(view)
    }

    /// The signing key as `Bundle.open` takes it.
    func withSigningKey<R>(_ body: (UnsafeRawBufferPointer?) throws(IoTCertError) -> R)
        throws(IoTCertError) -> R
    {
        let key = self.key
        return try withUnsafeBytes(of: key.words) { (k) throws(IoTCertError) -> R in
            try body(key.isPresent ? k.slice(0, StoredKey.length) : nil)
        }
    }
}

/// Generations compare as serial numbers (RFC 1982): only two records exist at a time and
/// they differ by one, so the order survives the counter wrapping.
func isNewer(_ a: UInt32, than b: UInt32) -> Bool {
    Int32(bitPattern: a &- b) > 0
}

extension Bundle {
    /// The trailer's SHA-256 over everything before it (proven by `open`).
    var trailerDigest: UnsafeRawBufferPointer {
        let trailer = isSigned ? BundleLayout.signedTrailerLength
            : BundleLayout.unsignedTrailerLength
        return bytes.slice(bytes.count - trailer, BundleLayout.digestLength)
    }
}
