// What the bundle subcommands share: exit codes, error reporting that names the file, and
// reading of time, duration and purpose arguments. The work itself is in IoTCertHost.

import ArgumentParser
import Foundation
import IoTCert
import IoTCertHost

/// Exit codes of every subcommand: docs/exit-codes.md is the table, each help page points to
/// it. One kind of failure has one code whatever the subcommand.
enum ToolExit {
    /// 0: success; the chain is valid; nothing expires; every server passes.
    static let success: Int32 = 0
    /// 1: a negative verdict: no valid path, something expires soon, a server fails, a
    /// conformance case with a wrong result.
    static let negative: Int32 = 1
    /// 2: an input is unreadable, too large or malformed, or the core refuses to open the
    /// bundle.
    static let badInput: Int32 = 2
    /// 3: pack made no bundle: over --max-bytes, or no trust anchor left.
    static let packFailed: Int32 = 3
    /// 4: an output cannot be written (a directory, no such directory, no permission, a key
    /// that exists without --force).
    static let badOutput: Int32 = 4
    /// 64: a usage error (unknown option, bad value): ArgumentParser's EX_USAGE.
    static let usage: Int32 = ExitCode.validationFailure.rawValue

    static let helpText = "Exit status: see docs/exit-codes.md (0 success, 1 negative "
        + "verdict, 2 bad input, 3 no bundle made, 4 output not written, 64 usage)."
}

/// Text on standard error, ignoring a failed write: when even standard error cannot be
/// written (2>/dev/full) there is nobody left to tell, and FileHandle.write would trap.
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { Foundation.write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return }
        bytes = bytes.dropFirst(n)
    }
}

func printError(_ message: String) {
    writeStandardError("iotcert: error: \(message)\n")
}

/// A progress line for long work, on standard error so that it never mixes with a report.
func printProgress(_ message: String) {
    writeStandardError("iotcert: \(message)\n")
}

func printWarning(_ message: String) {
    writeStandardError("iotcert: warning: \(message)\n")
}

/// Runs a subcommand's body, turning the library's errors into a message on standard error
/// that names the file, and the documented exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    InputFiles.note = { printWarning($0) }
    do {
        try body()
        try FileIO.flushStandardOutput()
    } catch let error as ExitCode {
        // A verdict printed to a full disk is not a verdict: the output error comes first.
        do { try FileIO.flushStandardOutput() } catch let output as OutputError {
            printError(output.description)
            throw ExitCode(ToolExit.badOutput)
        }
        throw error
    } catch let error as ValidationError {
        throw error
    } catch let error as PackError {
        if !error.report.isEmpty { Output.report(error.report) }
        printError(error.message)
        throw ExitCode(error.kind == .badOptions ? ToolExit.usage : ToolExit.packFailed)
    } catch let error as OutputError {
        printError(error.description)
        throw ExitCode(ToolExit.badOutput)
    } catch let error as IoTCertError {
        printError(error.explained)
        throw ExitCode(ToolExit.badInput)
    } catch {
        // InputError, PEMError, CRLError, BundleKeyError: each names its file.
        printError("\(error)")
        throw ExitCode(ToolExit.badInput)
    }
}

/// Where reports go: standard output, unless standard output carries the product (`-o -`),
/// then standard error.
enum Output {
    nonisolated(unsafe) static var reportsToStandardError = false

    static func report(_ text: String) {
        if reportsToStandardError {
            writeStandardError(text)
        } else {
            print(text, terminator: "")
        }
    }
}

/// The JSON every reporting subcommand prints with --json: an object whose "schema" names
/// the subcommand's report and its version (docs/iotcert-tool.md, "JSON").
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try FileIO.write(FileIO.standardStream, [UInt8](try encoder.encode(value)) + [0x0A])
}

/// What a bundle's signature amounts to, in words and as a JSON value.
func signatureStatus(_ opened: OpenedBundle) -> (json: String, text: String) {
    if !opened.bundle.isSigned { return ("unsigned", "unsigned") }
    if opened.signatureChecked { return ("verified", "verified with the given key") }
    return ("not-checked", "present, NOT CHECKED (pass --signing-key to check it)")
}

/// Reads a bundle file and opens it as the device would.
func openBundle(_ path: String, signingKey: String? = nil,
                currentSequence: UInt32? = nil) throws -> OpenedBundle {
    let data = try FileIO.read(path)
    let key = try signingKey.map(readBundlePublicKey)
    do throws(IoTCertError) {
        return try OpenedBundle(data, signingKey: key, currentSequence: currentSequence)
    } catch {
        throw InputError(FileIO.displayName(path),
                         "the device would refuse this bundle: \(error.explained)")
    }
}

enum Arguments {
    static let timeHelp = TimeText.forms + ", or now"

    /// An instant; "now" is the current time.
    static func time(_ text: String, _ option: String) throws -> Int64 {
        if text == "now" { return TimeText.now }
        guard let t = TimeText.parse(text) else {
            // A bare number is never taken as seconds: 20250101 is a date to most people.
            var hint = ""
            if !text.isEmpty && text.allSatisfy(\.isNumber) {
                hint = " (a bare number is not accepted: write seconds since 1970 as @\(text)"
                if text.count == 8 {
                    let digits = Array(text)
                    hint += ", or the date as " + String(digits[0..<4]) + "-"
                        + String(digits[4..<6]) + "-" + String(digits[6..<8])
                }
                hint += ")"
            } else if text.hasPrefix("@"), Int64(text.dropFirst()) != nil
                || text.dropFirst().allSatisfy(\.isNumber) {
                hint = " (@seconds must lie from @\(TimeText.earliest) to @\(TimeText.latest), "
                    + "the years 1600 to 9999)"
            }
            throw ValidationError("\(option) \"\(text)\": expected \(timeHelp)\(hint)")
        }
        return t
    }

    static func duration(_ text: String, _ option: String) throws -> Int64 {
        guard let d = DurationText.parse(text), d > 0 else {
            throw ValidationError("\(option) \"\(text)\": expected a positive duration such as "
                + "30d, 12h or 2w, at most \(DurationText.max / (7 * TimeText.secondsPerDay))w")
        }
        return d
    }
}

enum PurposeArgument: String, ExpressibleByArgument, CaseIterable {
    case server, client, any

    var purpose: Purpose {
        switch self {
        case .server: return .serverAuth
        case .client: return .clientAuth
        case .any: return .any
        }
    }
}

/// Writes `bytes` to `path` ("-": standard output), naming the file when it fails.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try FileIO.write(path, bytes)
}

/// Standard input can be read once: refuses a second "-" among `paths`.
func checkStandardInputOnce(_ paths: [String]) throws {
    guard paths.filter({ $0 == FileIO.standardStream }).count <= 1 else {
        throw ValidationError("- (standard input) may be named only once")
    }
}

/// `--workspace` and `--target`, shared by verify and simulate.
struct WorkspaceOptions: ParsableArguments {
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Workspace bytes the device gives the verifier, on --target "
            + "(default: what the limits need there; at most 1,048,576).", valueName: "bytes"))
    var workspace: Int?

    @Option(help: ArgumentHelp("The device the workspace figures are for: cortex-m (32-bit, "
            + "the default) or host (this machine's 64-bit layout).", valueName: "target"))
    var target = "cortex-m"

    func validate() throws {
        if let workspace, let refusal = DeviceWorkspace.refusal(workspace) {
            throw ValidationError("--workspace \(workspace): \(refusal)")
        }
        guard DeviceTarget.named(target) != nil else {
            throw ValidationError("--target \"\(target)\": expected "
                + DeviceTarget.all.map(\.name).joined(separator: " or "))
        }
    }

    var device: DeviceTarget { DeviceTarget.named(target) ?? .cortexM }
}
