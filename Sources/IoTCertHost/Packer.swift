// `iotcert pack` as a library call: inputs → selection (PackSelection) → bundle bytes
// (BundleWriter) → size check → report. The tool only parses arguments and prints.

import IoTCert

/// The bundle's policy section (docs/bundle-format.md, type 5).
public struct PackPolicy: Equatable {
    public var depthMax: UInt8
    /// Bit 0 P-256, bit 1 P-384, bit 2 RSA.
    public var algorithms: UInt8
    public var signaturesMax: UInt16

    public init(depthMax: UInt8 = Limits.depthCeiling, algorithms: UInt8 = 7,
                signaturesMax: UInt16 = UInt16.max) {
        self.depthMax = depthMax
        self.algorithms = algorithms
        self.signaturesMax = signaturesMax
    }
}

public struct PackOptions {
    /// The period the device must work in, seconds since 1970, inclusive.
    public var validFrom: Int64
    public var validUntil: Int64
    /// The bundle's build time (the clockless device's lower bound for "now"); default
    /// `validFrom`.
    public var buildTime: Int64?
    public var sequence: UInt32 = 1
    /// Store anchors' full subject DER instead of a 16-byte digest.
    public var fullSubjects = false
    /// Write a policy section; nil: none (the device's own limits apply).
    public var policy: PackPolicy?
    /// Fail when the bundle is larger.
    public var maxBytes: Int?

    public init(validFrom: Int64, validUntil: Int64) {
        self.validFrom = validFrom
        self.validUntil = validUntil
    }
}

public struct PackInputs {
    public var anchors: [InputObject] = []
    public var intermediates: [InputObject] = []
    public var deviceChain: [InputObject] = []
    public var crls: [InputObject] = []

    public init(anchors: [InputObject] = [], intermediates: [InputObject] = [],
                deviceChain: [InputObject] = [], crls: [InputObject] = []) {
        self.anchors = anchors
        self.intermediates = intermediates
        self.deviceChain = deviceChain
        self.crls = crls
    }

    /// DER bytes of everything given: the "before" of the size report.
    public var derBytes: Int {
        (anchors + intermediates + deviceChain + crls).reduce(0) { $0 + $1.der.count }
    }
}

/// Why a pack produced no bundle, with the report of what was selected.
public struct PackError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case tooLarge, noAnchor, badOptions }
    public let kind: Kind
    public let message: String
    public let report: String

    public var description: String { message }
}

public struct PackResult {
    public let bundle: [UInt8]
    public let decisions: [PackDecision]
    public let inputBytes: Int
    public let revokedSerials: Int
    public let notes: [String]
    public let report: String
    /// The kept anchors' subjects, for the companion names file (AnchorNames).
    public var anchorNames: [AnchorNameEntry] = []

    public var kept: [PackDecision] { decisions.filter(\.kept) }
    public var dropped: [PackDecision] { decisions.filter { !$0.kept } }
}

public enum Packer {
    /// Selects, encodes and checks a bundle. `sign` receives the digest and returns a DER
    /// ECDSA P-256 signature (BundleSigner.sign), nil for an unsigned bundle.
    public static func pack(_ inputs: PackInputs, options: PackOptions,
                            sign: (([UInt8]) throws -> [UInt8])? = nil) throws -> PackResult {
        guard options.validFrom <= options.validUntil else {
            throw PackError(kind: .badOptions, message: "--valid-from is after --valid-until",
                            report: "")
        }
        let selection = PackSelection(rules: rules(options))
        selection.selectAnchors(inputs.anchors)
        selection.selectIntermediates(inputs.intermediates)
        let buildTime = options.buildTime ?? options.validFrom
        try selection.readDeviceChain(inputs.deviceChain)
        let (revocations, revoked, notes) = try selection.revocations(inputs.crls,
                                                                      time: buildTime)
        var report = PackReport(decisions: selection.decisions, notes: notes)
        guard !selection.keptAnchors.isEmpty else {
            throw PackError(kind: .noAnchor, message: "no trust anchor is left to pack",
                            report: report.text)
        }
        let contents = try selection.contents(options, buildTime: buildTime,
                                              revocations: revocations)
        let bundle = try BundleWriter.write(contents, sign: sign)
        report.sizes = PackSizes(contents: contents, bundle: bundle.count,
                                 inputBytes: inputs.derBytes, signed: sign != nil)
        if let max = options.maxBytes, bundle.count > max {
            throw PackError(kind: .tooLarge,
                            message: "the bundle takes \(grouped(bundle.count)) bytes, "
                                + "\(grouped(bundle.count - max)) over --max-bytes "
                                + "\(grouped(max))",
                            report: report.text + report.overBudget(max: max, options: options))
        }
        var result = PackResult(bundle: bundle, decisions: selection.decisions,
                                inputBytes: inputs.derBytes, revokedSerials: revoked,
                                notes: notes, report: report.text)
        result.anchorNames = zip(selection.keptAnchors, contents.anchors).map { kept, spec in
            spec.nameEntry(subject: kept.cert.subjectText, source: kept.cert.source)
        }
        return result
    }

    static func rules(_ options: PackOptions) -> SelectionRules {
        let depth = options.policy.map { min($0.depthMax, Limits().depthMax) }
            ?? Limits().depthMax
        return SelectionRules(window: options.validFrom...options.validUntil,
                              allowedAlgorithms: options.policy?.algorithms ?? 7,
                              intermediatesMax: max(Int(depth) - 1, 0))
    }
}

extension PackSelection {
    /// The device's own chain is stored as given (it sends it; it never trusts it), after
    /// the core has read every certificate of it.
    func readDeviceChain(_ inputs: [InputObject]) throws {
        for input in inputs {
            let cert: HostCertificate
            do throws(IoTCertError) {
                cert = try HostCertificate(der: input.der, source: input.source)
            } catch {
                throw InputError(input.source, "device certificate does not parse: "
                    + error.explained)
            }
            var warnings = rules.expiryWarning(cert.notAfter)
            if let previous = deviceChain.last,
                previous.issuer != cert.subject || previous.isSigned(by: cert.publicKey) != nil
            {
                warnings.append("does not issue the certificate before it: the chain is sent "
                    + "in the order given, leaf first")
            }
            deviceChain.append(cert)
            decisions.append(PackDecision(
                role: .device, source: input.source, subject: cert.subjectText,
                detail: Self.detail(cert), kept: true, reason: "the device's own chain",
                warnings: warnings, derBytes: input.der.count))
        }
    }

    /// CRLs judged by the limbo engineer's CRLImport (issuer by name and signature,
    /// freshness at `time`), kept only for issuers the bundle keeps.
    func revocations(_ inputs: [InputObject], time: Int64) throws
        -> (bytes: [UInt8], serials: Int, notes: [String])
    {
        let issuers = (parsedAnchors + parsedIntermediates).map { $0.cert.certificate.der }
        let kept = keptAnchors + keptIntermediates
        var revoked: [(key: PublicKey, serial: [UInt8])] = []
        var notes: [String] = []
        for input in inputs {
            let crl = try CRLImport.load(input.der, source: input.source, issuers: issuers,
                                         time: time)
            guard kept.contains(where: { $0.cert.publicKey.sameKey(crl.issuerKey) }) else {
                notes.append("\(input.source): skipped, its issuer is not in the bundle")
                continue
            }
            revoked += crl.revoked
            notes.append("\(input.source): \(crl.serials.count) revoked serial(s)")
        }
        let bytes = try RevocationEncoder.encode(revoked)
        let serials = RevocationRecords.parse(bytes).reduce(0) { $0 + $1.serials.count }
        return (bytes, serials, notes)
    }

    func contents(_ options: PackOptions, buildTime: Int64, revocations: [UInt8]) throws
        -> BundleContents
    {
        var contents = BundleContents()
        contents.anchors = keptAnchors.map { anchorSpec($0.cert, full: options.fullSubjects) }
        contents.certificates = keptIntermediates.map(\.cert.der)
        contents.deviceChain = deviceChain.map(\.der)
        contents.revocations = revocations
        if let p = options.policy {
            contents.policy = (p.depthMax, p.algorithms, p.signaturesMax)
        }
        contents.buildTime = buildTime
        contents.sequence = options.sequence
        return contents
    }

    /// The compact anchor: key, subject (digest or DER), name constraints, expiry (omitted
    /// only when it does not fit the format's 32 bits, i.e. after 2106: "never"), and the
    /// certificate's notBefore, pathLenConstraint and EKU purposes.
    func anchorSpec(_ c: HostCertificate, full: Bool) -> AnchorSpec {
        let expiry = c.notAfter >= 0 && c.notAfter <= Int64(UInt32.max) ? c.notAfter : nil
        var spec = AnchorSpec(algorithm: c.publicKey.algorithm, key: c.key, exponent: c.exponent,
                              subject: c.subject, keepFullSubject: full,
                              nameConstraints: c.nameConstraintsDER, notAfter: expiry)
        spec.keepConstraints(of: c.certificate)
        return spec
    }
}
