import CIoTCert
import Foundation
import IoTCertHost
import XCTest

@testable import IoTCert

/// Test bundles, signed by a fixed owner key (test-only keys: never used for anything else).
enum StoreBundles {
    static let ownerPEM = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEICxMCBMCQDf9CeC/BlIOxcOPi0bmuxiSAyMT5GGbuTncoAoGCCqGSM49
        AwEHoUQDQgAEd9E1xbJ2ws723hmA06CKCFKM5OjmFWV1F3eynBPtY+0VQQ0Y6ruL
        OGAa+7UeCMTXQOHbEnPmKuLvtwBwzvb55g==
        -----END EC PRIVATE KEY-----
        """
    static let strangerPEM = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIFmu5UllAfZ94QaeWy7953h4VANsGE5j1NFEU6QbHFW2oAoGCCqGSM49
        AwEHoUQDQgAEg9324Nl9klYm3hDjI6l67YgC1vkhBY1iPEe332pC9bs91wAGAo1q
        24zs2eMGdXGbfnV5LkFueRqH8Xo6CjbwUA==
        -----END EC PRIVATE KEY-----
        """

    nonisolated(unsafe) static let owner = signer(ownerPEM, "owner")
    nonisolated(unsafe) static let stranger = signer(strangerPEM, "stranger")
    static var ownerKey: [UInt8] { owner.publicKeyPoint }

    private static func signer(_ pem: String, _ name: String) -> BundleSigner {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("iotcert-store-\(name)-\(getpid()).pem")
        try! pem.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try! BundleSigner(pemFile: url.path)
    }

    /// A bundle with `sequence` and the first `certificates` of three stored certificates
    /// (so that bundles of different sequence differ in length too).
    static func make(sequence: UInt32, certificates: Int = 1,
                     signer: BundleSigner? = owner) throws -> [UInt8] {
        var c = BundleContents()
        c.anchors = [try AnchorSpec(certificate: try Repo.data("pki/root-p256.der"))]
        let stored = ["pki/int-p256.der", "pki/int-p384.der", "pki/leaf-p256-client.der"]
        c.certificates = try stored.prefix(certificates).map { try Repo.data($0) }
        c.buildTime = 1_700_000_000 + Int64(sequence)
        c.sequence = sequence
        return try BundleWriter.write(c, sign: signer?.signFunction)
    }

    static let v1 = try! make(sequence: 1, certificates: 1)
    static let v2 = try! make(sequence: 2, certificates: 3)
    static let v3 = try! make(sequence: 3, certificates: 2)
}

/// A simulated flash laid out for the store: slot A, slot B, the two commit sectors.
struct StoreRig {
    let flash: SimulatedFlash
    let description: iotcert_flash
    let buffer: UnsafeMutableRawBufferPointer?

    init(sectorSize: Int = 256, programUnit: Int = 8, slotSectors: Int = 16,
         mapped: Bool = true) {
        let slot = sectorSize * slotSectors
        flash = SimulatedFlash(sectorSize: sectorSize, programUnit: programUnit,
                               sectors: 2 * slotSectors + 2, mapped: mapped)
        description = flash.description(slotSize: slot, slotA: 0, slotB: slot,
                                        commit: 2 * slot)
        buffer = mapped ? nil : .allocate(byteCount: slot, alignment: 16)
    }

    func open(key: [UInt8]? = StoreBundles.ownerKey) throws -> Store {
        if let key {
            return try key.withUnsafeBytes { k in
                try Store.open(flash: description, signingKey: k, buffer: buffer)
            }
        }
        return try Store.open(flash: description, buffer: buffer)
    }

    /// The bundle a freshly booted store serves, or the error saying why none.
    func served() throws -> Result<[UInt8], IoTCertError> {
        let store = try open()
        do {
            return .success(try store.bundle().bytes.array)
        } catch let e as IoTCertError {
            return .failure(e)
        }
    }
}

/// Sends `bundle` to the store in pieces of `piece` bytes.
func install(_ bundle: [UInt8], into store: inout Store, piece: Int = 100) throws {
    try store.beginUpdate(length: bundle.count)
    try bundle.withUnsafeBytes { all in
        var at = 0
        while at < all.count {
            let n = min(piece, all.count - at)
            try store.writeUpdate(all.slice(at, n))
            at += n
        }
    }
    _ = try store.finishUpdate()
}

final class StoreTests: XCTestCase {
    // MARK: Power cuts

    struct Sweep {
        var sectorSize: Int
        var programUnit: Int
        var slotSectors: Int
        var mapped: Bool
        var piece: Int
    }

    static let sweeps = [
        Sweep(sectorSize: 256, programUnit: 8, slotSectors: 16, mapped: true, piece: 100),
        Sweep(sectorSize: 128, programUnit: 1, slotSectors: 32, mapped: false, piece: 77),
        Sweep(sectorSize: 512, programUnit: 256, slotSectors: 8, mapped: true, piece: 300),
        Sweep(sectorSize: 1024, programUnit: 16, slotSectors: 4, mapped: false, piece: 1000),
    ]

    /// Cuts power at every erase and every program of an update, in each of three ways
    /// (before the step, torn with random bits, after it), for a first install, an update
    /// into slot B and one back into slot A, on four geometries, mapped and RAM-buffered.
    /// After each cut the rebooted store serves the old bundle or the new one, byte for
    /// byte (on first install: none or the new one), and the update run again completes.
    func testPowerCutAtEveryStepLeavesOldOrNew() throws {
        var cuts = 0
        for sweep in Self.sweeps {
            let b = StoreBundles.self
            cuts += try powerCutSweep(sweep, installed: [], update: b.v1)
            cuts += try powerCutSweep(sweep, installed: [b.v1], update: b.v2)
            cuts += try powerCutSweep(sweep, installed: [b.v1, b.v2], update: b.v3)
        }
        print("store: \(cuts) power cuts, each followed by a reboot and a retry")
        XCTAssertGreaterThan(cuts, 900)
    }

    /// One sweep; returns the number of cuts made.
    func powerCutSweep(_ s: Sweep, installed: [[UInt8]], update new: [UInt8]) throws -> Int {
        let rig = StoreRig(sectorSize: s.sectorSize, programUnit: s.programUnit,
                           slotSectors: s.slotSectors, mapped: s.mapped)
        for bundle in installed {
            var store = try rig.open()
            try install(bundle, into: &store, piece: s.piece)
        }
        let old = installed.last
        let image = rig.flash.bytes
        rig.flash.restore(image)
        var clean = try rig.open()
        try install(new, into: &clean, piece: s.piece)
        let steps = rig.flash.steps
        XCTAssertEqual(try rig.served().get(), new)
        XCTAssertGreaterThan(steps, 3)

        var cuts = 0
        for step in 1...steps {
            for (m, mode) in SimulatedFlash.Cut.allCases.enumerated() {
                let place = "\(s) from \(old?.count ?? 0) bytes, step \(step), \(mode)"
                rig.flash.restore(image)
                rig.flash.reseed(UInt64(step * 3 + m))
                var store = try rig.open()
                rig.flash.cutAt = step
                rig.flash.cutMode = mode
                XCTAssertEqual(errorOf { try install(new, into: &store, piece: s.piece) },
                               .storeFlashFailure, place)
                rig.flash.reboot()
                try checkAfterCut(rig, old: old, new: new, piece: s.piece, place)
                XCTAssertEqual(rig.flash.violations, [], place)
                cuts += 1
            }
        }
        return cuts
    }

    func checkAfterCut(_ rig: StoreRig, old: [UInt8]?, new: [UInt8], piece: Int,
                       _ place: String) throws {
        var store = try rig.open()
        switch try rig.served() {
        case .success(let bytes) where bytes == new:
            // Committed before power went: running the update again is a replay.
            XCTAssertEqual(errorOf { try install(new, into: &store, piece: piece) },
                           .bundleRollback, place)
        case .success(let bytes):
            XCTAssertTrue(bytes == old, "neither old nor new (\(bytes.count) bytes): \(place)")
            try install(new, into: &store, piece: piece)
        case .failure(let e):
            XCTAssertTrue(old == nil, "lost the old bundle (\(e)): \(place)")
            XCTAssertTrue(e == .storeEmpty || e == .storeFlashFailure, place)
            try install(new, into: &store, piece: piece)
        }
        XCTAssertTrue(try rig.served().get() == new, "retry did not complete: \(place)")
    }

    // MARK: First boot, refused updates

    func testFirstBootIsEmptyWhateverErasedFlashReads() throws {
        for erased: UInt8 in [0xFF, 0x00] {
            let rig = StoreRig()
            rig.flash.restore([UInt8](repeating: erased, count: rig.flash.size))
            let store = try rig.open()
            XCTAssertEqual(errorOf { _ = try store.bundle() }, .storeEmpty)
            XCTAssertNil(store.activeSequence)
        }
    }

    func testFirstUpdateInstallsAndUpdatesAlternateSlots() throws {
        let rig = StoreRig()
        var store = try rig.open()
        var slots: [Int?] = []
        for bundle in [StoreBundles.v1, StoreBundles.v2, StoreBundles.v3] {
            try install(bundle, into: &store)
            XCTAssertEqual(try store.bundle().bytes.array, bundle)
            XCTAssertEqual(try rig.served().get(), bundle)
            slots.append(store.activeSlot)
        }
        XCTAssertEqual(slots, [0, 1, 0])
        XCTAssertEqual(store.activeGeneration, 3)
        XCTAssertEqual(store.activeSequence, 3)
        XCTAssertEqual(rig.flash.violations, [])
    }

    /// Each refused update leaves the active bundle in place, in the open store and after a
    /// reboot.
    func assertRefused(_ update: [UInt8], _ expected: IoTCertError, mapped: Bool = true,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let rig = StoreRig(mapped: mapped)
        var store = try rig.open()
        try install(StoreBundles.v2, into: &store)
        XCTAssertEqual(errorOf { try install(update, into: &store) }, expected,
                       file: file, line: line)
        XCTAssertEqual(try store.bundle().bytes.array, StoreBundles.v2, file: file, line: line)
        XCTAssertEqual(try rig.served().get(), StoreBundles.v2, file: file, line: line)
        XCTAssertEqual(store.activeSequence, 2, file: file, line: line)
    }

    func testCorruptedUpdateIsRefused() throws {
        var corrupted = try StoreBundles.make(sequence: 3, certificates: 2)
        corrupted[corrupted.count / 2] ^= 0x40
        try assertRefused(corrupted, .bundleDigestMismatch)
        try assertRefused(corrupted, .bundleDigestMismatch, mapped: false)
    }

    func testUnsignedOrStrangerSignedUpdateIsRefusedWithPinnedKey() throws {
        try assertRefused(try StoreBundles.make(sequence: 3, signer: nil), .bundleBadSignature)
        try assertRefused(try StoreBundles.make(sequence: 3, signer: StoreBundles.stranger),
                          .bundleBadSignature)
    }

    func testRolledBackUpdateIsRefused() throws {
        try assertRefused(try StoreBundles.make(sequence: 2, certificates: 2), .bundleRollback)
        try assertRefused(StoreBundles.v2, .bundleRollback)
        try assertRefused(StoreBundles.v1, .bundleRollback)
    }

    func testNewerUpdateIsAcceptedAfterARefusal() throws {
        let rig = StoreRig()
        var store = try rig.open()
        try install(StoreBundles.v1, into: &store)
        let unsigned = try StoreBundles.make(sequence: 5, signer: nil)
        XCTAssertEqual(errorOf { try install(unsigned, into: &store) }, .bundleBadSignature)
        try install(StoreBundles.v3, into: &store)
        XCTAssertEqual(try rig.served().get(), StoreBundles.v3)
    }

    func testWithoutPinnedKeyUnsignedUpdatesAreAccepted() throws {
        let rig = StoreRig()
        var store = try rig.open(key: nil)
        let unsigned = try StoreBundles.make(sequence: 7, signer: nil)
        try install(unsigned, into: &store)
        XCTAssertEqual(try store.bundle().bytes.array, unsigned)
    }

    func testUpdateLargerThanSlotIsRefusedBeforeErasing() throws {
        let rig = StoreRig(sectorSize: 256, slotSectors: 4)
        var store = try rig.open()
        try install(StoreBundles.v1, into: &store)
        let erases = rig.flash.erases
        XCTAssertEqual(errorOf { try store.beginUpdate(length: 1025) }, .storeUpdateTooLarge)
        XCTAssertEqual(rig.flash.erases, erases)
        XCTAssertNil(store.updateProgress)
        XCTAssertNil(errorOf { try store.beginUpdate(length: 1024) })
        XCTAssertEqual(rig.flash.erases, erases + 4)
        store.abortUpdate()
        XCTAssertEqual(try rig.served().get(), StoreBundles.v1)
        XCTAssertGreaterThan(StoreBundles.v2.count, 1024)
        XCTAssertEqual(errorOf { try install(StoreBundles.v2, into: &store) },
                       .storeUpdateTooLarge)
        XCTAssertEqual(errorOf { try store.beginUpdate(length: 0) }, .invalidArgument)
    }

    // MARK: The update protocol

    func testUpdateCallsOutOfOrder() throws {
        let rig = StoreRig()
        var store = try rig.open()
        let v1 = StoreBundles.v1
        XCTAssertEqual(errorOf { try store.writeUpdate(pinned(v1)) }, .storeUpdateNotStarted)
        XCTAssertEqual(errorOf { _ = try store.finishUpdate() }, .storeUpdateNotStarted)

        try store.beginUpdate(length: v1.count - 1)
        XCTAssertEqual(errorOf { try store.writeUpdate(pinned(v1)) },
                       .storeUpdateLengthMismatch)
        XCTAssertEqual(errorOf { try store.writeUpdate(pinned([1])) }, .storeUpdateNotStarted)

        try store.beginUpdate(length: v1.count + 1)
        try store.writeUpdate(pinned(v1))
        XCTAssertEqual(store.updateProgress?.received, v1.count)
        XCTAssertEqual(errorOf { _ = try store.finishUpdate() }, .storeUpdateLengthMismatch)
        XCTAssertEqual(errorOf { _ = try store.finishUpdate() }, .storeUpdateNotStarted)

        try store.beginUpdate(length: v1.count)
        store.abortUpdate()
        XCTAssertEqual(errorOf { _ = try store.finishUpdate() }, .storeUpdateNotStarted)
        XCTAssertEqual(errorOf { _ = try store.bundle() }, .storeEmpty)

        // Beginning again abandons the update in progress.
        try store.beginUpdate(length: 10)
        try store.writeUpdate(pinned([1, 2, 3]))
        try install(v1, into: &store)
        XCTAssertEqual(try rig.served().get(), v1)
    }

    /// Whatever the pieces (single bytes, empty, unaligned, whole), the same bytes land and
    /// no unit is programmed twice or across a sector.
    func testPiecesOfAnySize() throws {
        for piece in [1, 3, 8, 255, 256, 257, 4096] {
            for unit in [1, 8, 64] {
                let rig = StoreRig(sectorSize: 256, programUnit: unit)
                var store = try rig.open()
                try store.beginUpdate(length: StoreBundles.v2.count)
                try StoreBundles.v2.withUnsafeBytes { all in
                    var at = 0
                    while at < all.count {
                        try store.writeUpdate(UnsafeRawBufferPointer(start: nil, count: 0))
                        let n = min(piece, all.count - at)
                        try store.writeUpdate(all.slice(at, n))
                        at += n
                    }
                }
                XCTAssertEqual(try store.finishUpdate().bytes.array, StoreBundles.v2)
                XCTAssertEqual(rig.flash.violations, [], "piece \(piece), unit \(unit)")
            }
        }
    }

    // MARK: Geometry

    func testGeometryRules() throws {
        let rig = StoreRig()
        let good = rig.description
        func check(_ expected: IoTCertError?, _ change: (inout iotcert_flash) -> Void,
                   line: UInt = #line) {
            var f = good
            change(&f)
            let e = errorOf { _ = try Store.open(flash: f) }
            XCTAssertEqual(e, expected, line: line)
        }
        check(nil) { _ in }
        // Program unit: a power of two, 1 ... 256.
        check(.storeBadGeometry) { $0.program_unit = 0 }
        check(nil) { $0.program_unit = 1 }
        check(.storeBadGeometry) { $0.program_unit = 3 }
        check(nil) { $0.program_unit = 256 }
        check(.storeBadGeometry) { $0.program_unit = 512; $0.sector_size = 512 }
        // Sector: a multiple of the unit, holding a record padded to the unit.
        func sector(_ f: inout iotcert_flash, _ unit: UInt32, _ size: UInt32) {
            f.program_unit = unit
            f.sector_size = size
            f.slot_size = size * 16
            f.slot_b_offset = size * 16
            f.commit_offset = size * 32
        }
        check(.storeBadGeometry) { sector(&$0, 16, 104) }
        check(nil) { sector(&$0, 16, 112) }
        check(.storeBadGeometry) { sector(&$0, 1, 95) }
        check(nil) { sector(&$0, 1, 96) }
        check(nil) { sector(&$0, 32, 96) }
        check(.storeBadGeometry) { sector(&$0, 64, 64) }
        check(nil) { sector(&$0, 64, 128) }
        check(.storeBadGeometry) { sector(&$0, 256, 128) }
        check(nil) { sector(&$0, 256, 256) }
        check(.storeBadGeometry) { $0.sector_size = 0 }
        // Slot: a non-zero multiple of the sector, at most Int32.max.
        check(.storeBadGeometry) { $0.slot_size = 0 }
        check(.storeBadGeometry) { $0.slot_size = 4096 + 8 }
        check(nil) { $0.slot_size = 256 }
        check(nil) { $0.slot_size = 0x7FFF_FE00; $0.slot_b_offset = 0x7FFF_FE00;
                     $0.commit_offset = 0xFFFF_FC00 }
        // Offsets: sector-aligned.
        check(.storeBadGeometry) { $0.slot_b_offset += 8 }
        check(.storeBadGeometry) { $0.commit_offset += 128 }
        check(nil) { $0.commit_offset += 256 }
        // Regions: no overlap (touching is fine), inside the 32-bit offset space.
        check(.storeBadGeometry) { $0.slot_b_offset = 4096 - 256 }
        check(nil) { $0.slot_b_offset = 4096; $0.commit_offset = 8192 }
        check(.storeBadGeometry) { $0.commit_offset = 8192 - 256 }
        check(.storeBadGeometry) { $0.commit_offset = 4096 + 256 }
        check(.storeBadGeometry) { $0.commit_offset = 0 }
        check(.storeBadGeometry) { $0.slot_a_offset = 0; $0.slot_b_offset = 0 }
        check(.storeBadGeometry) { $0.commit_offset = UInt32.max - 511 }
        check(nil) { $0.commit_offset = UInt32.max - 512 - 255 }
        check(.storeBadGeometry) { $0.slot_b_offset = UInt32.max - 4095 }
        check(nil) { $0.slot_b_offset = UInt32.max - 8191 }
        // The C side's mistakes.
        check(.invalidArgument) { $0.struct_size -= 1 }
        check(.invalidArgument) { $0.read = nil }
        check(.invalidArgument) { $0.erase = nil }
        check(.invalidArgument) { $0.program = nil }
    }

    func testRAMBufferMustHoldASlot() throws {
        let rig = StoreRig(mapped: false)
        let slot = Int(rig.description.slot_size)
        let small = UnsafeMutableRawBufferPointer.allocate(byteCount: slot, alignment: 16)
        defer { small.deallocate() }
        XCTAssertEqual(errorOf {
            _ = try Store.open(flash: rig.description,
                               buffer: UnsafeMutableRawBufferPointer(rebasing: small[1...]))
        }, .storeBufferTooSmall)
        XCTAssertEqual(errorOf { _ = try Store.open(flash: rig.description) },
                       .storeBufferTooSmall)
        XCTAssertNil(errorOf { _ = try Store.open(flash: rig.description, buffer: small) })
        // With mapped flash the buffer is not needed.
        let mappedRig = StoreRig()
        XCTAssertNil(errorOf { _ = try Store.open(flash: mappedRig.description) })
    }

    func testSigningKeyMustBeAnUncompressedPoint() throws {
        let rig = StoreRig()
        var key = StoreBundles.ownerKey
        key[0] = 0x02
        XCTAssertEqual(errorOf { _ = try rig.open(key: key) }, .invalidArgument)
        XCTAssertEqual(errorOf { _ = try rig.open(key: Array(StoreBundles.ownerKey.prefix(64))) },
                       .invalidArgument)
    }

    // MARK: Flash driver failures

    /// A driver error at the first, a middle and the last erase and program of an update,
    /// and at each read of it, ends the update with a flash failure; the open store then
    /// serves what a reboot would (the old bundle, or the new one when only the record's
    /// read-back failed), and running the update again completes it.
    func testDriverFailuresDuringAnUpdate() throws {
        for mapped in [true, false] {
            let counting = StoreRig(mapped: mapped)
            var clean = try counting.open()
            try install(StoreBundles.v1, into: &clean)
            counting.flash.restore(counting.flash.bytes)
            try install(StoreBundles.v2, into: &clean)
            let (erases, programs) = (counting.flash.erases, counting.flash.programs)
            var cases: [(SimulatedFlash.Operation, Int)] = []
            for n in Set([1, erases / 2, erases - 1, erases]) { cases.append((.erase, n)) }
            for n in Set([1, programs / 2, programs - 1, programs]) {
                cases.append((.program, n))
            }
            cases += mapped ? [(.read, 1)] : [(.read, 1), (.read, 2)]
            for (operation, n) in cases {
                try driverFailure(operation, n, mapped: mapped)
            }
        }
    }

    func driverFailure(_ operation: SimulatedFlash.Operation, _ n: Int, mapped: Bool) throws {
        let place = "\(operation) \(n), mapped \(mapped)"
        let rig = StoreRig(mapped: mapped)
        var store = try rig.open()
        try install(StoreBundles.v1, into: &store)
        rig.flash.failing = (operation, n)
        XCTAssertEqual(errorOf { try install(StoreBundles.v2, into: &store) },
                       .storeFlashFailure, place)
        rig.flash.failing = nil
        let served = try rig.served().get()
        XCTAssertEqual(try store.bundle().bytes.array, served, place)
        // Only a failed read-back of a record that did land leaves the new bundle.
        let readBack = operation == .read && n == (mapped ? 1 : 2)
        XCTAssertEqual(served, readBack ? StoreBundles.v2 : StoreBundles.v1, place)
        if !readBack { try install(StoreBundles.v2, into: &store) }
        XCTAssertEqual(try rig.served().get(), StoreBundles.v2, place)
        XCTAssertEqual(rig.flash.violations, [], place)
    }

    func testUnreadableRecordsAtBoot() throws {
        let rig = StoreRig()
        var store = try rig.open()
        try install(StoreBundles.v1, into: &store)
        try install(StoreBundles.v2, into: &store)
        // The older record's sector unreadable (a torn ECC word): the newest still serves.
        rig.flash.failing = (.read, 1)
        XCTAssertEqual(try rig.open().bundle().bytes.array, StoreBundles.v2)
        // The newest record's sector unreadable: the older record's bundle is still intact.
        rig.flash.failing = (.read, 2)
        XCTAssertEqual(try rig.open().bundle().bytes.array, StoreBundles.v1)
        // Nothing readable: no bundle, and the reason is the driver.
        rig.flash.failing = nil
        rig.flash.powerOff()
        let dead = try rig.open()
        XCTAssertEqual(errorOf { _ = try dead.bundle() }, .storeFlashFailure)
    }

    func testMapFailureIsAFlashFailure() throws {
        let rig = StoreRig()
        var store = try rig.open()
        try install(StoreBundles.v1, into: &store)
        rig.flash.powerOff()  // map answers NULL
        XCTAssertEqual(errorOf { _ = try store.bundle() }, .storeFlashFailure)
    }

    // MARK: Damage after commit

    /// Flash that lost bits in the active slot after its commit: the other record's bundle,
    /// while intact, is served; with both damaged, none is.
    func testDamagedActiveSlotFallsBackToThePreviousBundle() throws {
        let rig = StoreRig()
        var store = try rig.open()
        try install(StoreBundles.v1, into: &store)
        try install(StoreBundles.v2, into: &store)
        let slotB = Int(rig.description.slot_b_offset)
        rig.flash.memory[slotB + 100] ^= 0x10
        XCTAssertEqual(try rig.served().get(), StoreBundles.v1)
        // The damaged bundle's sequence still bounds updates.
        var fallback = try rig.open()
        XCTAssertEqual(errorOf {
            try install(try StoreBundles.make(sequence: 2, certificates: 2), into: &fallback)
        }, .bundleRollback)
        rig.flash.memory[100] ^= 0x10
        XCTAssertEqual(try rig.served(), .failure(.storeEmpty))
        // An update still installs (into slot A: the one no valid bundle occupies).
        var damaged = try rig.open()
        try install(StoreBundles.v3, into: &damaged)
        XCTAssertEqual(try rig.served().get(), StoreBundles.v3)
    }

    func testTornRecordBytesAreNeverARecord() throws {
        let rig = StoreRig()
        var store = try rig.open()
        try install(StoreBundles.v1, into: &store)
        try install(StoreBundles.v2, into: &store)
        let newest = Int(rig.description.commit_offset) + 256 * store.active!.sector
        // Any single-bit error in the newest record makes it absent: v1 is served.
        for bit in stride(from: 0, to: StoreLayout.recordLength * 8, by: 7) {
            rig.flash.memory[newest + bit / 8] ^= 1 << (bit % 8)
            XCTAssertEqual(try rig.served().get(), StoreBundles.v1, "bit \(bit)")
            rig.flash.memory[newest + bit / 8] ^= 1 << (bit % 8)
        }
        XCTAssertEqual(try rig.served().get(), StoreBundles.v2)
    }

    // MARK: C API

    func testStoreFitsItsCType() {
        XCTAssertLessThanOrEqual(MemoryLayout<Store>.size, MemoryLayout<iotcert_store>.size - 8)
        XCTAssertLessThanOrEqual(MemoryLayout<Store>.alignment, 8)
    }

    func testCAPI() throws {
        let rig = StoreRig(mapped: false)
        var flash = rig.description
        var store = iotcert_store()
        let key = StoreBundles.ownerKey
        let buffer = rig.buffer!
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        XCTAssertEqual(iotcert_store_open(&store, &flash, key, 65, base, buffer.count), 0)
        var info = iotcert_store_info()
        info.struct_size = UInt32(MemoryLayout<iotcert_store_info>.size)
        XCTAssertEqual(iotcert_store_get_info(&store, &info), 0)
        XCTAssertEqual(info.status, IoTCertError.storeEmpty.rawValue)
        var trust = iotcert_trust()
        XCTAssertEqual(iotcert_store_trust(&store, &trust), IoTCertError.storeEmpty.rawValue)

        let v1 = StoreBundles.v1
        XCTAssertEqual(iotcert_store_update_begin(&store, v1.count), 0)
        XCTAssertEqual(iotcert_store_update_write(&store, v1, 10), 0)
        XCTAssertEqual(iotcert_store_get_info(&store, &info), 0)
        XCTAssertEqual(info.update_length, UInt32(v1.count))
        XCTAssertEqual(info.update_written, 10)
        XCTAssertEqual(Array(v1[10...]).withUnsafeBufferPointer {
            iotcert_store_update_write(&store, $0.baseAddress, $0.count)
        }, 0)
        XCTAssertEqual(iotcert_store_update_finish(&store), 0)
        XCTAssertEqual(iotcert_store_update_finish(&store),
                       IoTCertError.storeUpdateNotStarted.rawValue)

        XCTAssertEqual(iotcert_store_trust(&store, &trust), 0)
        var bundleInfo = iotcert_bundle_info()
        bundleInfo.struct_size = UInt32(MemoryLayout<iotcert_bundle_info>.size)
        XCTAssertEqual(iotcert_bundle_get_info(&trust, &bundleInfo), 0)
        XCTAssertEqual(bundleInfo.sequence, 1)
        XCTAssertEqual(bundleInfo.is_signed, 1)
        var out = iotcert_buffer()
        XCTAssertEqual(iotcert_store_bundle(&store, &out), 0)
        XCTAssertEqual(out.data, UnsafePointer(base))
        XCTAssertEqual([UInt8](UnsafeBufferPointer(start: out.data, count: out.len)), v1)
        XCTAssertEqual(iotcert_store_get_info(&store, &info), 0)
        XCTAssertEqual(info.status, 0)
        XCTAssertEqual(info.sequence, 1)
        XCTAssertEqual(info.slot, 0)
        XCTAssertEqual(info.generation, 1)
        XCTAssertEqual(info.length, UInt32(v1.count))
        XCTAssertEqual(info.update_length, 0)

        // A refused update through C: the trust still answers for the old bundle once
        // re-opened (RAM mode: finish used the buffer).
        XCTAssertEqual(iotcert_store_update_begin(&store, v1.count), 0)
        XCTAssertEqual(iotcert_store_update_write(&store, v1, v1.count), 0)
        XCTAssertEqual(iotcert_store_update_finish(&store), IoTCertError.bundleRollback.rawValue)
        XCTAssertEqual(iotcert_store_trust(&store, &trust), 0)
        XCTAssertEqual(iotcert_bundle_get_info(&trust, &bundleInfo), 0)
        XCTAssertEqual(bundleInfo.sequence, 1)
    }

    func testCAPIArguments() throws {
        let rig = StoreRig()
        var flash = rig.description
        var store = iotcert_store()
        let invalid = IoTCertError.invalidArgument.rawValue
        XCTAssertEqual(iotcert_store_open(nil, &flash, nil, 0, nil, 0), invalid)
        XCTAssertEqual(iotcert_store_open(&store, nil, nil, 0, nil, 0), invalid)
        XCTAssertEqual(iotcert_store_open(&store, &flash, StoreBundles.ownerKey, 64, nil, 0),
                       invalid)
        // A store never opened (or whose open failed) answers every call with invalid.
        var trust = iotcert_trust()
        XCTAssertEqual(iotcert_store_trust(&store, &trust), invalid)
        XCTAssertEqual(iotcert_store_update_begin(&store, 10), invalid)
        XCTAssertEqual(iotcert_store_update_write(&store, nil, 0), invalid)
        XCTAssertEqual(iotcert_store_update_finish(&store), invalid)
        iotcert_store_update_abort(&store)
        iotcert_store_update_abort(nil)
        flash.program_unit = 3
        XCTAssertEqual(iotcert_store_open(&store, &flash, nil, 0, nil, 0),
                       IoTCertError.storeBadGeometry.rawValue)
        flash.program_unit = 8
        XCTAssertEqual(iotcert_store_open(&store, &flash, nil, 0, nil, 0), 0)
        XCTAssertEqual(iotcert_store_update_begin(&store, 10), 0)
        XCTAssertEqual(iotcert_store_update_write(&store, nil, 5), invalid)
        XCTAssertEqual(iotcert_store_update_finish(&store),
                       IoTCertError.storeUpdateNotStarted.rawValue)
        var info = iotcert_store_info()
        XCTAssertEqual(iotcert_store_get_info(&store, &info), invalid)
        XCTAssertEqual(String(cString: iotcert_strerror(230)),
                       "The RAM buffer a store without memory-mapped flash needs is missing "
                       + "or smaller than a slot.")
    }
}
