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
            Opens the bundle as the device does, then runs the core's verification of the \
            chain (leaf first, then any certificates in any order, from PEM or DER files) \
            with the given workspace size, time, purpose and peer name. Prints the path \
            taken or the reason none was found, the signatures checked and the workspace \
            high-water mark. Exit status 0 when valid, 1 when not.

            \(ToolExit.helpText)
            """)

    @Option(help: "The bundle file.")
    var bundle: String

    @Option(help: ArgumentHelp("Workspace bytes the device gives the verifier (default: what "
            + "the default limits need).", valueName: "bytes"))
    var workspace: Int?

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

    @Option(help: "Refuse the bundle unless its sequence number is larger than this.")
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
        if let workspace, workspace < 0 { throw ValidationError("--workspace must be >= 0") }
    }

    func run() throws {
        try reportingErrors {
            let opened = try openBundle(bundle, signingKey: signingKey,
                                        currentSequence: currentSequence)
            var request = VerifyRequest(
                chain: try InputFiles.certificates(chain).map(\.der),
                time: time == "unknown" ? nil : try Arguments.time(time, "--time"))
            request.purpose = purpose.purpose
            request.peer = try peer()
            request.workspaceBytes = workspace
            request.strict = strict
            let report = opened.verify(request)
            print("time: " + (request.time.map(TimeText.format) ?? "unknown (lower bound "
                + "\(TimeText.format(opened.bundle.buildTime)), the bundle's build time)"))
            print(report.text, terminator: "")
            if !report.isValid { throw ExitCode(ToolExit.negative) }
        }
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
