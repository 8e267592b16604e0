// What `iotcert pack` keeps. Every certificate is read by the core the device runs, every
// link (issuer name, CA-ness, signature) is judged by the core's parser and crypto port,
// and time is the deployment window [validFrom, validUntil]:
//
//  - an anchor is kept unless the device cannot read or use its key, it is useless in all
//    of the window, or another anchor has the same subject and key and lasts longer;
//  - an intermediate is kept when, at some instant of the window, it is valid and chains
//    to a kept anchor through valid certificates (a fixed point over the issuer graph,
//    at most depthMax - 1 links deep);
//  - among intermediates with the same subject and key (cross-signs, re-issues) the one a
//    load balancer would pick is kept: ECDSA over RSA signatures, SHA-2 over SHA-1, the
//    longer issuer key, then the longer usable time; another is kept beside it only when
//    it covers instants of the window that the kept ones do not.

import IoTCert

public enum PackRole: String, Codable {
    case anchor
    case intermediate
    case device = "device certificate"
}

/// One line of the pack report: what happened to one input certificate, and why.
public struct PackDecision {
    public let role: PackRole
    public let source: String
    public let subject: String
    /// Key, signature and validity, for the report.
    public let detail: String
    public internal(set) var kept: Bool
    /// Why it was dropped, or a note on why it was kept.
    public internal(set) var reason: String
    /// Things the operator should know about a kept certificate (expiry inside the window).
    public internal(set) var warnings: [String] = []
    public let derBytes: Int
    /// The core could not read it (a corrupt or unsupported certificate).
    public internal(set) var unreadable = false
}

/// The deployment window and the device's limits, as the selection needs them.
struct SelectionRules {
    let window: ClosedRange<Int64>
    let allowedAlgorithms: UInt8
    /// Most intermediates between a leaf and an anchor (depthMax - 1).
    let intermediatesMax: Int

    func allows(_ key: PublicKey) -> String? {
        if allowedAlgorithms & (1 << (key.algorithm.rawValue - 1)) == 0 {
            return "\(KeyText.describe(key)) key: not among the allowed --algorithms"
        }
        if key.algorithm == .rsa && (key.bits < rsaBitsMin || key.bits > rsaBitsMax
            || key.bits % 8 != 0)
        {
            return "RSA \(key.bits) key: the device accepts RSA \(rsaBitsMin) to \(rsaBitsMax)"
        }
        // The anchor record holds at most 4 exponent bytes; the core's policy agrees.
        if key.algorithm == .rsa && key.exponent.count > rsaExponentBytesMax {
            return "RSA exponent longer than 32 bits: the device refuses it"
        }
        return nil
    }

    /// Why a certificate is useless in all of the window, or nil.
    func outsideWindow(notBefore: Int64?, notAfter: Int64) -> String? {
        if notAfter < window.lowerBound {
            return "expired \(TimeText.date(notAfter)), before the window starts "
                + "(\(TimeText.date(window.lowerBound)))"
        }
        if let notBefore, notBefore > window.upperBound {
            return "not valid before \(TimeText.date(notBefore)), after the window ends "
                + "(\(TimeText.date(window.upperBound)))"
        }
        return nil
    }

    func expiryWarning(_ notAfter: Int64) -> [String] {
        guard notAfter < window.upperBound else { return [] }
        return ["expires \(TimeText.format(notAfter)), inside the window"]
    }
}

/// Progress lines during long work: where they go (the tool: standard error) and how often.
public enum PackProgress {
    nonisolated(unsafe) public static var report: (String) -> Void = { _ in }
    /// Inputs between two progress lines; fewer inputs than this show none.
    public static let every = 1_000
}

/// One CA as the packer groups certificates: subject, key, exponent (HostCertificate's
/// sameEntity), and for anchors the name constraints too (what makes one compact record).
struct EntityKey: Hashable {
    let subject: [UInt8]
    let key: [UInt8]
    let exponent: [UInt8]
    var nameConstraints: [UInt8]?

    init(subject: [UInt8], key: [UInt8], exponent: [UInt8]) {
        self.subject = subject
        self.key = key
        self.exponent = exponent
    }

    init(_ c: HostCertificate) {
        self.init(subject: c.subject, key: c.key, exponent: c.exponent)
        nameConstraints = c.nameConstraintsDER
    }
}

/// Anchors that are twins (same subject, key, and constraints as the device reads them:
/// name constraints, pathLenConstraint, EKU purposes) share `entity`; `start` and `notAfter`
/// tell copies of one validity apart.
struct TwinKey: Hashable {
    struct Entity: Hashable {
        let entity: EntityKey
        let pathLength: Int32
        let purposes: UInt8?
    }
    let entity: Entity
    let start: Int64
    let notAfter: Int64

    init(_ c: HostCertificate, start: Int64) {
        let anchor = TrustAnchor(certificate: c.certificate)
        entity = Entity(entity: EntityKey(c), pathLength: anchor.pathLength,
                        purposes: anchor.purposes?.raw)
        self.start = start
        notAfter = c.notAfter
    }
}

/// A parsed input and the index of its decision.
struct Candidate {
    let cert: HostCertificate
    let decision: Int
}

/// The selection over one set of inputs. Holds the parsed certificates alive (the core's
/// views and CRL issuer keys point into them) until the bundle is written.
final class PackSelection {
    let rules: SelectionRules
    var decisions: [PackDecision] = []
    /// Every certificate that parsed, by role (dropped ones too: they explain reasons).
    var parsedAnchors: [Candidate] = []
    var parsedIntermediates: [Candidate] = []
    var keptAnchors: [Candidate] = []
    var keptIntermediates: [Candidate] = []
    var deviceChain: [HostCertificate] = []

    init(rules: SelectionRules) {
        self.rules = rules
    }

    /// Reads each input with the core; what it cannot read is dropped with the core's code.
    func read(_ inputs: [InputObject], role: PackRole) -> [Candidate] {
        var out: [Candidate] = []
        for (n, input) in inputs.enumerated() {
            if n > 0 && n % PackProgress.every == 0 {
                PackProgress.report("read \(grouped(n)) of \(grouped(inputs.count)) "
                    + "\(role.rawValue)s")
            }
            do throws(IoTCertError) {
                let cert = try HostCertificate(der: input.der, source: input.source)
                out.append(Candidate(cert: cert, decision: decisions.count))
                decisions.append(PackDecision(
                    role: role, source: input.source, subject: cert.subjectText,
                    detail: Self.detail(cert), kept: false, reason: "", derBytes: input.der.count))
            } catch {
                decisions.append(PackDecision(
                    role: role, source: input.source, subject: "(unreadable)", detail: "",
                    kept: false, reason: "the device cannot read it: \(error.explained)",
                    derBytes: input.der.count, unreadable: true))
            }
        }
        return out
    }

    static func detail(_ c: HostCertificate) -> String {
        "\(c.keyText), signed \(KeyText.describe(c.signatureAlgorithm)), "
            + "valid \(TimeText.date(c.notBefore)) to \(TimeText.date(c.notAfter))"
    }

    func drop(_ c: Candidate, _ reason: String) {
        decisions[c.decision].kept = false
        decisions[c.decision].reason = reason
    }

    func keep(_ c: Candidate, _ note: String, warnings: [String] = []) {
        decisions[c.decision].kept = true
        decisions[c.decision].reason = note
        decisions[c.decision].warnings += warnings
    }

    // MARK: Anchors

    func selectAnchors(_ inputs: [InputObject]) {
        parsedAnchors = read(inputs, role: .anchor)
        var usable: [Candidate] = []
        for c in parsedAnchors {
            if let reason = rules.allows(c.cert.publicKey) {
                drop(c, reason)
            } else if let reason = rules.outsideWindow(notBefore: c.cert.notBefore,
                                                       notAfter: c.cert.notAfter) {
                drop(c, reason)
            } else {
                usable.append(c)
            }
        }
        // Same subject, key and constraints (name constraints, pathLen, EKU purposes as the
        // device reads them): one compact anchor says it all when its validity covers the
        // other's in the window (a re-issued root with a new self-signature and expiry). One
        // that starts later does not cover: the device checks notBefore too. Copies with the
        // same validity collapse to the first given in one hashed pass, so only distinct
        // validities of one root are compared pairwise (3,000 copies of one root are a normal
        // concatenation accident and cost one pass).
        var firstOfValidity: [TwinKey: Candidate] = [:]
        var validities: [TwinKey.Entity: [Candidate]] = [:]
        for c in usable {
            let key = TwinKey(c.cert, start: max(c.cert.notBefore, rules.window.lowerBound))
            if firstOfValidity[key] == nil {
                firstOfValidity[key] = c
                validities[key.entity, default: []].append(c)
            }
        }
        for c in usable {
            let key = TwinKey(c.cert, start: max(c.cert.notBefore, rules.window.lowerBound))
            let twins = (validities[key.entity] ?? []).filter { $0.decision != c.decision }
            // Among twins of equal validity, the first given is kept.
            if let best = twins.filter({ covers($0, c) }).max(by: {
                ($0.cert.notAfter, -$0.decision) < ($1.cert.notAfter, -$1.decision)
            }) {
                drop(c, "same subject, key and constraints as \(best.cert.source), which is "
                    + "valid whenever this one is and expires "
                    + "\(best.cert.notAfter == c.cert.notAfter ? "with" : "after") it "
                    + "(\(TimeText.date(best.cert.notAfter)))")
                continue
            }
            var warnings = rules.expiryWarning(c.cert.notAfter)
            if !c.cert.extensions.isCA {
                warnings.append("not a CA certificate; kept: an anchor is only a name and a key")
            }
            keep(c, "trust anchor", warnings: warnings)
            keptAnchors.append(c)
        }
    }

    /// When the anchor can end a path: its validity, inside the window.
    func anchorTimes(_ c: Candidate) -> TimeSet {
        let from = max(c.cert.notBefore, rules.window.lowerBound)
        let until = min(c.cert.notAfter, rules.window.upperBound)
        guard from <= until else { return .empty }
        return TimeSet([from...until])
    }

    /// Whether anchor `a` is usable at every instant of the window that `b` is, and `a`
    /// was given first when they are usable at the same instants.
    func covers(_ a: Candidate, _ b: Candidate) -> Bool {
        let start = { (c: Candidate) in max(c.cert.notBefore, self.rules.window.lowerBound) }
        guard start(a) <= start(b), a.cert.notAfter >= b.cert.notAfter else { return false }
        return start(a) < start(b) || a.cert.notAfter > b.cert.notAfter
            || a.decision < b.decision
    }

}
