// Trust anchor constraints (RFC 5937's idea, RFC 5280 6.1.1 (d) and 6.2): an anchor that
// comes from a certificate vouches only for what that certificate allowed. Its validity is
// checked by VerificationTime.checkAnchor and its name constraints with every issuer's; this
// file holds the rest, which bound the path and the purpose. docs/validation-rules.md
// is the table of these rules.

/// The purposes an anchor certificate's extendedKeyUsage leaves it: nil (every purpose) when
/// it has none, or when it names anyExtendedKeyUsage.
func anchorPurposes(_ eku: ExtendedKeyUsage?) -> ExtendedKeyUsage? {
    guard let eku, !eku.contains(.any) else { return nil }
    return eku
}

/// What anchor `anchor` allows of a path with `intermediatesBelow` non-self-issued
/// intermediates between it and the leaf, verified for `purpose`.
/// The anchor comes by pointer: a value would be a copy of all of it in the caller's frame.
func checkAnchorConstraints(_ anchor: UnsafePointer<TrustAnchor>, intermediatesBelow: Int,
                            purpose: Purpose) throws(IoTCertError)
{
    // RFC 5280 6.1.4 (l)-(m), with max_path_length started at the anchor's value: each
    // non-self-issued intermediate spends one.
    let pathLength = anchor.pointee.pathLength
    if pathLength >= 0 && intermediatesBelow > Int(pathLength) {
        throw .pathAnchorLengthExceeded
    }
    // As for a CA on the path (checkIssuer): an EKU bounds every path through it.
    if let purposes = anchor.pointee.purposes, !allows(purposes, purpose) {
        throw .pathAnchorExtendedKeyUsage
    }
}
