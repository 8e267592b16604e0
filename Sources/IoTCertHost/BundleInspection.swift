// `iotcert inspect`: everything in a bundle, for people (text) and machines (JSON). The
// bundle is opened by the core first, so what is shown is what a device would accept.

import Foundation
import IoTCert

public struct NameConstraintsInfo: Codable, Equatable {
    public let permitted: [String]
    public let excluded: [String]
}

public struct AnchorInfo: Codable {
    public let index: Int
    public let key: String
    /// SHA-256 over the key bytes as stored, hex (to compare with other tools).
    public let keySHA256: String
    /// The subject: from the bundle when it stores it, else from the companion names file;
    /// nil when neither has it.
    public let subject: String?
    /// Where `subject` comes from: "bundle", "names-file" or "unknown".
    public let subjectSource: String
    /// The stored 16-byte subject digest, hex; nil when the bundle stores the full name.
    public let subjectDigest: String?
    public let nameConstraints: NameConstraintsInfo?
    /// RFC 3339, or nil when the anchor has no recorded expiry.
    public let notAfter: String?
    /// RFC 3339, or nil when the anchor has no recorded start of validity.
    public let notBefore: String?
    /// The anchor's pathLenConstraint, or nil when it has none.
    public let pathLength: Int?
    /// The purposes the anchor may validate ("serverAuth", "clientAuth"; empty: neither),
    /// or nil when it may validate every purpose.
    public let purposes: [String]?
    public let recordBytes: Int
}

public struct CertificateInfo: Codable {
    public let index: Int
    public let subject: String
    public let issuer: String
    public let key: String
    public let signature: String
    public let notBefore: String
    public let notAfter: String
    public let ca: Bool
    public let pathLength: Int?
    public let keyUsage: [String]?
    public let extendedKeyUsage: [String]?
    public let subjectAltNames: [String]?
    public let nameConstraints: NameConstraintsInfo?
    public let bytes: Int
    public let sha256: String

    init(index: Int, _ c: HostCertificate) {
        let e = c.extensions
        self.index = index
        subject = c.subjectText
        issuer = c.issuerText
        key = c.keyText
        signature = KeyText.describe(c.signatureAlgorithm)
        notBefore = TimeText.format(c.notBefore)
        notAfter = TimeText.format(c.notAfter)
        ca = e.isCA
        pathLength = e.pathLength >= 0 ? Int(e.pathLength) : nil
        keyUsage = e.keyUsage.map(KeyText.keyUsage)
        extendedKeyUsage = e.extendedKeyUsage.map(KeyText.extendedKeyUsage)
        subjectAltNames = e.subjectAltName.map(GeneralNameText.names)
        nameConstraints = e.hasNameConstraints
            ? NameConstraintsInfo(permitted: GeneralNameText.subtrees(e.permittedSubtrees),
                                  excluded: GeneralNameText.subtrees(e.excludedSubtrees))
            : nil
        bytes = c.der.count
        sha256 = sha256Hex(c.der)
    }
}

public struct RevocationInfo: Codable {
    public let issuerKeyID: String
    public let serials: [String]
}

public struct PolicyInfo: Codable {
    public let depthMax: Int
    public let algorithms: [String]
    public let signaturesMax: Int
}

public struct BundleInspection: Codable {
    public var schema = "iotcert.inspect"
    public var version = reportSchemaVersion
    public let file: String
    public let totalLength: Int
    public let formatVersion: Int
    public let sequence: UInt32
    public let buildTime: String
    public let sections: [OpenedBundle.Section]
    public let digest: String
    /// "verified": `open` checked it (a bundle whose digest does not match is refused).
    public let digestStatus: String
    /// "unsigned", "verified" (with --signing-key) or "not-checked".
    public let signatureStatus: String
    public let anchors: [AnchorInfo]
    public let certificates: [CertificateInfo]
    public let deviceChain: [CertificateInfo]
    public let revocations: [RevocationInfo]
    public let policy: PolicyInfo?

    public init(_ b: OpenedBundle, file: String, names: AnchorNames? = nil) {
        self.file = file
        totalLength = b.bytes.count
        formatVersion = b.formatVersion
        sequence = b.bundle.sequence
        buildTime = TimeText.format(b.bundle.buildTime)
        sections = b.sections
        digest = b.digest.hexString
        digestStatus = "verified"
        signatureStatus = BundleStatusJSON(b, file: file).signature
        anchors = Self.anchors(b, names: names)
        certificates = Self.certificates(b.storedCertificates)
        deviceChain = Self.certificates(b.deviceCertificates)
        revocations = b.revocationRecords.map {
            RevocationInfo(issuerKeyID: $0.issuerID.hexString,
                           serials: $0.serials.map(\.hexString))
        }
        policy = b.sections.contains { $0.type == 5 } ? Self.policy(b.bundle.policy) : nil
    }

    static func anchors(_ b: OpenedBundle, names: AnchorNames?) -> [AnchorInfo] {
        let sizes = b.recordSizes(type: 1)
        return (0..<b.bundle.anchorCount).map { i in
            let a = b.bundle.anchor(i)
            let full = a.subject.count > 0
            let digest = [UInt8](a.subjectDigest).hexString
            let named = full ? nil : names?.subject(digest: digest, key: [UInt8](a.publicKey.key))
            return AnchorInfo(
                index: i, key: KeyText.describe(a.publicKey),
                keySHA256: sha256Hex([UInt8](a.publicKey.key)),
                subject: full ? NameText.format(buffer: a.subject) : named,
                subjectSource: full ? "bundle" : named != nil ? "names-file" : "unknown",
                subjectDigest: full ? nil : digest,
                nameConstraints: a.hasNameConstraints
                    ? NameConstraintsInfo(permitted: GeneralNameText.subtrees(a.permittedSubtrees),
                                          excluded: GeneralNameText.subtrees(a.excludedSubtrees))
                    : nil,
                notAfter: a.notAfter == Int64.max ? nil : TimeText.format(a.notAfter),
                notBefore: a.notBefore == Int64.min ? nil : TimeText.format(a.notBefore),
                pathLength: a.pathLength >= 0 ? Int(a.pathLength) : nil,
                purposes: a.purposes.map(KeyText.extendedKeyUsage),
                recordBytes: i < sizes.count ? sizes[i] : 0)
        }
    }

    static func certificates(_ ders: [[UInt8]]) -> [CertificateInfo] {
        ders.enumerated().compactMap { i, der in
            // `open` checked only the framing; a certificate the core cannot read is shown
            // as such by `verify`, and skipped here.
            (try? HostCertificate(der: der, source: "stored \(i)")).map {
                CertificateInfo(index: i, $0)
            }
        }
    }

    static func policy(_ p: BundlePolicy) -> PolicyInfo {
        let names = ["P-256", "P-384", "RSA"]
        let allowed = names.indices.filter { p.allowedKeyAlgorithms & (1 << $0) != 0 }
        return PolicyInfo(depthMax: Int(p.depthMax), algorithms: allowed.map { names[$0] },
                          signaturesMax: Int(p.signaturesMax))
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}

func sha256Hex(_ bytes: [UInt8]) -> String { sha256(bytes).hexString }
