// The JSON the tool prints with --json (docs/iotcert-tool.md, "JSON output"). Each report is
// an object whose "schema" is "iotcert.<subcommand>" and whose "version" is the schema's
// version: fields are only added within a version; renaming or removing one makes a new
// version. Status fields hold fixed words, never sentences; times are RFC 3339 in UTC.

import IoTCert

/// The version of every report schema below.
public let reportSchemaVersion = 1

/// How a bundle was opened: digest (always checked) and signature.
public struct BundleStatusJSON: Codable, Equatable {
    public let file: String
    public let sequence: UInt32
    public let buildTime: String
    /// "unsigned", "verified" (against --signing-key) or "not-checked".
    public let signature: String

    public init(_ opened: OpenedBundle, file: String) {
        self.file = file
        sequence = opened.bundle.sequence
        buildTime = TimeText.format(opened.bundle.buildTime)
        signature = !opened.bundle.isSigned ? "unsigned"
            : opened.signatureChecked ? "verified" : "not-checked"
    }
}

public struct WorkspaceJSON: Codable, Equatable {
    /// "cortex-m" or "host".
    public let target: String
    public let depth: Int
    public let needed: Int
    public let given: Int
    public let enough: Bool
    public let highWater: Int
}

public struct VerifyJSON: Codable {
    public var schema = "iotcert.verify"
    public var version = reportSchemaVersion
    public let valid: Bool
    /// The core's status: "success", or the error's name ("pathPeerNameMismatch").
    public let status: String
    /// The C API's number for it (IOTCERT_ERR_*; 0 for success).
    public let statusCode: Int32
    public let message: String
    /// The verification time, or nil when the device has no clock.
    public let time: String?
    /// The bundle, or nil with --anchors.
    public let bundle: BundleStatusJSON?
    public let path: [PathEntry]
    public let anchor: String?
    /// The anchor's index in the bundle (inspect's `anchors[].index`).
    public let anchorIndex: Int?
    public let failing: PathEntry?
    public let signaturesChecked: Int
    public let steps: Int
    public let workspace: WorkspaceJSON

    public init(_ r: VerifyReport, time: Int64?, bundle: BundleStatusJSON?) {
        valid = r.isValid
        status = r.error.map { "\($0)" } ?? "success"
        statusCode = r.error?.rawValue ?? 0
        message = r.error.map { "\($0.message.description)" } ?? "valid"
        self.time = time.map(TimeText.format)
        self.bundle = bundle
        path = r.path
        anchor = r.anchor
        anchorIndex = r.anchorIndex
        failing = r.failing
        signaturesChecked = r.signaturesChecked
        steps = r.steps
        let w = r.workspace
        workspace = WorkspaceJSON(target: w.target.name, depth: w.depth, needed: w.needed,
                                  given: w.given, enough: w.isEnough,
                                  highWater: r.workspaceHighWater)
    }
}

public struct ExpiryJSON: Codable, Equatable {
    public let what: String
    public let subject: String
    public let notAfter: String
    public let expired: Bool
    /// Whole days from now to the expiry (negative when expired).
    public let days: Int64
}

public struct CheckJSON: Codable {
    public var schema = "iotcert.check"
    public var version = reportSchemaVersion
    /// True when nothing expires before `horizon`.
    public let ok: Bool
    public let now: String
    public let horizon: String
    public let items: Int
    public let expiring: [ExpiryJSON]
    public let bundle: BundleStatusJSON

    public init(found: [ExpiryItem], items: Int, now: Int64, within: Int64,
                bundle: BundleStatusJSON) {
        ok = found.isEmpty
        self.now = TimeText.format(now)
        horizon = TimeText.format(now + within)
        self.items = items
        expiring = found.map {
            ExpiryJSON(what: $0.what, subject: $0.subject, notAfter: TimeText.format($0.notAfter),
                       expired: $0.notAfter < now,
                       days: TimeText.floorDiv($0.notAfter - now, TimeText.secondsPerDay))
        }
        self.bundle = bundle
    }
}

public struct SimulationVerdictJSON: Codable, Equatable {
    public let server: String
    /// "ok", "fail" or "not-deployed".
    public let verdict: String
    /// The core's error name when failing.
    public let status: String?
}

public struct SimulationStepJSON: Codable, Equatable {
    public let date: String
    public let verdicts: [SimulationVerdictJSON]
}

public struct SimulationEventJSON: Codable, Equatable {
    public let at: String
    public let server: String
    public let verdict: String
    public let status: String?
    public let detail: String
}

public struct SimulateJSON: Codable {
    public var schema = "iotcert.simulate"
    public var version = reportSchemaVersion
    public let ok: Bool
    public let servers: [String]
    public let failingServers: [String]
    public let steps: [SimulationStepJSON]
    public let events: [SimulationEventJSON]
    public let bundle: BundleStatusJSON

    public init(_ r: SimulationReport, bundle: BundleStatusJSON) {
        servers = r.servers
        steps = r.dates.enumerated().map { i, date in
            SimulationStepJSON(date: TimeText.date(date), verdicts: r.servers.indices.map {
                Self.verdict(r.servers[$0], r.verdicts[i][$0])
            })
        }
        events = r.events.map {
            let v = Self.verdict($0.server, $0.verdict)
            return SimulationEventJSON(at: TimeText.format($0.at), server: $0.server,
                                       verdict: v.verdict, status: v.status, detail: $0.detail)
        }
        failingServers = r.servers.indices.filter { s in
            r.verdicts.contains { if case .fail = $0[s] { true } else { false } }
        }.map { r.servers[$0] }
        ok = failingServers.isEmpty
        self.bundle = bundle
    }

    static func verdict(_ server: String, _ v: SimulationVerdict) -> SimulationVerdictJSON {
        switch v {
        case .notDeployed: return SimulationVerdictJSON(server: server, verdict: "not-deployed",
                                                        status: nil)
        case .pass: return SimulationVerdictJSON(server: server, verdict: "ok", status: nil)
        case .fail(let e):
            return SimulationVerdictJSON(server: server, verdict: "fail", status: "\(e)")
        }
    }
}
