// `iotcert gen`: a demonstration PKI (DemoPKI in IoTCertHost).

import ArgumentParser
import Foundation
import IoTCert
import IoTCertHost

struct GenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Write a demonstration PKI for pack, inspect, verify and simulate.",
        discussion: """
            Writes roots/ (ECDSA P-256 and P-384 roots, an RSA 2048 root, an old root \
            expired 30 days before --now), intermediates/ (one issuing CA certified by each \
            root: a cross-signed intermediate, an RSA alternative, an old path), leaves/ \
            (server and client leaves and the chains servers present), crls/, keys/ (a \
            bundle-signing key), servers/ (chains by server and date for simulate) and \
            README.txt with the commands to try.

            Byte-reproducible: every name, key, serial number and validity period follows \
            from --seed and --now, and every signature is deterministic (RSA PKCS#1 v1.5; \
            ECDSA with RFC 6979 nonces), so the same --seed and --now write the same files \
            byte for byte. The keys are derived from the seed: never use them outside a \
            demonstration. An existing key file is not replaced without --force.

            \(ToolExit.helpText)
            """)

    @Option(name: .shortAndLong, help: "The directory to write (created when missing).")
    var out: String

    @Flag(help: "Replace key files that exist already (keys/): devices may pin the old key.")
    var force = false

    @Option(help: "The seed every key is derived from.")
    var seed = DemoPKI.defaultSeed

    @Option(help: ArgumentHelp("The demonstration's clock (\(Arguments.timeHelp)); default "
            + "2025-01-01T00:00:00Z so that runs agree.", valueName: "time"))
    var now: String?

    func run() throws {
        try reportingErrors {
            let clock = try now.map { try Arguments.time($0, "--now") } ?? DemoPKI.defaultNow
            guard DemoPKI.clocks.contains(clock) else {
                throw ValidationError("--now \(TimeText.format(clock)): the PKI's certificates "
                    + "run from 15 years before the clock to 20 years after it, so it must lie "
                    + "from \(TimeText.date(DemoPKI.clocks.lowerBound)) to "
                    + "\(TimeText.date(DemoPKI.clocks.upperBound))")
            }
            let pki = try DemoPKI.make(seed: seed, now: clock)
            try pki.write(to: out, replaceKeys: force)
            print("wrote \(pki.files.count) files to \(out) (seed \"\(seed)\", clock "
                + "\(TimeText.format(clock))); see \(out)/README.txt")
        }
    }
}
