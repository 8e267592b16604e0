// The flash the firmware supplies to the trust store (Include/iotcert_store_types.h): its
// geometry, checked once when the store opens, and its driver, called through C function
// pointers. Every driver failure becomes `storeFlashFailure`; nothing here retries.

import CIoTCert

public enum StoreLayout {
    /// The largest program unit: the store keeps one partial unit of an update in RAM.
    public static let programUnitMax = Int(IOTCERT_STORE_PROGRAM_UNIT_MAX)
    /// One commit record (docs/store.md), before padding to the program unit.
    public static let recordLength = Int(IOTCERT_STORE_RECORD_BYTES)
    /// Two slots: A (0) and B (1). Two commit sectors, likewise numbered 0 and 1.
    public static let slotCount = 2
}

typealias FlashRead = @convention(c) (UnsafeMutableRawPointer?, UInt32,
                                      UnsafeMutablePointer<UInt8>?, UInt32) -> Int32
typealias FlashErase = @convention(c) (UnsafeMutableRawPointer?, UInt32) -> Int32
typealias FlashProgram = @convention(c) (UnsafeMutableRawPointer?, UInt32,
                                         UnsafePointer<UInt8>?, UInt32) -> Int32
typealias FlashMap = @convention(c) (UnsafeMutableRawPointer?, UInt32, UInt32)
    -> UnsafePointer<UInt8>?

/// A checked flash description: geometry proven consistent, driver functions present.
struct Flash {
    let context: UnsafeMutableRawPointer?
    let sectorSize: UInt32
    let programUnit: UInt32
    let slotSize: UInt32
    let slotOffsets: (UInt32, UInt32)
    let commitOffset: UInt32
    private let readFunction: FlashRead
    private let eraseFunction: FlashErase
    private let programFunction: FlashProgram
    private let mapFunction: FlashMap?

    /// Checks `f` against every rule of iotcert_flash. Missing functions or a wrong
    /// struct_size are the caller's mistake (`invalidArgument`); the rest is geometry.
    init(_ f: iotcert_flash) throws(IoTCertError) {
        guard f.struct_size == UInt32(MemoryLayout<iotcert_flash>.size),
            let read = f.read, let erase = f.erase, let program = f.program
        else { throw .invalidArgument }
        let unit = f.program_unit
        guard unit >= 1, unit <= UInt32(StoreLayout.programUnitMax), unit & (unit - 1) == 0
        else { throw .storeBadGeometry }
        let sector = f.sector_size
        guard sector >= Flash.roundUp(UInt32(StoreLayout.recordLength), unit),
            sector % unit == 0
        else { throw .storeBadGeometry }
        // Slots are read as one bundle, whose length the format caps at Int32.max.
        guard f.slot_size >= 1, f.slot_size % sector == 0, f.slot_size <= UInt32(Int32.max)
        else { throw .storeBadGeometry }
        try Flash.checkRegions(f)
        context = f.ctx
        sectorSize = sector
        programUnit = unit
        slotSize = f.slot_size
        slotOffsets = (f.slot_a_offset, f.slot_b_offset)
        commitOffset = f.commit_offset
        readFunction = read
        eraseFunction = erase
        programFunction = program
        mapFunction = f.map
    }

    /// Each region starts on a sector, ends inside the 32-bit offset space, and overlaps
    /// no other.
    private static func checkRegions(_ f: iotcert_flash) throws(IoTCertError) {
        let (commitLength, o1) = f.sector_size.multipliedReportingOverflow(by: 2)
        guard !o1 else { throw .storeBadGeometry }
        let (a, b, c) = (f.slot_a_offset, f.slot_b_offset, f.commit_offset)
        guard placed(a, f.slot_size, f.sector_size), placed(b, f.slot_size, f.sector_size),
            placed(c, commitLength, f.sector_size),
            disjoint(a, f.slot_size, b, f.slot_size), disjoint(a, f.slot_size, c, commitLength),
            disjoint(b, f.slot_size, c, commitLength)
        else { throw .storeBadGeometry }
    }

    /// Whether [start, start + length) starts on a sector and ends inside the offset space.
    private static func placed(_ start: UInt32, _ length: UInt32, _ sector: UInt32) -> Bool {
        start % sector == 0 && !start.addingReportingOverflow(length).overflow
    }

    /// Whether [a, a + m) and [b, b + n) do not overlap (neither end overflows: checked).
    private static func disjoint(_ a: UInt32, _ m: UInt32, _ b: UInt32, _ n: UInt32) -> Bool {
        a + m <= b || b + n <= a
    }

    static func roundUp(_ x: UInt32, _ unit: UInt32) -> UInt32 {
        (x + unit - 1) / unit * unit
    }

    var isMapped: Bool { mapFunction != nil }

    func slotOffset(_ slot: Int) -> UInt32 { slot == 0 ? slotOffsets.0 : slotOffsets.1 }

    func commitSectorOffset(_ sector: Int) -> UInt32 {
        sector == 0 ? commitOffset : commitOffset + sectorSize
    }

    func read(_ offset: UInt32, into buffer: UnsafeMutableRawBufferPointer)
        throws(IoTCertError)
    {
        guard buffer.count > 0 else { return }
        let status = readFunction(context, offset,
                                  buffer.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                  UInt32(buffer.count))
        guard status == 0 else { throw .storeFlashFailure }
    }

    func erase(_ offset: UInt32) throws(IoTCertError) {
        guard eraseFunction(context, offset) == 0 else { throw .storeFlashFailure }
    }

    func program(_ offset: UInt32, _ bytes: UnsafeRawBufferPointer) throws(IoTCertError) {
        let status = programFunction(context, offset,
                                     bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                     UInt32(bytes.count))
        guard status == 0 else { throw .storeFlashFailure }
    }

    /// The CPU's view of `length` bytes at `offset`, or nil when the flash is not mapped
    /// or the driver refuses.
    func map(_ offset: UInt32, _ length: Int) -> UnsafeRawBufferPointer? {
        guard let mapFunction, let p = mapFunction(context, offset, UInt32(length)) else {
            return nil
        }
        return UnsafeRawBufferPointer(start: p, count: length)
    }
}
