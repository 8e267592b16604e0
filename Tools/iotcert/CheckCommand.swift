// `iotcert check`: what in a bundle expires soon (ExpiryCheck in IoTCertHost).

import ArgumentParser
import Foundation
import IoTCert
import IoTCertHost

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Exit non-zero when anything in a bundle expires soon.",
        discussion: """
            Lists the anchors (with a recorded expiry), stored certificates and device \
            certificates that expire before now + --expiring-within, already expired ones \
            included, and exits 1 when there is any. Anchors stored as a subject digest are \
            named from the bundle's companion names file (BUNDLE.names.json, written by \
            pack) when it is there. \(ToolExit.helpText)
            """)

    @Option(parsing: .unconditional,
            help: ArgumentHelp("The period to look ahead: Nd, Nh or Nw (30d, 12h, 2w).",
                               valueName: "duration"))
    var expiringWithin: String

    @Option(help: ArgumentHelp("The current time (\(Arguments.timeHelp)).", valueName: "time"))
    var now = "now"

    @Option(help: "Check the signature against this P-256 public (or private) key, PEM.")
    var signingKey: String?

    @Flag(help: "Print the JSON report (schema iotcert.check) instead of text.")
    var json = false

    @Argument(help: "The bundle file (or - for standard input).")
    var bundle: String

    func run() throws {
        try reportingErrors {
            let within = try Arguments.duration(expiringWithin, "--expiring-within")
            let clock = try Arguments.time(now, "--now")
            let opened = try openBundle(bundle, signingKey: signingKey)
            let names = try AnchorNames.load(besides: bundle, for: opened, warn: printWarning)
            let items = ExpiryCheck.items(opened, names: names)
            let found = ExpiryCheck.expiring(items, now: clock, within: within)
            if json {
                try printJSON(CheckJSON(found: found, items: items.count, now: clock,
                                        within: within, bundle: BundleStatusJSON(
                                            opened, file: FileIO.displayName(bundle))))
            } else {
                print("\(FileIO.displayName(bundle)): signature: \(signatureStatus(opened).text)")
                print(ExpiryCheck.report(found, total: items.count, now: clock, within: within),
                      terminator: "")
            }
            if !found.isEmpty { throw ExitCode(ToolExit.negative) }
        }
    }
}
