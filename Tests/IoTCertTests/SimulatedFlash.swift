import CIoTCert
import XCTest

/// A NOR flash in RAM, driven through the C `iotcert_flash` interface, that can lose power at
/// any erase or program step and that holds the store to the driver contract: aligned
/// programs inside one sector, never twice to a unit without an erase, nothing outside the
/// store's regions. Power cuts stop the flash dead: every later call fails until `reboot()`.
final class SimulatedFlash {
    /// What the operation that loses power leaves behind.
    enum Cut: CaseIterable {
        /// Nothing: power went before the operation started.
        case before
        /// Half done: an erase leaves a sector of partly-erased bits; a program leaves some
        /// units written and the next one torn (random bits flipped).
        case torn
        /// Done, but power went before the driver could report it.
        case after
    }

    enum Operation { case read, erase, program }

    let sectorSize: Int
    let programUnit: Int
    let size: Int
    let mapped: Bool
    let memory: UnsafeMutableRawBufferPointer
    /// Per program unit: programmed since the last erase (or in an unknown state).
    private var programmed: [Bool]
    /// The regions the store may write: (offset, length).
    var regions: [(Int, Int)] = []

    /// Erase and program calls made while powered, counted from 1.
    private(set) var steps = 0
    private(set) var erases = 0
    private(set) var programs = 0
    /// Cut power at this step (1-based), leaving `cutMode`.
    var cutAt: Int?
    var cutMode = Cut.torn
    private(set) var powered = true
    /// Make the n-th call (1-based, counted from now) of an operation fail, power intact.
    var failing: (Operation, Int)? {
        didSet { calls = [:] }
    }
    private var calls: [Operation: Int] = [:]
    /// Broken driver-contract rules, each described.
    private(set) var violations: [String] = []
    private var random: SplitMix64

    init(sectorSize: Int, programUnit: Int, sectors: Int, mapped: Bool, seed: UInt64 = 1) {
        self.sectorSize = sectorSize
        self.programUnit = programUnit
        self.size = sectorSize * sectors
        self.mapped = mapped
        memory = .allocate(byteCount: size, alignment: 16)
        memory.initializeMemory(as: UInt8.self, repeating: 0xFF)
        programmed = Array(repeating: false, count: size / programUnit)
        random = SplitMix64(seed: seed)
    }

    deinit { memory.deallocate() }

    var bytes: [UInt8] { [UInt8](memory) }

    /// Puts back a state saved with `bytes`, all units counted as programmed except those
    /// reading erased (what a real part would allow is unknowable; the store always erases
    /// before programming, which this checks).
    func restore(_ image: [UInt8]) {
        memory.copyBytes(from: image)
        for u in 0..<programmed.count {
            programmed[u] = image[(u * programUnit)..<((u + 1) * programUnit)]
                .contains { $0 != 0xFF }
        }
        reboot()
        steps = 0
        erases = 0
        programs = 0
        violations = []
    }

    /// Power gone: every call fails until `reboot()`.
    func powerOff() { powered = false }

    /// Power back on; the pending cut and failure are forgotten.
    func reboot() {
        powered = true
        cutAt = nil
        failing = nil
        calls = [:]
    }

    func reseed(_ seed: UInt64) { random = SplitMix64(seed: seed) }

    /// The `iotcert_flash` for this flash with the given regions.
    func description(slotSize: Int, slotA: Int, slotB: Int, commit: Int) -> iotcert_flash {
        regions = [(slotA, slotSize), (slotB, slotSize), (commit, 2 * sectorSize)]
        var f = iotcert_flash()
        f.struct_size = UInt32(MemoryLayout<iotcert_flash>.size)
        f.sector_size = UInt32(sectorSize)
        f.program_unit = UInt32(programUnit)
        f.slot_size = UInt32(slotSize)
        f.slot_a_offset = UInt32(slotA)
        f.slot_b_offset = UInt32(slotB)
        f.commit_offset = UInt32(commit)
        f.ctx = Unmanaged.passUnretained(self).toOpaque()
        f.read = simulatedRead
        f.erase = simulatedErase
        f.program = simulatedProgram
        f.map = mapped ? simulatedMap : nil
        return f
    }

    /// Whether this call of `operation` is the one made to fail.
    private func injectedFailure(_ operation: Operation) -> Bool {
        calls[operation, default: 0] += 1
        guard let (op, n) = failing, op == operation else { return false }
        return calls[operation] == n
    }

    /// Counts a step; true when power goes now.
    private func stepLosesPower() -> Bool {
        steps += 1
        guard steps == cutAt else { return false }
        powered = false
        return true
    }

    private func inRegion(_ offset: Int, _ length: Int) -> Bool {
        regions.contains { offset >= $0.0 && offset + length <= $0.0 + $0.1 }
    }

    func read(_ offset: Int, _ out: UnsafeMutablePointer<UInt8>?, _ length: Int) -> Int32 {
        guard powered, !injectedFailure(.read) else { return -1 }
        guard let out, offset >= 0, offset + length <= size else {
            violations.append("read \(offset)+\(length) out of range")
            return -1
        }
        for i in 0..<length { out[i] = memory[offset + i] }
        return 0
    }

    func erase(_ offset: Int) -> Int32 {
        guard powered, !injectedFailure(.erase) else { return -1 }
        guard offset % sectorSize == 0, inRegion(offset, sectorSize) else {
            violations.append("erase at \(offset): not a sector of the store's regions")
            return -1
        }
        erases += 1
        let units = (offset / programUnit)..<((offset + sectorSize) / programUnit)
        if stepLosesPower() {
            switch cutMode {
            case .before: break
            case .torn:
                // Bits go to 1 unevenly: some bytes erased, others partly.
                for i in offset..<(offset + sectorSize) {
                    memory[i] |= UInt8(truncatingIfNeeded: random.next())
                }
                for u in units { programmed[u] = true }
            case .after:
                eraseNow(offset, units)
            }
            return -1
        }
        eraseNow(offset, units)
        return 0
    }

    private func eraseNow(_ offset: Int, _ units: Range<Int>) {
        for i in offset..<(offset + sectorSize) { memory[i] = 0xFF }
        for u in units { programmed[u] = false }
    }

    func program(_ offset: Int, _ data: UnsafePointer<UInt8>?, _ length: Int) -> Int32 {
        guard powered, !injectedFailure(.program) else { return -1 }
        guard let data, length > 0, offset % programUnit == 0, length % programUnit == 0,
            offset / sectorSize == (offset + length - 1) / sectorSize, inRegion(offset, length)
        else {
            violations.append("program \(offset)+\(length): misaligned, across sectors or "
                + "outside the store's regions")
            return -1
        }
        let first = offset / programUnit
        let count = length / programUnit
        for u in first..<(first + count) where programmed[u] {
            violations.append("program \(offset)+\(length): unit \(u) programmed twice")
            return -1
        }
        programs += 1
        if stepLosesPower() {
            switch cutMode {
            case .before: break
            case .torn:
                let done = Int(random.next() % UInt64(count))
                programUnits(offset, data, done)
                tear(offset + done * programUnit, data + done * programUnit)
                for u in first...(first + done) { programmed[u] = true }
            case .after:
                programUnits(offset, data, count)
                for u in first..<(first + count) { programmed[u] = true }
            }
            return -1
        }
        programUnits(offset, data, count)
        for u in first..<(first + count) { programmed[u] = true }
        return 0
    }

    /// NOR programming: bits only go from 1 to 0.
    private func programUnits(_ offset: Int, _ data: UnsafePointer<UInt8>, _ units: Int) {
        for i in 0..<(units * programUnit) { memory[offset + i] &= data[i] }
    }

    /// A unit whose programming was interrupted: the intended bytes with random bits wrong
    /// (at least one).
    private func tear(_ offset: Int, _ data: UnsafePointer<UInt8>) {
        var flipped = false
        for i in 0..<programUnit {
            let flips = UInt8(truncatingIfNeeded: random.next() & random.next())
            flipped = flipped || flips != 0
            memory[offset + i] = data[i] ^ flips
        }
        if !flipped { memory[offset] ^= 0x01 }
    }

    func map(_ offset: Int, _ length: Int) -> UnsafePointer<UInt8>? {
        guard powered, offset >= 0, offset + length <= size, let base = memory.baseAddress
        else { return nil }
        return UnsafePointer((base + offset).assumingMemoryBound(to: UInt8.self))
    }
}

private func simulated(_ ctx: UnsafeMutableRawPointer?) -> SimulatedFlash {
    Unmanaged<SimulatedFlash>.fromOpaque(ctx!).takeUnretainedValue()
}

private func simulatedRead(_ ctx: UnsafeMutableRawPointer?, _ offset: UInt32,
                           _ buffer: UnsafeMutablePointer<UInt8>?, _ length: UInt32) -> Int32 {
    simulated(ctx).read(Int(offset), buffer, Int(length))
}

private func simulatedErase(_ ctx: UnsafeMutableRawPointer?, _ offset: UInt32) -> Int32 {
    simulated(ctx).erase(Int(offset))
}

private func simulatedProgram(_ ctx: UnsafeMutableRawPointer?, _ offset: UInt32,
                              _ data: UnsafePointer<UInt8>?, _ length: UInt32) -> Int32 {
    simulated(ctx).program(Int(offset), data, Int(length))
}

private func simulatedMap(_ ctx: UnsafeMutableRawPointer?, _ offset: UInt32,
                          _ length: UInt32) -> UnsafePointer<UInt8>? {
    simulated(ctx).map(Int(offset), Int(length))
}

/// A small deterministic generator (SplitMix64), so every failing cut replays exactly.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
