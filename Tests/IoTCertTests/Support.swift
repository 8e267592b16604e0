import Foundation
import XCTest

@testable import IoTCert
import IoTCertHost

/// Repository paths, found from this file's location so tests run from any directory.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")

    static func data(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(relative)))
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var chars = hex.makeIterator()
        while let a = chars.next(), let b = chars.next() {
            bytes.append(UInt8(String([a, b]), radix: 16)!)
        }
        self = bytes
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension UnsafeRawBufferPointer {
    var array: [UInt8] { [UInt8](self) }
}

/// A copy of `bytes` that lives as long as the test process, for views that must outlive a
/// closure (tests only: nothing is freed).
func pinned(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
    let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1),
                                                        alignment: 16)
    memory.copyBytes(from: bytes)
    return UnsafeRawBufferPointer(rebasing: memory[0..<bytes.count])
}

/// Runs `body` with the bytes as a raw buffer (the core reads in place).
func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try bytes.withUnsafeBytes { try body($0) }
}

/// The error a throwing core call ends with, or nil when it succeeds.
/// (Test closures throw untyped; the core's typed throws make anything else impossible, and
/// a foreign error fails the test.)
func errorOf(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line)
    -> IoTCertError?
{
    do {
        try body()
        return nil
    } catch let error as IoTCertError {
        return error
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return nil
    }
}

/// Parses one certificate and returns the error code, or nil when it parses.
func parseError(_ der: [UInt8]) -> IoTCertError? {
    der.withUnsafeBytes { buffer in
        errorOf { _ = try Certificate(der: buffer) }
    }
}

/// Hand-made DER vectors use the host library's writer.
typealias DERBuild = DERWrite
