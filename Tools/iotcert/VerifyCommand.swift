// `iotcert verify`: the device's validation run on the host (HostVerify in IoTCertHost).

import ArgumentParser
import Foundation
import IoTCert
import IoTCertHost

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Validate a chain against a bundle exactly as the device would.",
        discussion: """
            Opens the bundle as the device does (and says whether its signature was \
            checked), then runs the core's verification of the chain (leaf first, then any \
            certificates in any order, from PEM or DER files, - for standard input) with \
            the device's workspace, time, purpose and peer name. Prints the path taken or \
            the reason none was found, the signatures checked, and the workspace the \
            device needs against what it is given, in the device's own bytes (--target).

            --anchors FILE|DIR instead of --bundle trusts those certificates directly, as \
            `openssl verify -CAfile` does: they are packed in memory for --time (which \
            must be known) with full subject names.

            Exit status 0 when valid, 1 when not. \(ToolExit.helpText)
            """)

    @Option(help: "The bundle file (or - for standard input).")
    var bundle: String?

    @Option(name: .customLong("anchors"), parsing: .upToNextOption,
            help: ArgumentHelp("Trust these certificates (files or directories) instead of "
                + "a bundle.", valueName: "path"))
    var anchors: [String] = []

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(parsing: .unconditional,
            help: ArgumentHelp("The device's limit on certificates in a path (1...16; "
            + "default 8); the bundle's policy may lower it.", valueName: "n"))
    var depthMax: UInt8?

    @Flag(help: "Print the JSON report (schema iotcert.verify) instead of text.")
    var json = false

    @Option(help: ArgumentHelp("The device's time: \(Arguments.timeHelp), or unknown (no "
            + "clock: the bundle's build time is the lower bound).", valueName: "time"))
    var time = "now"

    @Option(help: "What the leaf is for: server, client or any.")
    var purpose: PurposeArgument = .server

    @Option(help: "The DNS name the leaf must match.")
    var host: String?

    @Option(help: "The IP address the leaf must match.")
    var ip: String?

    @Option(help: "The email address the leaf must match.")
    var email: String?

    @Option(help: "Require the bundle to be signed by this P-256 public (or private) key, PEM.")
    var signingKey: String?

    @Option(parsing: .unconditional,
            help: "Refuse the bundle unless its sequence number is larger than this.")
    var currentSequence: UInt32?

    @Flag(help: ArgumentHelp("Verify with the strict profile (RFC 5280 and CABF issuance "
          + "rules too; docs/validation-rules.md)."))
    var strict = false

    @Argument(help: "Chain files, leaf first (PEM or DER; a file may hold several).")
    var chain: [String]

    func validate() throws {
        guard [host, ip, email].compactMap({ $0 }).count <= 1 else {
            throw ValidationError("give at most one of --host, --ip, --email")
        }
        guard !chain.isEmpty else { throw ValidationError("name at least one chain file") }
        try checkStandardInputOnce(chain + anchors + [bundle].compactMap { $0 })
        if let depthMax, depthMax < 1 || depthMax > Limits.depthCeiling {
            throw ValidationError("--depth-max \(depthMax): expected 1...\(Limits.depthCeiling)")
        }
        guard (bundle == nil) != anchors.isEmpty else {
            throw ValidationError("give either --bundle or --anchors")
        }
        if !anchors.isEmpty {
            guard time != "unknown" else {
                throw ValidationError("--anchors needs a known --time (a bundle's build time "
                    + "is what stands in for an unknown one)")
            }
            guard signingKey == nil, currentSequence == nil else {
                throw ValidationError("--signing-key and --current-sequence concern a bundle; "
                    + "--anchors has none")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let instant = time == "unknown" ? nil : try Arguments.time(time, "--time")
            let (opened, source) = try trustStore(instant)
            var request = VerifyRequest(chain: try InputFiles.certificates(chain).map(\.der),
                                        time: instant)
            request.purpose = purpose.purpose
            request.peer = try peer()
            if let depthMax { request.limits.depthMax = depthMax }
            request.workspaceBytes = workspaceOptions.workspace
            request.target = workspaceOptions.device
            request.strict = strict
            if let bundle {
                request.names = try AnchorNames.load(besides: bundle, for: opened,
                                                     warn: printWarning)
            }
            let report = opened.verify(request)
            let status = bundle.map { BundleStatusJSON(opened, file: FileIO.displayName($0)) }
            if json {
                try printJSON(VerifyJSON(report, time: instant, bundle: status))
            } else {
                print(source)
                print("time: " + (instant.map(TimeText.format) ?? "unknown (lower bound "
                    + "\(TimeText.format(opened.bundle.buildTime)), the bundle's build time)"))
                print(report.text, terminator: "")
            }
            if status?.signature == "not-checked" && !json {
                printWarning("the bundle's signature was not checked (no --signing-key)")
            }
            if !report.isValid { throw ExitCode(ToolExit.negative) }
        }
    }

    /// The bundle as the device opens it, or the --anchors packed for `instant`; and the
    /// line that says which.
    func trustStore(_ instant: Int64?) throws -> (OpenedBundle, String) {
        if let bundle {
            let opened = try openBundle(bundle, signingKey: signingKey,
                                        currentSequence: currentSequence)
            return (opened, "bundle: \(FileIO.displayName(bundle)), sequence "
                + "\(opened.bundle.sequence); signature: \(signatureStatus(opened).text)")
        }
        let given = try InputFiles.certificates(anchors)
        let opened = try AnchorSet.open(given, at: instant ?? TimeText.now)
        return (opened, "anchors: \(opened.bundle.anchorCount) of \(given.count) certificate(s) "
            + "usable at that time, from " + anchors.joined(separator: ", "))
    }

    func peer() throws -> PeerSpec {
        if let host { return .dns(host) }
        if let email { return .email(email) }
        if let ip {
            guard let bytes = PeerSpec.ipAddress(ip) else {
                throw ValidationError("--ip \"\(ip)\" is not an IPv4 or IPv6 address")
            }
            return .ip(bytes)
        }
        return .none
    }
}
