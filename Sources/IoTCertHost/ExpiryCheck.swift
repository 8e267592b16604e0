// `iotcert check --expiring-within`: everything in a bundle that carries an expiry (anchors
// with a recorded one, stored certificates, the device's own chain), and which of them
// expire before now + the period. A deployment pipeline runs it to learn in time.

public struct ExpiryItem: Codable, Equatable {
    /// "anchor 3", "stored 0", "device 1".
    public let what: String
    public let subject: String
    public let notAfter: Int64
}

public enum ExpiryCheck {
    /// `names`: the companion names file's subjects for anchors stored by digest.
    public static func items(_ b: OpenedBundle, names: AnchorNames? = nil) -> [ExpiryItem] {
        var out: [ExpiryItem] = []
        for i in 0..<b.bundle.anchorCount {
            let a = b.bundle.anchor(i)
            guard a.notAfter != Int64.max else { continue }
            let digest = [UInt8](a.subjectDigest).hexString
            let subject = a.subject.count > 0 ? NameText.format(buffer: a.subject)
                : names?.subject(digest: digest, key: [UInt8](a.publicKey.key))
                ?? "subject digest \(digest)"
            out.append(ExpiryItem(what: "anchor \(i)", subject: subject, notAfter: a.notAfter))
        }
        for (kind, ders) in [("stored", b.storedCertificates), ("device", b.deviceCertificates)] {
            for (i, der) in ders.enumerated() {
                guard let c = try? HostCertificate(der: der, source: "\(kind) \(i)") else {
                    continue
                }
                out.append(ExpiryItem(what: "\(kind) \(i)", subject: c.subjectText,
                                      notAfter: c.notAfter))
            }
        }
        return out
    }

    /// The items that expire before `now + within` (already expired ones included).
    public static func expiring(_ b: OpenedBundle, now: Int64, within: Int64) -> [ExpiryItem] {
        expiring(items(b), now: now, within: within)
    }

    public static func expiring(_ items: [ExpiryItem], now: Int64, within: Int64)
        -> [ExpiryItem]
    {
        items.filter { $0.notAfter < now + within }.sorted { $0.notAfter < $1.notAfter }
    }

    public static func report(_ found: [ExpiryItem], total: Int, now: Int64,
                              within: Int64) -> String {
        let horizon = TimeText.format(now + within)
        guard !found.isEmpty else {
            return "ok: none of \(total) expiring item(s) expires before \(horizon) "
                + "(now \(TimeText.format(now)) + \(DurationText.format(within)))\n"
        }
        var lines = ["\(found.count) of \(total) item(s) expire before \(horizon) "
            + "(now \(TimeText.format(now)) + \(DurationText.format(within))):"]
        for item in found {
            let days = (item.notAfter - now) / 86_400
            let when = item.notAfter < now ? "EXPIRED \(-days) day(s) ago"
                : "expires in \(days) day(s)"
            lines.append("  \(item.what): \(item.subject): \(when), "
                + "\(TimeText.format(item.notAfter))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
