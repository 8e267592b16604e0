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

    func checkAnchor(notAfter: Int64) throws(IoTCertError) {
        guard notAfter >= (now ?? lowerBound) else { throw .pathAnchorExpired }
    }
}
