// `iotcert inspect` for people: one block per part of the bundle.

extension BundleInspection {
    public var text: String {
        var lines = [
            "\(file): iotcert bundle, format \(formatVersion), \(grouped(totalLength)) bytes",
            "  sequence \(sequence), built \(buildTime)",
            "  digest \(digest): \(digestStatus) (SHA-256 over every byte before the trailer)",
            "  signature: " + (signatureStatus == "not-checked"
                ? "present, NOT CHECKED (pass --signing-key to check it)"
                : signatureStatus == "verified" ? "verified with the given key" : "unsigned"),
            "sections:",
        ]
        for s in sections {
            lines.append("  \(s.type) \(s.name): offset \(s.offset), \(grouped(s.length)) bytes")
        }
        lines.append("trust anchors: \(anchors.count)")
        for a in anchors { lines += anchorLines(a) }
        lines.append("stored certificates: \(certificates.count)")
        for c in certificates { lines += certificateLines(c) }
        if !deviceChain.isEmpty {
            lines.append("device chain: \(deviceChain.count) (sent by the device, never trusted)")
            for c in deviceChain { lines += certificateLines(c) }
        }
        if !revocations.isEmpty {
            lines.append("revocations: \(revocations.count) issuer(s)")
            for r in revocations {
                lines.append("  issuer key id \(r.issuerKeyID): \(r.serials.count) serial(s): "
                    + r.serials.prefix(8).joined(separator: ", ")
                    + (r.serials.count > 8 ? ", ..." : ""))
            }
        }
        if let p = policy {
            lines.append("policy: depth at most \(p.depthMax), keys "
                + p.algorithms.joined(separator: ", ") + ", at most \(p.signaturesMax) "
                + "signature checks per verification")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func anchorLines(_ a: AnchorInfo) -> [String] {
        let digest = "subject digest \(a.subjectDigest ?? "")"
        let subject = a.subjectSource == "bundle" ? a.subject ?? ""
            : a.subjectSource == "names-file" ? "\(a.subject ?? "") (\(digest); name from the "
                + "names file)"
            : "\(digest) (the bundle stores only the digest of the subject and no names file "
                + "is beside it: its text is not known)"
        var lines = ["  [\(a.index)] \(subject)",
                     "      \(a.key), key sha256 \(a.keySHA256), expires "
                         + "\(a.notAfter ?? "never (no expiry recorded)"), "
                         + "\(a.recordBytes) bytes"]
        var bounds: [String] = []
        if let from = a.notBefore { bounds.append("valid from \(from)") }
        if let p = a.pathLength { bounds.append("pathLen \(p)") }
        if let purposes = a.purposes {
            bounds.append("purposes " + (purposes.isEmpty ? "none of TLS server or client"
                : purposes.joined(separator: ",")))
        }
        if !bounds.isEmpty { lines.append("      " + bounds.joined(separator: "; ")) }
        if let nc = a.nameConstraints { lines += constraintLines(nc) }
        return lines
    }

    func certificateLines(_ c: CertificateInfo) -> [String] {
        var lines = ["  [\(c.index)] \(c.subject)",
                     "      issuer \(c.issuer)",
                     "      \(c.key), signed \(c.signature), valid \(c.notBefore) to "
                         + "\(c.notAfter), \(grouped(c.bytes)) bytes"]
        var constraints: [String] = [c.ca ? "CA" : "not a CA"]
        if let p = c.pathLength { constraints.append("pathLen \(p)") }
        if let ku = c.keyUsage { constraints.append("keyUsage " + ku.joined(separator: ",")) }
        if let eku = c.extendedKeyUsage {
            constraints.append("EKU " + eku.joined(separator: ","))
        }
        lines.append("      " + constraints.joined(separator: "; "))
        if let san = c.subjectAltNames {
            lines.append("      subjectAltName " + san.joined(separator: ", "))
        }
        if let nc = c.nameConstraints { lines += constraintLines(nc) }
        return lines
    }

    func constraintLines(_ nc: NameConstraintsInfo) -> [String] {
        var lines: [String] = []
        if !nc.permitted.isEmpty {
            lines.append("      name constraints: permitted "
                + nc.permitted.joined(separator: ", "))
        }
        if !nc.excluded.isEmpty {
            lines.append("      name constraints: excluded "
                + nc.excluded.joined(separator: ", "))
        }
        return lines
    }
}
