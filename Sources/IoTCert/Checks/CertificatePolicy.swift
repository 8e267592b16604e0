// The checks that depend on one certificate and its role in the path, not on the rest of
// the path: what an issuer must be (RFC 5280 6.1.4 (k)-(n), 4.2.1.3, 4.2.1.9), what a leaf
// must be for the purpose, and the algorithm policy every key must meet.

/// Smallest RSA modulus accepted, in bits (NIST SP 800-131A; CABF).
public let rsaBitsMin = 2048
/// Largest RSA modulus accepted: what the default port verifies, and a bound on the time
/// one verification may take on a device.
public let rsaBitsMax = 4096
/// Longest RSA public exponent accepted, in octets: 32 bits, as bundle anchors store it and
/// as the default port verifies (a larger one costs a private-key operation's time). Every
/// issued key uses 65537. Refused here, a longer one fails its candidate; left to the port, it
/// was IOTCERT_PORT_UNSUPPORTED, a platform failure that ended the whole search.
public let rsaExponentBytesMax = 4

/// Algorithm policy for a key: named curves only (enforced when reading), RSA between
/// rsaBitsMin and rsaBitsMax in whole bytes, with an exponent of at most 32 bits. Out of
/// line: every role's check and the path search call it.
@inline(never)
func checkKeyPolicy(_ key: PublicKey) throws(IoTCertError) {
    guard key.algorithm == .rsa else { return }
    let bits = key.bits
    guard bits >= rsaBitsMin, bits <= rsaBitsMax, bits % 8 == 0,
        key.exponent.count <= rsaExponentBytesMax
    else { throw .certWeakKey }
}

/// Which rules of the profile apply: a trust anchor is only a name and a key (RFC 5280
/// 6.1.1 (d)), so what names its own issuer does not concern validation.
enum ProfileRole: UInt8 {
    case pathCertificate
    case trustAnchor
}

/// RFC 5280's and the CABF BRs' rules for how a CA issues a certificate (the *issuance*
/// rules of docs/validation-rules.md), checked by the strict profile only: breaking one
/// proves nothing false about the chain, which is why Chromium, Go, Mbed TLS and OpenSSL
/// accept such certificates and the default profile does too. A CA certificate carries a
/// critical basicConstraints and a subjectKeyIdentifier (4.2.1.9, 4.2.1.2); a certificate
/// that is not self-issued names its issuer's key (authorityKeyIdentifier with
/// keyIdentifier, 4.2.1.1); a certificate on the path has a positive serial (4.1.2.2);
/// keyCertSign only with cA (4.2.1.3); pathLenConstraint only with cA and keyCertSign
/// (4.2.1.9); nameConstraints only critical (4.2.1.10); key identifiers not critical
/// (4.2.1.1-2); ECDSA signature algorithm parameters absent (RFC 5758 3.2).
func checkProfile(_ c: Certificate, role: ProfileRole, strict: Bool) throws(IoTCertError) {
    guard strict else { return }
    let e = c.extensions
    // 4.2.1.1, 4.2.1.2: key identifiers MUST be non-critical.
    guard !e.keyIdentifierCritical else { throw .pathCertificateProfile }
    if e.isCA {
        guard e.basicConstraintsCritical, e.subjectKeyID.count > 0 else {
            throw .pathCertificateProfile
        }
    }
    // 4.2.1.1: the keyIdentifier MAY be omitted only in self-signed certificates; this holds
    // for a cross-signed certificate given as an anchor too (a misissued certificate does not
    // become sound by being trusted). A self-issued certificate (key rollover) names its
    // issuer's key, which need not be its own.
    let selfIssued = c.isSelfIssued
    if !selfIssued {
        guard e.authorityKeyID.count > 0 else { throw .pathCertificateProfile }
    }
    switch role {
    case .pathCertificate:
        // 4.1.2.2: "The serial number MUST be a positive integer". Anchors are exempt: their
        // certificate only carries a name and a key (real roots have serial 0).
        guard !(c.serial.count == 1 && c.serial[0] == 0) else { throw .certBadSerial }
    case .trustAnchor:
        // A self-issued root that names a key must name its own, by key identifier only
        // (CABF BR 7.1.2.1.3): anything else is a malformed root.
        if selfIssued && e.hasAuthorityKeyIdentifier {
            guard e.authorityKeyID.bytesEqual(e.subjectKeyID), e.authorityKeyID.count > 0,
                !e.authorityKeyIDHasIssuerAndSerial
            else { throw .pathCertificateProfile }
        }
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
    // 4.2.1.10: "Conforming CAs MUST mark this extension as critical". The constraint is
    // enforced either way; strict refuses the certificate as misissued.
    if e.hasNameConstraints && !e.nameConstraintsCritical { throw .pathCertificateProfile }
    // 4.2.1.10: name constraints belong in CA certificates only; in a leaf they constrain
    // nothing.
    if e.hasNameConstraints && !e.isCA { throw .pathNameConstraintsInLeaf }
    if c.signatureAlgorithm.isECDSA && hasSignatureParameters(c) {
        throw .pathCertificateProfile
    }
}

/// Whether the certificate's outer signatureAlgorithm carries parameters (for ECDSA, an
/// explicit NULL that RFC 5758 3.2 says to omit). The reader accepted the certificate, so a
/// failed re-read cannot happen; it counts as "no parameters".
func hasSignatureParameters(_ c: Certificate) -> Bool {
    // The outer signatureAlgorithm is what follows the TBSCertificate in the certificate.
    guard let der = c.der.baseAddress, let tbs = c.tbs.baseAddress else { return false }
    let rest = tbs + c.tbs.count
    var r = DERReader(UnsafeRawBufferPointer(start: rest, count: der + c.der.count - rest))
    guard var parts = try? r.readChildren(.sequence), (try? parts.read()) != nil else {
        return false
    }
    return !parts.isAtEnd
}

let keyCertSignBit: UInt16 = 1 << KeyUsageBit.keyCertSign.rawValue
let digitalSignatureBit: UInt16 = 1 << KeyUsageBit.digitalSignature.rawValue

/// What a certificate must be to issue the one below it. `intermediatesBelow` counts the
/// non-self-issued intermediates between it and the leaf (6.1.4 (l)-(m)).
func checkIssuer(_ c: Certificate, intermediatesBelow: Int, purpose: Purpose,
                 strict: Bool = false) throws(IoTCertError)
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
    try checkProfile(c, role: .pathCertificate, strict: strict)
}

/// What the leaf must be for `purpose`, independent of its issuers. `trustedDirectly`: the
/// leaf is itself one of the trust anchors (the operator trusts this very certificate).
func checkLeaf(_ c: Certificate, purpose: Purpose, strict: Bool = false,
               trustedDirectly: Bool = false) throws(IoTCertError)
{
    let e = c.extensions
    guard !e.hasUnhandledCriticalExtension else { throw .pathUnknownCriticalExtension }
    // A CA certificate is not an end entity (CABF 7.1.2.7.8; webpki refuses it too):
    // accepting one would let any CA key sign a TLS handshake as a server, which is a claim
    // about the key's use the chain does not make. A validation rule in both profiles, except
    // when the operator trusts this very certificate: then nothing is claimed beyond that.
    guard !e.isCA || trustedDirectly else { throw .pathCAUsedAsLeaf }
    if purpose != .any {
        if let eku = e.extendedKeyUsage, !allows(eku, purpose) {
            throw .pathLeafExtendedKeyUsage
        }
        // TLS (1.2 with ECDHE, 1.3) authenticates the peer by a signature.
        if let usage = e.keyUsage, usage & digitalSignatureBit == 0 {
            throw .pathLeafKeyUsage
        }
    }
    // CABF BR 7.1.4.3 governs TLS server certificates only: client certificates (device
    // identities) commonly carry a device id in the commonName beside other names. An
    // issuance rule: the identity checked is the subjectAltName's either way.
    if strict && purpose == .serverAuth { try checkCommonNames(c) }
    try checkKeyPolicy(c.publicKey)
    try checkProfile(c, role: .pathCertificate, strict: strict)
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
///
/// A version 1 or 2 certificate cannot say cA (it has no extensions); as an anchor it is a
/// name and a key the operator chose to trust (RFC 5280 6.1.1 (d); 6.1.4 (k) asks cA of
/// version 3 certificates only), and old private roots are v1, so the default profile
/// accepts it as an anchor (never as an intermediate) and the strict profile refuses it.
func checkAnchorCertificate(_ c: Certificate, strict: Bool = false) throws(IoTCertError) {
    let e = c.extensions
    guard (e.hasBasicConstraints && e.isCA) || (c.version < 3 && !strict) else {
        throw .pathAnchorNotCA
    }
    if let usage = e.keyUsage, usage & keyCertSignBit == 0 { throw .pathAnchorNotCA }
    guard !e.hasUnhandledCriticalExtension else { throw .pathUnknownCriticalExtension }
    try checkKeyPolicy(c.publicKey)
    try checkProfile(c, role: .trustAnchor, strict: strict)
}
