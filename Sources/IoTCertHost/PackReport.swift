// What `iotcert pack` prints: each input kept or dropped with the reason, warnings, and the
// size before (the DER given) and after (the bundle), section by section.

import IoTCert

/// Bytes per part of a bundle, computed from what was encoded.
struct PackSizes {
    var anchors = 0
    var certificates = 0
    var deviceChain = 0
    var revocations = 0
    var policy = 0
    var overhead = 0
    var bundle = 0
    var inputBytes = 0
    /// Anchor bytes (record + offset) by key kind, for the over-budget advice.
    var anchorsByKey: [String: (count: Int, bytes: Int)] = [:]
    var fullSubjectBytes = 0

    init(contents c: BundleContents, bundle: Int, inputBytes: Int, signed: Bool) {
        self.bundle = bundle
        self.inputBytes = inputBytes
        for spec in c.anchors {
            let size = ((try? spec.encoded().count) ?? 0) + 4
            anchors += size
            let kind = spec.algorithm == .rsa ? "RSA \(spec.key.count * 8)"
                : (spec.algorithm == .ecP256 ? "EC P-256" : "EC P-384")
            let old = anchorsByKey[kind] ?? (0, 0)
            anchorsByKey[kind] = (old.count + 1, old.bytes + size)
            if spec.keepFullSubject { fullSubjectBytes += spec.subject.count + 2 - 16 }
        }
        anchors += 4
        certificates = Self.certificateSection(c.certificates)
        deviceChain = Self.certificateSection(c.deviceChain)
        revocations = (c.revocations.count + 3) / 4 * 4
        policy = c.policy == nil ? 0 : 4
        overhead = bundle - anchors - certificates - deviceChain - revocations - policy
    }

    static func certificateSection(_ ders: [[UInt8]]) -> Int {
        guard !ders.isEmpty else { return 0 }
        return 4 + ders.reduce(0) { $0 + 4 + 4 + ($1.count + 3) / 4 * 4 }
    }
}

struct PackReport {
    let decisions: [PackDecision]
    let notes: [String]
    var sizes: PackSizes?

    init(decisions: [PackDecision], notes: [String]) {
        self.decisions = decisions
        self.notes = notes
    }

    var text: String {
        var lines: [String] = []
        for role in [PackRole.anchor, .intermediate, .device] {
            let items = decisions.filter { $0.role == role }
            guard !items.isEmpty else { continue }
            let kept = items.filter(\.kept).count
            lines.append("\(heading(role)): \(items.count) given, \(kept) kept, "
                + "\(items.count - kept) dropped")
            for d in items { lines += describe(d) }
        }
        if !notes.isEmpty {
            lines.append("revocations:")
            lines += notes.map { "  " + $0 }
        }
        if let s = sizes { lines += sizeLines(s) }
        return lines.joined(separator: "\n") + "\n"
    }

    func heading(_ role: PackRole) -> String {
        switch role {
        case .anchor: return "trust anchors"
        case .intermediate: return "intermediates"
        case .device: return "device chain"
        }
    }

    func describe(_ d: PackDecision) -> [String] {
        let status = d.kept ? "kept   " : "dropped"
        var lines = ["  \(status) \(d.subject)  [\(d.source)]"]
        if !d.detail.isEmpty { lines.append("          \(d.detail)") }
        if !d.reason.isEmpty { lines.append("          \(d.kept ? "" : "why: ")\(d.reason)") }
        lines += d.warnings.map { "          warning: \($0)" }
        return lines
    }

    func sizeLines(_ s: PackSizes) -> [String] {
        let percent = s.inputBytes == 0 ? 0 : Double(s.bundle) * 100 / Double(s.inputBytes)
        return [
            "size: \(grouped(s.inputBytes)) bytes given (DER) -> \(grouped(s.bundle)) bytes "
                + "bundle (\(String(format: "%.1f", percent))%)",
            "  anchors \(grouped(s.anchors)), stored certificates \(grouped(s.certificates)), "
                + "device chain \(grouped(s.deviceChain)), revocations "
                + "\(grouped(s.revocations)), policy \(s.policy), header, table and trailer "
                + "\(grouped(s.overhead))",
        ]
    }

    /// Where the bytes go and what would save them, for a bundle over --max-bytes.
    func overBudget(max: Int, options: PackOptions) -> String {
        guard let s = sizes else { return "" }
        var lines = ["over --max-bytes \(grouped(max)) by \(grouped(s.bundle - max)) bytes; "
            + "anchors by key:"]
        for (kind, v) in s.anchorsByKey.sorted(by: { $0.value.bytes > $1.value.bytes }) {
            lines.append("  \(kind): \(v.count) anchors, \(grouped(v.bytes)) bytes")
        }
        lines.append("ways to fit:")
        let rsa = s.anchorsByKey.filter { $0.key.hasPrefix("RSA") }.reduce(0) {
            $0 + $1.value.bytes
        }
        if rsa > 0 {
            lines.append("  --algorithms p256,p384 drops the RSA anchors (\(grouped(rsa)) "
                + "bytes) and what chains only to them")
        }
        if options.fullSubjects {
            lines.append("  without --full-subjects anchors store 16-byte subject digests "
                + "(saves about \(grouped(s.fullSubjectBytes)) bytes)")
        }
        if s.certificates > 0 {
            lines.append("  a shorter window (--valid-from/--valid-until) may drop some of the "
                + "\(grouped(s.certificates)) bytes of stored certificates")
        }
        lines.append("  or pass fewer anchors: only the roots the device's servers chain to")
        return lines.joined(separator: "\n") + "\n"
    }
}
