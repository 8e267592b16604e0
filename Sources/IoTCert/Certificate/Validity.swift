// Validity (RFC 5280 4.1.2.5 and 6.1.3 (a)(2)): both ends inclusive.

/// The instant a verification is judged at.
struct VerificationTime {
    /// Now, when the caller knows it.
    let now: Int64?
    /// The trust store's build time: "now" is at least this.
    let lowerBound: Int64

    func check(notBefore: Int64, notAfter: Int64) throws(IoTCertError) {
        if let now {
            guard now >= notBefore else { throw .pathNotYetValid }
            guard now <= notAfter else { throw .pathExpired }
        } else {
            // Without a clock, only what had already expired when the store was built is
            // known to be expired; nothing is known to be not yet valid.
            guard notAfter >= lowerBound else { throw .pathExpired }
        }
    }

    /// An anchor is judged at `now`, or without a clock at the store's build time: one that
    /// had expired by then is expired, and one whose validity had not begun by then is not
    /// proven valid (trust in it is the operator's grant, not something to assume).
    func checkAnchor(notBefore: Int64, notAfter: Int64) throws(IoTCertError) {
        let at = now ?? lowerBound
        guard at <= notAfter else { throw .pathAnchorExpired }
        guard at >= notBefore else { throw .pathAnchorNotYetValid }
    }
}
