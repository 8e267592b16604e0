// `iotcert inspect`: a bundle read back (BundleInspection in IoTCertHost).

import ArgumentParser
import Foundation
import IoTCert
import IoTCertHost

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show every section, anchor and certificate of a bundle.",
        discussion: """
            The bundle is opened by the core as a device opens it (digest, and the \
            signature with --signing-key), then each section, anchor (key, subject or \
            subject digest, name constraints, expiry, size) and certificate (subject, key, \
            validity, constraints) is shown. Anchors stored as a subject digest have no \
            subject text in the bundle: it is taken from the companion names file \
            (BUNDLE.names.json, written by pack) when it is there, else the digest is \
            shown. The signature status is always shown: "not-checked" unless \
            --signing-key is given. \(ToolExit.helpText)
            """)

    @Argument(help: "The bundle file (or - for standard input).")
    var bundle: String

    @Flag(help: "Print the JSON report (schema iotcert.inspect) instead of text.")
    var json = false

    @Option(help: "Check the signature against this P-256 public (or private) key, PEM.")
    var signingKey: String?

    func run() throws {
        try reportingErrors {
            let opened = try openBundle(bundle, signingKey: signingKey)
            let names = try AnchorNames.load(besides: bundle, for: opened, warn: printWarning)
            let inspection = BundleInspection(opened, file: FileIO.displayName(bundle),
                                              names: names)
            print(json ? inspection.json : inspection.text, terminator: "")
        }
    }
}
