// `iotcert sizes`: what a set of trust anchors (and intermediates) takes as DER, as PEM,
// in ESP-IDF's certificate bundle, and as an iotcert bundle packed by `pack` (subject
// digests, expiry kept; and with full subjects). docs/bundle-sizes.md is its output.
//
// ESP-IDF's layout (components/mbedtls/esp_crt_bundle, gen_crt_bundle.py) stores per root
// a 4-byte offset entry, 2 + 2 bytes of lengths, the subject DER and the whole
// SubjectPublicKeyInfo DER: 4 + 4 + subject + SPKI bytes. It holds roots only.

import IoTCert

public struct SizeRow {
    public let label: String
    public let anchors: Int
    public let intermediates: Int
    public let der: Int
    public let pem: Int
    public let espIDF: Int
    /// Anchors and intermediates `pack` kept.
    public let kept: Int
    public let bundle: Int
    public let bundleFullSubjects: Int
}

public enum SizeReport {
    /// Measures one set, packed for the instant `at` (so that nothing valid then is
    /// dropped for the window). `ecdsaOnly`: only the anchors with EC keys.
    public static func row(label: String, anchors: [InputObject],
                           intermediates: [InputObject] = [], at: Int64,
                           ecdsaOnly: Bool = false) throws -> SizeRow {
        let chosen = ecdsaOnly ? anchors.filter(isEC) : anchors
        let all = chosen + intermediates
        var options = PackOptions(validFrom: at, validUntil: at)
        let digest = try Packer.pack(PackInputs(anchors: chosen, intermediates: intermediates),
                                     options: options)
        options.fullSubjects = true
        let full = try Packer.pack(PackInputs(anchors: chosen, intermediates: intermediates),
                                   options: options)
        return SizeRow(
            label: label, anchors: chosen.count, intermediates: intermediates.count,
            der: all.reduce(0) { $0 + $1.der.count },
            pem: all.reduce(0) { $0 + PEMText.encode($1.der, label: "CERTIFICATE").utf8.count },
            espIDF: chosen.reduce(0) { $0 + espIDFBytes($1) },
            kept: digest.kept.count, bundle: digest.bundle.count,
            bundleFullSubjects: full.bundle.count)
    }

    static func isEC(_ input: InputObject) -> Bool {
        guard let c = try? HostCertificate(der: input.der, source: input.source) else {
            return false
        }
        return c.publicKey.algorithm != .rsa
    }

    /// 4 + 4 + subject + SubjectPublicKeyInfo, read from the DER (0 when unreadable).
    static func espIDFBytes(_ input: InputObject) -> Int {
        input.der.withUnsafeBytes { b -> Int in
            guard let spki = try? CertificateFields.subjectPublicKeyInfo(b),
                let subject = try? CertificateFields.subject(b)
            else { return 0 }
            return 8 + subject.count + spki.count
        }
    }

    /// The rows as a Markdown table.
    public static func markdown(_ rows: [SizeRow]) -> String {
        var lines = [
            "| set | anchors | intermediates | DER | PEM | ESP-IDF bundle | iotcert (kept) "
                + "| iotcert, full subjects | iotcert / ESP-IDF |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in rows {
            let ratio = r.espIDF == 0 ? 0 : Double(r.bundle) / Double(r.espIDF)
            lines.append("| \(r.label) | \(r.anchors) | \(r.intermediates) | \(grouped(r.der)) "
                + "| \(grouped(r.pem)) | \(grouped(r.espIDF)) | \(grouped(r.bundle)) "
                + "(\(r.kept)) | \(grouped(r.bundleFullSubjects)) | "
                + String(format: "%.2f", ratio) + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension CertificateFields {
    static func subject(_ der: UnsafeRawBufferPointer) throws(IoTCertError)
        -> UnsafeRawBufferPointer
    {
        var outer = DERReader(der)
        var c = try outer.read(.sequence).children()
        var t = try c.read(.sequence).children()
        _ = try t.readIfPresent(.context(0, constructed: true))
        for _ in 0..<4 { _ = try t.read() }  // serial, signature, issuer, validity
        return try t.read(.sequence).encoded
    }
}
