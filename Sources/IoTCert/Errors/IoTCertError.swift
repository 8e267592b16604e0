// Every way an input or a call can fail, one case each. The raw values are the C status codes
// (`IOTCERT_ERR_*` in Include/iotcert.h, which mirrors this list); they are grouped in ranges so
// that a firmware log line says which module refused:
//    1 ..  31  the call itself (arguments, workspace, limits of the caller's structures)
//   32 ..  63  DER encoding
//   64 .. 127  certificate structure and content
//  128 .. 191  path building and validation
//  192 .. 223  the trust bundle
//  224 .. 255  the on-device trust store
//  256 .. 271  the platform crypto port
// Codes are part of the ABI: never renumber, only append.

public enum IoTCertError: Int32, Error {
    // MARK: 1...31: the call
    /// A required pointer was NULL, a length was zero where data is required, or a struct's
    /// declared size/version is not one this library knows.
    case invalidArgument = 1
    /// The caller's workspace is too small for this verification.
    case workspaceExhausted = 2
    /// More certificates were presented than `Limits.presentedMax` allows.
    case tooManyCertificates = 3
    /// More trust anchors or stored certificates than the trust store can index.
    case tooManyTrustedCertificates = 4
    /// A limit passed by the caller is outside what the library supports.
    case limitOutOfRange = 5
    /// The expected peer name is not a syntactically valid DNS name, IP address or email.
    case invalidPeerName = 6

    // MARK: 32...63: DER
    /// A length runs past the end of the enclosing data.
    case derTruncated = 32
    /// A tag other than the one the structure requires.
    case derUnexpectedTag = 33
    /// Indefinite length (BER), which DER forbids.
    case derIndefiniteLength = 34
    /// A length encoded with more octets than needed, or in long form when short would do.
    case derNonMinimalLength = 35
    /// A length larger than `DER.lengthMax`.
    case derLengthTooLarge = 36
    /// Constructed values nested deeper than `DER.nestingMax`.
    case derNestingTooDeep = 37
    /// Bytes left over after a value that must end its container.
    case derTrailingData = 38
    /// An INTEGER that is empty, not minimally encoded, negative where it must not be, or
    /// too large for its field.
    case derBadInteger = 39
    /// A BOOLEAN whose content is not one octet of 0x00 or 0xFF.
    case derBadBoolean = 40
    /// A BIT STRING with a bad unused-bits octet or non-zero padding bits.
    case derBadBitString = 41
    /// An OBJECT IDENTIFIER that is empty, longer than `DER.oidLengthMax`, or has a
    /// non-minimal arc.
    case derBadObjectIdentifier = 42
    /// A UTCTime or GeneralizedTime that is not of the exact DER form or not a real instant
    /// (Feb 30, hour 24, missing Z, fractional seconds).
    case derBadTime = 43
    /// A string whose content violates its type (non-printable in PrintableString, bad
    /// UTF-8, non-ASCII in IA5String).
    case derBadString = 44
    /// A high-tag-number form that is non-minimal or larger than the reader supports.
    case derBadTag = 45
    /// A NULL with content.
    case derBadNull = 46
    /// A primitive encoding where constructed is required, or the reverse.
    case derBadConstruction = 47

    // MARK: 64...127: certificate
    /// Version is not v1, v2 or v3, or extensions appear in a v1/v2 certificate.
    case certBadVersion = 64
    /// The signature algorithm in the TBS differs from the outer one.
    case certSignatureAlgorithmMismatch = 65
    /// A signature algorithm this library does not implement.
    case certUnsupportedSignatureAlgorithm = 66
    /// A signature algorithm recognised and refused as too weak (SHA-1, MD5).
    case certWeakSignatureAlgorithm = 67
    /// A public key algorithm this library does not implement (DSA, Ed25519, ...).
    case certUnsupportedKeyAlgorithm = 68
    /// An EC key on a curve other than P-256/P-384, or with explicit curve parameters.
    case certUnsupportedCurve = 69
    /// A public key whose encoding is malformed (compressed or wrong-length EC point, RSA
    /// modulus or exponent not a positive INTEGER).
    case certBadPublicKey = 70
    /// An RSA modulus outside rsaBitsMin...rsaBitsMax or not a whole number of bytes, an RSA
    /// exponent over 32 bits, or a key algorithm the trust bundle's policy does not allow.
    case certWeakKey = 71
    /// The same extension appears twice.
    case certDuplicateExtension = 72
    /// A recognised extension whose value does not decode.
    case certBadExtension = 73
    /// A serial number that is longer than 20 octets.
    case certSerialTooLong = 74
    /// A serial number that is zero or negative.
    case certBadSerial = 75
    /// An empty or malformed issuer or subject name.
    case certBadName = 76
    /// An issuerUniqueID / subjectUniqueID in a v1 certificate or malformed.
    case certBadUniqueIdentifier = 77
    /// An extensions field present but empty.
    case certEmptyExtensions = 78
    /// A signature value with an impossible length for its algorithm.
    case certBadSignatureValue = 79
    /// A subjectAltName (or name constraint) entry that is malformed for its type.
    case certBadGeneralName = 80

    // MARK: 128...191: path
    /// No chain from the leaf to any trust anchor exists among the candidates.
    case pathNoTrustAnchor = 128
    /// A certificate's notAfter is before the verification time.
    case pathExpired = 129
    /// A certificate's notBefore is after the verification time.
    case pathNotYetValid = 130
    /// An issuer without basicConstraints, or with cA=FALSE.
    case pathIssuerNotCA = 131
    /// An issuer's pathLenConstraint is exceeded.
    case pathLengthExceeded = 132
    /// An issuer's keyUsage lacks keyCertSign.
    case pathIssuerKeyUsage = 133
    /// The leaf's keyUsage does not allow the purpose.
    case pathLeafKeyUsage = 134
    /// The leaf's extended key usage does not include the purpose.
    case pathLeafExtendedKeyUsage = 135
    /// A CA's extended key usage excludes the purpose.
    case pathIssuerExtendedKeyUsage = 136
    /// A name in the chain falls outside a permitted subtree or inside an excluded one.
    case pathNameConstraintViolation = 137
    /// The leaf is not valid for the expected peer name.
    case pathPeerNameMismatch = 138
    /// A signature does not verify with its issuer's key.
    case pathBadSignature = 139
    /// A certificate on the path is revoked.
    case pathRevoked = 140
    /// A critical extension this library does not understand.
    case pathUnknownCriticalExtension = 141
    /// The path would be longer than `Limits.depthMax`.
    case pathDepthExceeded = 142
    /// More candidate issuers for one certificate than `Limits.candidatesMax`.
    case pathCandidatesExceeded = 143
    /// The signature-check budget (`Limits.signaturesMax`) is spent.
    case pathSignatureBudgetExhausted = 144
    /// The name-constraint comparison budget (`Limits.nameComparisonsMax`) is spent.
    case pathNameConstraintBudgetExhausted = 145
    /// The leaf is a CA certificate (cA=TRUE) but is used as an end entity.
    case pathCAUsedAsLeaf = 146
    /// A name constraint of a form this library cannot check, on a name of that form.
    case pathUnsupportedNameConstraint = 147
    /// The leaf has no subjectAltName to check the expected peer name against.
    case pathNoSubjectAltName = 148
    /// A trust anchor whose expiry is before the verification time.
    case pathAnchorExpired = 149
    /// Name constraints in an end-entity certificate.
    case pathNameConstraintsInLeaf = 150
    /// The search visited more path nodes than `Limits.stepsMax`.
    case pathStepBudgetExhausted = 151
    /// Strict profile: a certificate breaks an issuance rule of RFC 5280 or the CABF BRs: a CA
    /// without a critical basicConstraints or a subjectKeyIdentifier, no
    /// authorityKeyIdentifier, a critical key identifier, keyCertSign or pathLenConstraint
    /// without cA, a non-critical nameConstraints, a critical subjectAltName beside a
    /// subject, ECDSA NULL parameters.
    case pathCertificateProfile = 152
    /// A certificate given as a trust anchor is not a CA certificate (basicConstraints
    /// cA=TRUE and, when keyUsage is present, keyCertSign).
    case pathAnchorNotCA = 153
    /// A TLS server leaf's commonName is not a character-for-character copy of one of its
    /// subjectAltName entries (CABF BR 7.1.4.3).
    case pathCommonNameMismatch = 154
    // 160...164: trust anchor constraints (Checks/AnchorConstraints.swift).
    /// A trust anchor certificate's extended key usage excludes the purpose.
    case pathAnchorExtendedKeyUsage = 160
    /// More non-self-issued intermediates below a trust anchor than its pathLenConstraint
    /// allows.
    case pathAnchorLengthExceeded = 161
    /// A trust anchor whose validity begins after the verification time.
    case pathAnchorNotYetValid = 162

    // MARK: 192...223: bundle
    /// The bundle does not start with the iotcert magic.
    case bundleBadMagic = 192
    /// A format version this library cannot read.
    case bundleUnsupportedVersion = 193
    /// The bundle is shorter than its header says, or than a header.
    case bundleTruncated = 194
    /// The SHA-256 digest in the trailer does not match.
    case bundleDigestMismatch = 195
    /// The signature over the bundle is missing or does not verify with the pinned key.
    case bundleBadSignature = 196
    /// The bundle's sequence number is not newer than the one the caller holds.
    case bundleRollback = 197
    /// A section lies outside the bundle, overlaps another, or is misaligned.
    case bundleBadSection = 198
    /// A section's content does not decode.
    case bundleBadSectionContent = 199
    /// A header field holds a value the format does not allow.
    case bundleBadHeader = 200

    // MARK: 224...255: store
    /// The flash geometry is unusable (sector too small, slot not sector-aligned).
    case storeBadGeometry = 224
    /// Neither slot holds a valid bundle.
    case storeEmpty = 225
    /// The flash driver reported a failure.
    case storeFlashFailure = 226
    /// The update is larger than a slot.
    case storeUpdateTooLarge = 227
    /// An update call came with no update in progress (never begun, or already ended).
    case storeUpdateNotStarted = 228
    /// The update's bytes do not add up to the length announced when it began.
    case storeUpdateLengthMismatch = 229
    /// The RAM buffer a store without memory-mapped flash needs is missing or smaller than
    /// a slot.
    case storeBufferTooSmall = 230

    // MARK: 256...271: crypto port
    /// The port cannot perform this algorithm or key size.
    case cryptoUnsupported = 256
    /// The port failed for a reason unrelated to the input (memory, hardware).
    case cryptoFailure = 257
}
