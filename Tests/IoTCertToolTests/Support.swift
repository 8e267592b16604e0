import Foundation
import IoTCert
import IoTCertHost
import XCTest

/// The demonstration PKI, generated once per test process into a temporary directory (as
/// `iotcert gen` writes it), at its default clock 2025-01-01T00:00:00Z.
enum Demo {
    static let now = DemoPKI.defaultNow
    static let directory: String = {
        let dir = temporaryDirectory("demo")
        do {
            try DemoPKI.make(now: now).write(to: dir)
        } catch {
            fatalError("demo PKI: \(error)")
        }
        return dir
    }()

    static func path(_ relative: String) -> String {
        (directory as NSString).appendingPathComponent(relative)
    }

    static func certificates(_ relatives: String...) throws -> [InputObject] {
        try InputFiles.certificates(relatives.map(path))
    }

    /// Roots, intermediates and the CRL of the demo, packed for 2025 (unsigned unless a
    /// signer is given), with the device's own chain and a policy section, so that every
    /// section type is present.
    static func bundle(sign: BundleSigner? = nil, sequence: UInt32 = 1) throws -> [UInt8] {
        var options = PackOptions(validFrom: now, validUntil: now + 365 * 86_400)
        options.sequence = sequence
        options.policy = PackPolicy(depthMax: 8, algorithms: 7, signaturesMax: 100)
        let inputs = PackInputs(anchors: try certificates("roots"),
                                intermediates: try certificates("intermediates"),
                                deviceChain: try certificates("leaves/client-chain.pem"),
                                crls: try InputFiles.crls([path("crls")]))
        return try Packer.pack(inputs, options: options, sign: sign?.signFunction).bundle
    }

    static var signer: BundleSigner {
        get throws { try BundleSigner(pemFile: path("keys/bundle-signing.pem")) }
    }
}

/// A fresh directory under the system's temporary directory.
func temporaryDirectory(_ name: String) -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("iotcert-tests-\(name)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// The error `OpenedBundle` (the core's Bundle.open) refuses `bytes` with, or nil when it
/// opens. Typed throws: nothing but an IoTCertError can come out.
func openError(_ bytes: [UInt8], key: [UInt8]? = nil, current: UInt32? = nil) -> IoTCertError? {
    do throws(IoTCertError) {
        _ = try OpenedBundle(bytes, signingKey: key, currentSequence: current)
        return nil
    } catch {
        return error
    }
}

/// Recomputes the trailer digest after a patch, so that the patched field itself is what
/// `open` judges (docs/bundle-format.md: SHA-256 over every byte before the trailer).
func redigest(_ b: inout [UInt8]) {
    let trailer = b[6] & 1 == 1 ? BundleLayout.signedTrailerLength
        : BundleLayout.unsignedTrailerLength
    let end = b.count - trailer
    b.replaceSubrange(end..<(end + 32), with: sha256(Array(b[0..<end])))
}

func putLE32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
    for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
}

func le32(_ b: [UInt8], _ at: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) }
}

/// Bytes handed from a reader thread to the test (written once, read after a semaphore).
final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// The `iotcert` executable next to the test bundle (SwiftPM builds it for this target).
enum Tool {
    static let url: URL = {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("iotcert"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("iotcert"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("iotcert"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? candidates[0]
    }()

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    struct RawRun {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    /// Runs `iotcert arguments...` in `directory` and collects its output and exit status.
    static func run(_ arguments: [String], in directory: String = Demo.directory,
                    input: Data? = nil) throws -> Run {
        let raw = try runRaw(arguments, in: directory, input: input)
        return Run(status: raw.status, stdout: String(decoding: raw.stdout, as: UTF8.self),
                   stderr: raw.stderr)
    }

    /// The same with standard output as bytes; `input` is fed to standard input through a
    /// pipe (nil: no standard input).
    static func runRaw(_ arguments: [String], in directory: String = Demo.directory,
                       input: Data? = nil) throws -> RawRun {
        // A child that stops reading its input early must not kill the test with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            // Written from another thread: the child may fill its output pipes meanwhile.
            let writer = inPipe.fileHandleForWriting
            Thread.detachNewThread {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
        }
        // Read both before waiting: a full pipe would otherwise block the child.
        let stderr = DataBox()
        let done = DispatchSemaphore(value: 0)
        let errors = err.fileHandleForReading
        Thread.detachNewThread {
            stderr.data = errors.readDataToEndOfFile()
            done.signal()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return RawRun(status: process.terminationStatus, stdout: stdout,
                      stderr: String(decoding: stderr.data, as: UTF8.self))
    }
}
