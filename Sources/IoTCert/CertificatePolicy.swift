// The checks that depend on one certificate and its role in the path, not on the rest of
// the path: what an issuer must be (RFC 5280 6.1.4 (k)-(n), 4.2.1.3, 4.2.1.9), what a leaf
// must be for the purpose, and the algorithm policy every key must meet.

/// Smallest RSA modulus accepted, in bits (NIST SP 800-131A; CABF).
public let rsaBitsMin = 2048
/// Largest RSA modulus accepted: what the default port verifies, and a bound on the time
/// one verification may take on a device.
public let rsaBitsMax = 4096

/// Algorithm policy for a key: named curves only (enforced when reading), RSA between
/// rsaBitsMin and rsaBitsMax in whole bytes.
func checkKeyPolicy(_ key: PublicKey) throws(IoTCertError) {
    guard key.algorithm == .rsa else { return }
    let bits = key.bits
    guard bits >= rsaBitsMin, bits <= rsaBitsMax, bits % 8 == 0 else { throw .certWeakKey }
}

/// RFC 5280's profile rules that validation depends on, for any certificate on a path:
/// a CA certificate carries a critical basicConstraints and a subjectKeyIdentifier
/// (4.2.1.9, 4.2.1.2); a certificate that is not self-signed names its issuer's key
/// (authorityKeyIdentifier with keyIdentifier, 4.2.1.1); keyCertSign only with cA
/// (4.2.1.3); pathLenConstraint only with cA and keyCertSign (4.2.1.9).
func checkProfile(_ c: Certificate) throws(IoTCertError) {
    let e = c.extensions
    if e.isCA {
        guard e.basicConstraintsCritical, e.subjectKeyID.count > 0 else {
            throw .pathCertificateProfile
        }
    }
    if !c.isSelfIssued {
        guard e.authorityKeyID.count > 0 else { throw .pathCertificateProfile }
    } else if e.hasAuthorityKeyIdentifier {
        // A self-issued certificate that names its own key must name it consistently and by
        // key only (CABF 7.1.2.1.3): anything else is a malformed root.
        guard e.authorityKeyID.bytesEqual(e.subjectKeyID), e.authorityKeyID.count > 0,
            !e.authorityKeyIDHasIssuerAndSerial
        else { throw .pathCertificateProfile }
    }
    if let usage = e.keyUsage, usage & keyCertSignBit != 0 {
        guard e.isCA else { throw .pathCertificateProfile }
    }
    if e.pathLength >= 0 {
        guard e.isCA, (e.keyUsage ?? keyCertSignBit) & keyCertSignBit != 0 else {
            throw .pathCertificateProfile
        }
    }
    // A critical subjectAltName is for an empty subject only (4.2.1.6).
    if e.subjectAltNameCritical && c.subject.count > 2 { throw .pathCertificateProfile }
}

let keyCertSignBit: UInt16 = 1 << KeyUsageBit.keyCertSign.rawValue
let digitalSignatureBit: UInt16 = 1 << KeyUsageBit.digitalSignature.rawValue

/// What a certificate must be to issue the one below it. `intermediatesBelow` counts the
/// non-self-issued intermediates between it and the leaf (6.1.4 (l)-(m)).
func checkIssuer(_ c: Certificate, intermediatesBelow: Int, purpose: Purpose)
    throws(IoTCertError)
{
    let e = c.extensions
    guard e.hasBasicConstraints, e.isCA else { throw .pathIssuerNotCA }
    if e.pathLength >= 0 && intermediatesBelow > Int(e.pathLength) {
        throw .pathLengthExceeded
    }
    if let usage = e.keyUsage, usage & keyCertSignBit == 0 { throw .pathIssuerKeyUsage }
    // An EKU on a CA constrains every path through it (the CABF/Mozilla reading; RFC 5280
    // leaves it open).
    if let eku = e.extendedKeyUsage, !allows(eku, purpose) {
        throw .pathIssuerExtendedKeyUsage
    }
    guard !e.hasUnhandledCriticalExtension else { throw .pathUnknownCriticalExtension }
    try checkKeyPolicy(c.publicKey)
    try checkProfile(c)
}

/// What the leaf must be for `purpose`, independent of its issuers.
func checkLeaf(_ c: Certificate, purpose: Purpose) throws(IoTCertError) {
    let e = c.extensions
    guard !e.hasUnhandledCriticalExtension else { throw .pathUnknownCriticalExtension }
    // A CA certificate is not an end entity (CABF 7.1.2.7.8); accepting one would let a CA
    // key impersonate a server directly.
    guard !e.isCA else { throw .pathCAUsedAsLeaf }
    guard !e.hasNameConstraints else { throw .pathNameConstraintsInLeaf }
    if purpose != .any {
        if let eku = e.extendedKeyUsage, !allows(eku, purpose) {
            throw .pathLeafExtendedKeyUsage
        }
        // TLS (1.2 with ECDHE, 1.3) authenticates the peer by a signature.
        if let usage = e.keyUsage, usage & digitalSignatureBit == 0 {
            throw .pathLeafKeyUsage
        }
    }
    try checkKeyPolicy(c.publicKey)
    try checkProfile(c)
}

func allows(_ eku: ExtendedKeyUsage, _ purpose: Purpose) -> Bool {
    switch purpose {
    case .any: return true
    case .serverAuth: return eku.contains(.serverAuth) || eku.contains(.any)
    case .clientAuth: return eku.contains(.clientAuth) || eku.contains(.any)
    }
}

/// What a certificate must be to serve as a trust anchor: a CA certificate by its own
/// extensions, with nothing critical the library does not understand, and a key the
/// algorithm policy allows.
func checkAnchorCertificate(_ c: Certificate) throws(IoTCertError) {
    let e = c.extensions
    guard e.hasBasicConstraints, e.isCA else { throw .pathAnchorNotCA }
    if let usage = e.keyUsage, usage & keyCertSignBit == 0 { throw .pathAnchorNotCA }
    guard !e.hasUnhandledCriticalExtension else { throw .pathUnknownCriticalExtension }
    try checkKeyPolicy(c.publicKey)
    try checkProfile(c)
}
