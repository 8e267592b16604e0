// What the bundle subcommands share: exit codes, error reporting that names the file, and
// reading of time, duration and purpose arguments. The work itself is in IoTCertHost.

import ArgumentParser
import Foundation
import IoTCert
import IoTCertHost

/// Exit codes of pack, inspect, verify, gen, check, simulate and sizes (docs/iotcert-tool.md).
enum ToolExit {
    /// 0: success; the chain is valid; nothing expires; every server passes.
    static let success: Int32 = 0
    /// 1: a negative verdict: no valid path, something expires soon, a server fails.
    static let negative: Int32 = 1
    /// 2: an input is unreadable or malformed, or the core refuses to open the bundle.
    static let badInput: Int32 = 2
    /// 3: pack made no bundle: over --max-bytes, or no trust anchor left.
    static let packFailed: Int32 = 3
    // 64: a usage error (unknown option, bad value): ArgumentParser's EX_USAGE.

    static let helpText = """
        Exit status: 0 success (valid, nothing expiring, all servers pass); 1 a negative \
        verdict (invalid chain, something expiring, a server failing); 2 an unreadable or \
        malformed input, or a bundle the device would refuse to open; 3 pack made no \
        bundle (over --max-bytes, or no anchor left); 64 a usage error.
        """
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("iotcert: error: \(message)\n".utf8))
}

/// Runs a subcommand's body, turning the library's errors into a message on standard error
/// that names the file, and the documented exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch let error as PackError {
        if !error.report.isEmpty { print(error.report, terminator: "") }
        printError(error.message)
        throw ExitCode(error.kind == .badOptions ? ExitCode.validationFailure.rawValue
                           : ToolExit.packFailed)
    } catch let error as IoTCertError {
        printError(error.explained)
        throw ExitCode(ToolExit.badInput)
    } catch {
        // InputError, PEMError, CRLError, BundleKeyError: each names its file.
        printError("\(error)")
        throw ExitCode(ToolExit.badInput)
    }
}

/// Reads a bundle file and opens it as the device would.
func openBundle(_ path: String, signingKey: String? = nil,
                currentSequence: UInt32? = nil) throws -> OpenedBundle {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputError(path, "cannot be read")
    }
    let key = try signingKey.map(readBundlePublicKey)
    do throws(IoTCertError) {
        return try OpenedBundle([UInt8](data), signingKey: key, currentSequence: currentSequence)
    } catch {
        throw InputError(path, "the device would refuse this bundle: \(error.explained)")
    }
}

enum Arguments {
    static let timeHelp = "RFC 3339 (2025-01-01T00:00:00Z), a date (2025-01-01, midnight "
        + "UTC), seconds since 1970, or now"

    /// An instant; "now" is the current time.
    static func time(_ text: String, _ option: String) throws -> Int64 {
        if text == "now" { return TimeText.now }
        guard let t = TimeText.parse(text) else {
            throw ValidationError("\(option) \"\(text)\": expected \(timeHelp)")
        }
        return t
    }

    static func duration(_ text: String, _ option: String) throws -> Int64 {
        guard let d = DurationText.parse(text), d > 0 else {
            throw ValidationError("\(option) \"\(text)\": expected a positive duration such as "
                + "30d, 12h or 2w")
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

/// Writes `bytes` to `path`, naming the file when it fails.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    } catch {
        throw InputError(path, "cannot be written (\(error.localizedDescription))")
    }
}
