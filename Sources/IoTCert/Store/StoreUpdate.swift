// Updating the trust store: the new bundle arrives in pieces of any size (over the network,
// with little RAM), is programmed into the slot the active bundle does not occupy, verified
// where it lies (digest, signature by the pinned key, sequence newer than the active one),
// and committed by programming one self-checking record into the commit sector the active
// record does not occupy. docs/store.md walks through every step a power cut can interrupt.

/// One program unit (at most `StoreLayout.programUnitMax` bytes), inline.
struct UnitBuffer {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

/// The update in progress.
struct UpdateState {
    var inProgress = false
    var slot = 0
    /// The length announced by `beginUpdate`.
    var length: UInt32 = 0
    /// Bytes programmed so far: a multiple of the program unit.
    var flushed: UInt32 = 0
    /// Bytes received but not yet programmed (less than a unit).
    var pendingCount = 0
    var pending = UnitBuffer()

    var received: UInt32 { flushed + UInt32(pendingCount) }
}

extension Store {
    /// The update in progress, as (announced length, bytes received); nil when none.
    public var updateProgress: (length: Int, received: Int)? {
        update.inProgress ? (Int(update.length), Int(update.received)) : nil
    }

    /// Starts an update of `length` bytes (abandoning any update in progress): erases as
    /// many sectors of the inactive slot as the update needs. The active bundle is not
    /// touched, and a trust opened from it stays valid.
    public mutating func beginUpdate(length: Int) throws(IoTCertError) {
        update.inProgress = false
        guard length >= 1 else { throw .invalidArgument }
        guard length <= Int(flash.slotSize) else { throw .storeUpdateTooLarge }
        let slot = active.map { 1 - $0.record.slot } ?? 0
        let offset = flash.slotOffset(slot)
        let sectors = (UInt32(length) + flash.sectorSize - 1) / flash.sectorSize
        // Bounded by the slot: slotSize / sectorSize erases at most.
        for i in 0..<sectors {
            try flash.erase(offset + i * flash.sectorSize)
        }
        update = UpdateState()
        update.slot = slot
        update.length = UInt32(length)
        update.inProgress = true
    }

    /// Takes the next `bytes` of the update. Whole program units go to flash straight from
    /// `bytes`; a partial unit waits in the store until the next call. Any failure ends the
    /// update (begin again).
    public mutating func writeUpdate(_ bytes: UnsafeRawBufferPointer) throws(IoTCertError) {
        guard update.inProgress else { throw .storeUpdateNotStarted }
        guard bytes.count <= Int(update.length - update.received) else {
            update.inProgress = false
            throw .storeUpdateLengthMismatch
        }
        do {
            try absorb(bytes)
        } catch {
            update.inProgress = false
            throw error
        }
    }

    private mutating func absorb(_ bytes: UnsafeRawBufferPointer) throws(IoTCertError) {
        let unit = Int(flash.programUnit)
        var rest = bytes
        if update.pendingCount > 0 {
            let take = min(unit - update.pendingCount, rest.count)
            appendPending(rest.slice(0, take))
            rest = rest.slice(take, rest.count - take)
            if update.pendingCount == unit { try programPending() }
        }
        // Here either nothing is pending or `rest` is empty. Each pass programs at least one
        // unit, never across a sector boundary.
        let base = flash.slotOffset(update.slot)
        while rest.count >= unit {
            let sectorEnd = (update.flushed / flash.sectorSize + 1) * flash.sectorSize
            let n = min(rest.count / unit * unit, Int(sectorEnd - update.flushed))
            try flash.program(base + update.flushed, rest.slice(0, n))
            update.flushed += UInt32(n)
            rest = rest.slice(n, rest.count - n)
        }
        appendPending(rest)
    }

    private mutating func appendPending(_ bytes: UnsafeRawBufferPointer) {
        let at = update.pendingCount
        withUnsafeMutableBytes(of: &update.pending.words) { out in
            for i in 0..<bytes.count { out[at + i] = bytes[i] }
        }
        update.pendingCount += bytes.count
    }

    /// Programs the pending unit, padded with 0xFF past the update's end.
    private mutating func programPending() throws(IoTCertError) {
        let unit = Int(flash.programUnit)
        let at = flash.slotOffset(update.slot) + update.flushed
        let count = update.pendingCount
        let flash = self.flash
        try withUnsafeMutableBytes(of: &update.pending.words) { (b) throws(IoTCertError) in
            for i in count..<unit { b[i] = 0xFF }
            try flash.program(at, UnsafeRawBufferPointer(b).slice(0, unit))
        }
        update.flushed += UInt32(unit)
        update.pendingCount = 0
    }

    /// Ends the update: programs what is pending, verifies the new bundle where it lies
    /// (`Bundle.open` with the pinned key and the newest committed sequence), then commits
    /// it. Returns the new active bundle. The update ends whatever happens; on any failure
    /// the active bundle stays as it was (in RAM-buffer mode, call `bundle()` again: the
    /// buffer held the refused update).
    public mutating func finishUpdate() throws(IoTCertError) -> Bundle {
        guard update.inProgress else { throw .storeUpdateNotStarted }
        update.inProgress = false
        guard update.received == update.length else { throw .storeUpdateLengthMismatch }
        if update.pendingCount > 0 { try programPending() }
        let bytes = try slotBytes(update.slot, Int(update.length))
        // The newest record's sequence, even when its bundle was lost to damage and an
        // older one is served: a bundle once committed is never followed by an older one.
        let current = newest?.sequence
        let bundle = try withSigningKey { (key) throws(IoTCertError) -> Bundle in
            try Bundle.open(bytes, signingKey: key, currentSequence: current)
        }
        let record = CommitRecord(
            slot: update.slot, generation: (newest?.generation ?? 0) &+ 1,
            length: update.length, sequence: bundle.sequence,
            digest: Digest32(bundle.trailerDigest))
        // The sector the record in use does not occupy; with none in use, keep the newest.
        let sector = 1 - (active?.sector ?? (newest == nil ? 1 : newestSector))
        do {
            try commit(record, sector: sector)
        } catch {
            // Whether the record landed is unknown: believe the flash, as a reboot would.
            try? select()
            throw error
        }
        active = ActiveBundle(record: record, sector: sector)
        newest = record
        newestSector = sector
        return bundle
    }

    /// Abandons the update in progress, if any. The inactive slot keeps whatever was
    /// programmed; the active bundle is untouched.
    public mutating func abortUpdate() {
        update.inProgress = false
    }

    /// The atomic step: erase the free commit sector, program the record (one call, padded
    /// to the program unit), and read it back.
    private mutating func commit(_ record: CommitRecord, sector: Int) throws(IoTCertError) {
        let flash = self.flash
        let at = flash.commitSectorOffset(sector)
        let padded = Int(Flash.roundUp(UInt32(StoreLayout.recordLength), flash.programUnit))
        try flash.erase(at)
        try withUnsafeMutableBytes(of: &update.pending.words) { (b) throws(IoTCertError) in
            try record.encode(into: b)
            for i in StoreLayout.recordLength..<padded { b[i] = 0xFF }
            try flash.program(at, UnsafeRawBufferPointer(b).slice(0, padded))
            var back = RecordBuffer()
            try withUnsafeMutableBytes(of: &back.words) { (r) throws(IoTCertError) in
                try flash.read(at, into: r)
                guard UnsafeRawBufferPointer(r).bytesEqual(
                    UnsafeRawBufferPointer(b).slice(0, StoreLayout.recordLength))
                else { throw .storeFlashFailure }
            }
        }
    }
}
