// `iotcert verify --anchors FILE|DIR`: trust certificates directly, as `openssl verify
// -CAfile` does, without a bundle on disk. The certificates are packed in memory for the one
// instant of the verification (so the device's own selection applies: duplicates merged,
// anchors the device cannot use left out) with full subject names, and the result is opened
// by the core like any bundle.

import IoTCert

public enum AnchorSet {
    public static func open(_ anchors: [InputObject], at instant: Int64) throws -> OpenedBundle {
        var options = PackOptions(validFrom: instant, validUntil: instant)
        options.fullSubjects = true
        let result: PackResult
        do {
            result = try Packer.pack(PackInputs(anchors: anchors), options: options)
        } catch let error as PackError where error.kind == .noAnchor {
            throw InputError("--anchors", "none of the \(anchors.count) certificate(s) is a "
                + "usable trust anchor at \(TimeText.format(instant))")
        }
        // As in pack: a certificate the device cannot read is not dropped unnoticed.
        if let unreadable = result.decisions.first(where: \.unreadable) {
            throw InputError(unreadable.source, unreadable.reason)
        }
        do throws(IoTCertError) {
            return try OpenedBundle(result.bundle)
        } catch {
            throw InputError("--anchors", "the packed anchors do not open: \(error.explained)")
        }
    }
}
