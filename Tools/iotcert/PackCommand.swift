// `iotcert pack`: argument parsing and printing around Packer (IoTCertHost).

import ArgumentParser
import Foundation
import IoTCert
import IoTCertHost

struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Build a device trust bundle from anchors, intermediates, a device chain "
            + "and CRLs.",
        discussion: """
            Every certificate is read by the core the device runs. Anchors are kept in \
            compact form (key, 16-byte subject digest or --full-subjects, name constraints, \
            validity, pathLenConstraint, EKU purposes) unless unusable in all of the \
            window. An intermediate is kept when it \
            chains to a kept anchor at some instant of the window; among certificates of one \
            subject and key the one a load balancer would pick is kept (ECDSA over RSA, \
            SHA-2 over SHA-1, the longer issuer key, then the longer usable time). CRLs \
            become the revocation section. Prints what was kept and dropped and why, and \
            the size before (DER given) and after (the bundle).

            Inputs are PEM files (explanatory text between blocks, as in curl's \
            cacert.pem or `openssl x509 -text` output, is skipped), DER files, directories \
            of .pem/.crt/.cer/.der files, or - for standard input. A certificate the device \
            cannot read is an error (exit 2) unless --skip-unreadable drops it with a \
            warning. -o - writes the bundle to standard output and the report to standard \
            error. Beside a bundle file, pack writes BUNDLE.names.json: the kept anchors' \
            subject names, for inspect and check (the device never needs it).

            \(ToolExit.helpText)
            """)

    @Option(name: .customLong("anchors"), parsing: .upToNextOption,
            help: "Trust anchor certificates (files or directories).")
    var anchors: [String] = []

    @Option(name: .customLong("intermediates"), parsing: .upToNextOption,
            help: "Intermediate certificates the device may need to complete paths.")
    var intermediates: [String] = []

    @Option(name: .customLong("device-chain"), parsing: .upToNextOption,
            help: "The device's own chain for mTLS, leaf first (stored, never trusted).")
    var deviceChain: [String] = []

    @Option(name: .customLong("crls"), parsing: .upToNextOption,
            help: "CRLs (PEM X509 CRL or DER) whose revocations the bundle carries.")
    var crls: [String] = []

    @Option(help: ArgumentHelp("Start of the period the device must work in: "
            + "\(Arguments.timeHelp). Default: now.", valueName: "time"))
    var validFrom = "now"

    @Option(help: ArgumentHelp("End of that period (default: --valid-from + 365 days). "
            + "Certificates expiring inside it are reported.", valueName: "time"))
    var validUntil: String?

    @Option(help: ArgumentHelp("The bundle's build time, a clockless device's lower bound "
            + "for now (default: --valid-from).", valueName: "time"))
    var buildTime: String?

    @Flag(help: "Store anchors' full subject names instead of 16-byte digests.")
    var fullSubjects = false

    @Option(parsing: .unconditional, help: "Policy: most certificates in a path (1...16).")
    var depthMax: UInt8?

    @Option(parsing: .unconditional,
            help: "Policy: most signature checks per verification (1...65535).")
    var signaturesMax: UInt16?

    @Option(help: ArgumentHelp("Policy: allowed key algorithms, comma-separated: p256, p384, "
            + "rsa. Anchors and intermediates with other keys are dropped.", valueName: "list"))
    var algorithms: String?

    @Option(parsing: .unconditional,
            help: "Fail (exit 3) with a report when the bundle is larger than this.")
    var maxBytes: Int?

    @Option(help: "Sign the bundle with this ECDSA P-256 private key (PEM).")
    var signKey: String?

    @Option(parsing: .unconditional,
            help: "The bundle's sequence number: a device accepts only a newer one.")
    var sequence: UInt32 = 1

    @Option(name: .shortAndLong, help: "Where to write the bundle (- for standard output).")
    var output: String

    @Option(help: "binary, or c: a C source file with a const uint8_t array.")
    var format: OutputFormat = .binary

    @Option(help: "The C array's name (--format c).")
    var symbol = "iotcert_bundle"

    @Option(help: ArgumentHelp("With --format c: also write this C header, with extern "
            + "declarations of the array, its length and (when signed) the 65-byte signing "
            + "key to pin.", valueName: "file"))
    var header: String?

    /// Above this a bundle gets a size warning: 64 KiB is a large part of the flash of a
    /// Cortex-M class device (the whole Mozilla root store packs into 49 KB).
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Warn on standard error when the bundle is larger than this "
            + "(default 65,536) and no --max-bytes is given.", valueName: "bytes"))
    var warnBytes = 64 << 10

    @Flag(help: "Drop certificates the device cannot read, with a warning, instead of failing.")
    var skipUnreadable = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case binary, c }

    func validate() throws {
        guard !anchors.isEmpty else { throw ValidationError("--anchors is required") }
        try checkStandardInputOnce(anchors + intermediates + deviceChain + crls)
        if header != nil && format != .c {
            throw ValidationError("--header needs --format c")
        }
        guard CSource.isIdentifier(symbol) else {
            throw ValidationError("--symbol \"\(symbol)\" is not a C identifier")
        }
        if let d = depthMax, !(1...Limits.depthCeiling).contains(d) {
            throw ValidationError("--depth-max must be 1...\(Limits.depthCeiling)")
        }
        if signaturesMax == 0 { throw ValidationError("--signatures-max must be 1...65535") }
        if let maxBytes, maxBytes < 0 {
            throw ValidationError("--max-bytes \(maxBytes): must be at least 0")
        }
        if warnBytes < 0 { throw ValidationError("--warn-bytes \(warnBytes): must be at least 0") }
    }

    func run() throws {
        try reportingErrors {
            Output.reportsToStandardError = output == FileIO.standardStream
            PackProgress.report = { printProgress($0) }
            let options = try packOptions()
            warnAboutBuildTime(options)
            let inputs = PackInputs(
                anchors: try InputFiles.certificates(anchors),
                intermediates: try InputFiles.certificates(intermediates),
                deviceChain: try InputFiles.certificates(deviceChain),
                crls: try InputFiles.crls(crls))
            if output != FileIO.standardStream {
                // The names file too: a bundle written beside a names file that cannot be
                // would be half a result.
                try FileIO.checkWritable(output)
                try FileIO.checkWritable(AnchorNames.path(besides: output))
            }
            if let header { try FileIO.checkWritable(header) }
            let signer = try signKey.map { try BundleSigner(pemFile: $0) }
            let result = try Packer.pack(inputs, options: options, sign: signer?.signFunction)
            try refuseUnreadable(result)
            Output.report(result.report)
            try writeFile(output, outputBytes(result.bundle, options, signer: signer))
            if let header {
                try writeFile(header, Array(CSource.header(
                    symbol: symbol, length: result.bundle.count,
                    signingKey: signer?.publicKeyPoint, comment: comment(result.bundle,
                                                                          options)).utf8))
            }
            if output != FileIO.standardStream { try writeNames(result) }
            let written = output == FileIO.standardStream ? "standard output" : output
            Output.report("wrote \(written) (\(format.rawValue), "
                + "\(grouped(result.bundle.count)) bytes, sequence \(sequence), "
                + "\(signer == nil ? "unsigned" : "signed"))\n")
            if result.bundle.count > warnBytes && maxBytes == nil {
                printWarning("the bundle takes \(grouped(result.bundle.count)) bytes, more than "
                    + "--warn-bytes \(grouped(warnBytes)): check it fits the device's flash "
                    + "(--max-bytes makes pack fail above a budget)")
            }
        }
    }


    /// A certificate the device cannot read is an error unless --skip-unreadable: a corrupt
    /// root in an anchors file must not vanish from the bundle unnoticed.
    func refuseUnreadable(_ result: PackResult) throws {
        let unreadable = result.decisions.filter(\.unreadable)
        guard !unreadable.isEmpty else { return }
        for d in unreadable {
            let text = "\(d.source): \(d.role.rawValue): \(d.reason)"
            if skipUnreadable { printWarning(text + "; dropped (--skip-unreadable)") }
            else { printError(text) }
        }
        if !skipUnreadable {
            throw InputError("pack", "\(unreadable.count) certificate(s) the device cannot "
                + "read; fix the input or pass --skip-unreadable to drop them")
        }
    }

    /// A build time after the window makes a clockless device refuse everything that
    /// expires before it; one before the window start is allowed but unusual.
    func warnAboutBuildTime(_ options: PackOptions) {
        guard let build = options.buildTime else { return }
        if build > options.validUntil {
            printWarning("--build-time \(TimeText.format(build)) is after the window ends "
                + "(\(TimeText.format(options.validUntil))): a device without a clock takes the "
                + "build time as its earliest \"now\" and refuses every certificate that expires "
                + "before it")
        } else if build > TimeText.now + 86_400 {
            printWarning("--build-time \(TimeText.format(build)) is in the future: until then, "
                + "a device without a clock refuses certificates that expire before it")
        }
    }

    /// BUNDLE.names.json beside the bundle (--format c: beside the C file).
    func writeNames(_ result: PackResult) throws {
        guard let opened = try? OpenedBundle(result.bundle) else { return }
        let names = AnchorNames(bundleDigest: opened.digest.hexString, anchors: result.anchorNames)
        try writeFile(AnchorNames.path(besides: output), names.json)
    }

    func packOptions() throws -> PackOptions {
        let from = try Arguments.time(validFrom, "--valid-from")
        let until = try validUntil.map { try Arguments.time($0, "--valid-until") }
            ?? from + 365 * 86_400
        var options = PackOptions(validFrom: from, validUntil: until)
        options.buildTime = try buildTime.map { try Arguments.time($0, "--build-time") }
        options.sequence = sequence
        options.fullSubjects = fullSubjects
        options.maxBytes = maxBytes
        if depthMax != nil || signaturesMax != nil || algorithms != nil {
            options.policy = PackPolicy(depthMax: depthMax ?? Limits.depthCeiling,
                                        algorithms: try algorithmBits(),
                                        signaturesMax: signaturesMax ?? UInt16.max)
        }
        return options
    }

    func algorithmBits() throws -> UInt8 {
        guard let algorithms else { return 7 }
        var bits: UInt8 = 0
        for name in algorithms.split(separator: ",") {
            switch name.lowercased() {
            case "p256", "p-256": bits |= 1
            case "p384", "p-384": bits |= 2
            case "rsa": bits |= 4
            default: throw ValidationError("--algorithms: unknown \"\(name)\" (p256, p384, rsa)")
            }
        }
        guard bits != 0 else { throw ValidationError("--algorithms: name at least one") }
        return bits
    }

    func comment(_ bundle: [UInt8], _ options: PackOptions) -> String {
        "iotcert trust bundle, \(bundle.count) bytes, sequence \(sequence), for "
            + "\(TimeText.date(options.validFrom)) to \(TimeText.date(options.validUntil))"
    }

    func outputBytes(_ bundle: [UInt8], _ options: PackOptions, signer: BundleSigner?)
        -> [UInt8]
    {
        guard format == .c else { return bundle }
        return Array(CSource.render(bundle, symbol: symbol, comment: comment(bundle, options),
                                    signingKey: signer?.publicKeyPoint).utf8)
    }
}
