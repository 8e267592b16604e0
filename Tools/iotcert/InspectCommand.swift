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
            subject text in the bundle: their digest is shown instead.

            \(ToolExit.helpText)
            """)

    @Argument(help: "The bundle file.")
    var bundle: String

    @Flag(help: "Print JSON for machines instead of text.")
    var json = false

    @Option(help: "Check the signature against this P-256 public (or private) key, PEM.")
    var signingKey: String?

    func run() throws {
        try reportingErrors {
            let opened = try openBundle(bundle, signingKey: signingKey)
            let inspection = BundleInspection(opened, file: bundle)
            print(json ? inspection.json : inspection.text, terminator: "")
        }
    }
}
