// `iotcert simulate`: a deployed device replayed over time on the host. At each step it
// verifies the chain each server presents at that date, with the device's workspace and
// the bundle it ships, and reports when the verdict changes, to the second (by bisection
// between the steps), so that a root expiry or a cross-sign change is seen before it cuts
// the fleet off.
//
// The chains directory:
//   DIR/<server>/                 one directory per server
//   DIR/<server>/host             optional: the name the leaf must match (a DNS name, an IP
//                                 address, or "-" for none); default: the directory name
//   DIR/<server>/<YYYY-MM-DD>.pem the chain the server presents from that date (00:00 UTC)
//                                 on, leaf first, PEM or DER (.pem, .crt, .der)

import Foundation
import IoTCert

public struct ServerChains {
    public let name: String
    public let peer: PeerSpec
    /// (from, file, DER chain), sorted by date.
    public let chains: [(from: Int64, source: String, ders: [[UInt8]])]

    /// The chain presented at `t`, or nil before the first one.
    func chain(at t: Int64) -> (from: Int64, source: String, ders: [[UInt8]])? {
        chains.last { $0.from <= t }
    }
}

public enum ChainsDirectory {
    public static func load(_ directory: String) throws -> [ServerChains] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else { throw InputError(directory, "not a directory") }
        let servers = try fm.contentsOfDirectory(atPath: directory).sorted().filter {
            var d: ObjCBool = false
            let path = (directory as NSString).appendingPathComponent($0)
            return !$0.hasPrefix(".") && fm.fileExists(atPath: path, isDirectory: &d)
                && d.boolValue
        }
        guard !servers.isEmpty else {
            throw InputError(directory, "holds no server directory (DIR/<server>/<date>.pem)")
        }
        return try servers.map { try server((directory as NSString).appendingPathComponent($0)) }
    }

    static func server(_ path: String) throws -> ServerChains {
        let name = (path as NSString).lastPathComponent
        var peer = PeerSpec.ipAddress(name).map(PeerSpec.ip) ?? .dns(name)
        var chains: [(Int64, String, [[UInt8]])] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        where !file.hasPrefix(".") {
            let full = (path as NSString).appendingPathComponent(file)
            if file == "host" {
                peer = try hostFile(full)
                continue
            }
            let stem = (file as NSString).deletingPathExtension
            guard InputFiles.certificateExtensions.contains((file as NSString).pathExtension),
                stem.count == 10, let from = TimeText.parse(stem)
            else {
                throw InputError(full, "expected YYYY-MM-DD.pem (the chain presented from "
                    + "that date on) or a `host` file")
            }
            chains.append((from, full, try InputFiles.objects(full, label: "CERTIFICATE")
                .map(\.der)))
        }
        guard !chains.isEmpty else { throw InputError(path, "holds no YYYY-MM-DD.pem chain") }
        return ServerChains(name: name, peer: peer,
                            chains: chains.map { (from: $0.0, source: $0.1, ders: $0.2) })
    }

    static func hostFile(_ path: String) throws -> PeerSpec {
        let text = try FileIO.readText(path)
        let host = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
            throw InputError(path, "must hold one name (a DNS name, an IP address, or -)")
        }
        if host == "-" { return .none }
        return PeerSpec.ipAddress(host).map(PeerSpec.ip) ?? .dns(host)
    }
}

public struct SimulationOptions {
    public var from: Int64
    public var to: Int64
    public var step: Int64
    public var purpose: Purpose = .serverAuth
    public var limits = Limits()
    /// Workspace bytes on `target`; nil: what the limits need there.
    public var workspaceBytes: Int?
    /// The strict profile (VerifyOptions.strict).
    public var strict = false
    public var target = DeviceTarget.cortexM

    public init(from: Int64, to: Int64, step: Int64) {
        self.from = from
        self.to = to
        self.step = step
    }

    /// Most steps one simulation may take: ten years by the day.
    public static let stepsMax = 3_660

    /// Why these steps cannot be run, or nil. Counted, not listed: "--step 1s" over a
    /// century would otherwise be billions of dates in memory before any check.
    public var refusal: String? {
        guard step > 0, from <= to else { return "--step must be positive and --from not after --to" }
        // Times are within TimeText's years, so the difference cannot overflow.
        guard (to - from) / step < Int64(Self.stepsMax) else {
            return "more than \(Self.stepsMax) steps from --from to --to: use a longer --step"
        }
        return nil
    }
}

/// One server's state at one instant.
public enum SimulationVerdict: Equatable {
    case notDeployed
    case pass
    case fail(IoTCertError)

    public var text: String {
        switch self {
        case .notDeployed: return "-"
        case .pass: return "ok"
        case .fail(let e): return "FAIL \(e)"
        }
    }
}

/// A change of verdict, located to the second.
public struct SimulationEvent {
    public let server: String
    public let at: Int64
    public let verdict: SimulationVerdict
    /// The certificate the failure concerns, or why the verdict changed.
    public let detail: String
}
