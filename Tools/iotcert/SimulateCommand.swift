// `iotcert simulate`: a deployed device replayed over time (Simulation in IoTCertHost).

import ArgumentParser
import Foundation
import IoTCert
import IoTCertHost

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay a deployed device over time against the chains servers present.",
        discussion: """
            At each step from --from to --to, verifies the chain each server presents at \
            that date with the bundle and the device's workspace, prints a timeline of \
            verdicts, and locates every change of verdict to the second (a root expiry, a \
            cross-sign expiry, a chain change, a leaf expiry).

            The chains directory:
              DIR/<server>/                  one directory per server
              DIR/<server>/host              optional: the name the leaf must match (a DNS
                                             name, an IP address, or - for none); default:
                                             the directory's name
              DIR/<server>/<YYYY-MM-DD>.pem  the chain (leaf first, PEM or DER) the server
                                             presents from that date (00:00 UTC) on

            Workspace figures are the device's (--target, default cortex-m). Exit status 1 \
            when some server fails at some step. \(ToolExit.helpText)
            """)

    @Option(help: "The bundle file.")
    var bundle: String

    @Option(help: "The chains directory (see above).")
    var chains: String

    @Option(help: ArgumentHelp("First step (\(Arguments.timeHelp)).", valueName: "time"))
    var from: String

    @Option(help: ArgumentHelp("Last step, inclusive.", valueName: "time"))
    var to: String

    @Option(help: ArgumentHelp("Time between steps: Nd, Nh or Nw.", valueName: "duration"))
    var step = "30d"

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(help: "Check the bundle's signature against this P-256 public (or private) key, PEM.")
    var signingKey: String?

    @Flag(help: "Print the JSON report (schema iotcert.simulate) instead of text.")
    var json = false

    @Option(help: "What the leaves are for: server, client or any.")
    var purpose: PurposeArgument = .server

    @Flag(help: "Verify with the strict profile (docs/validation-rules.md).")
    var strict = false

    func run() throws {
        try reportingErrors {
            var options = SimulationOptions(from: try Arguments.time(from, "--from"),
                                            to: try Arguments.time(to, "--to"),
                                            step: try Arguments.duration(step, "--step"))
            // A bad period is a usage error (exit 64), found before any file is read.
            if let refusal = options.refusal { throw ValidationError(refusal) }
            options.purpose = purpose.purpose
            options.workspaceBytes = workspaceOptions.workspace
            options.target = workspaceOptions.device
            options.strict = strict
            let opened = try openBundle(bundle, signingKey: signingKey)
            let servers = try ChainsDirectory.load(chains)
            let report = try Simulation.run(opened, servers: servers, options: options)
            if json {
                try printJSON(SimulateJSON(report, bundle: BundleStatusJSON(
                    opened, file: FileIO.displayName(bundle))))
                if report.anyFailure { throw ExitCode(ToolExit.negative) }
                return
            }
            let header = "\(FileIO.displayName(bundle)): sequence \(opened.bundle.sequence), "
                + "\(opened.bundle.anchorCount) anchor(s), \(opened.bundle.certificateCount) "
                + "stored; signature: \(signatureStatus(opened).text); every \(step) from "
                + "\(TimeText.date(options.from)) to \(TimeText.date(options.to))"
            var request = VerifyRequest(chain: [], time: nil)
            request.limits = options.limits
            request.workspaceBytes = options.workspaceBytes
            request.target = options.target
            print(report.text(header: header + "\n" + opened.workspaceModel(request).text),
                  terminator: "")
            if report.anyFailure { throw ExitCode(ToolExit.negative) }
        }
    }
}
