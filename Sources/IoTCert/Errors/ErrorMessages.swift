// One sentence for every status code: iotcert_strerror() and the host tool print these. A
// firmware build that does not want their flash passes -D IOTCERT_NO_MESSAGES, and then
// iotcert_strerror() returns the code's short name instead (ErrorNames.swift).

#if !IOTCERT_NO_MESSAGES
extension IoTCertError {
    /// What went wrong, in one sentence.
    public var message: StaticString {
        switch self {
        case .invalidArgument:
            return """
            A required pointer was NULL, a length was zero where data is required, or a struct's \
            declared size/version is not one this library knows.
            """
        case .workspaceExhausted:
            return """
            The caller's workspace is too small for this verification.
            """
        case .tooManyCertificates:
            return """
            More certificates were presented than Limits.presentedMax allows.
            """
        case .tooManyTrustedCertificates:
            return """
            More trust anchors or stored certificates than the trust store can index.
            """
        case .limitOutOfRange:
            return """
            A limit passed by the caller is outside what the library supports.
            """
        case .invalidPeerName:
            return """
            The expected peer name is not a syntactically valid DNS name, IP address or email.
            """
        case .derTruncated: return "A length runs past the end of the enclosing data."
        case .derUnexpectedTag: return "A tag other than the one the structure requires."
        case .derIndefiniteLength: return "Indefinite length (BER), which DER forbids."
        case .derNonMinimalLength:
            return """
            A length encoded with more octets than needed, or in long form when short would do.
            """
        case .derLengthTooLarge: return "A length larger than DER.lengthMax."
        case .derNestingTooDeep: return "Constructed values nested deeper than DER.nestingMax."
        case .derTrailingData: return "Bytes left over after a value that must end its container."
        case .derBadInteger:
            return """
            An INTEGER that is empty, not minimally encoded, negative where it must not be, or \
            too large for its field.
            """
        case .derBadBoolean: return "A BOOLEAN whose content is not one octet of 0x00 or 0xFF."
        case .derBadBitString:
            return """
            A BIT STRING with a bad unused-bits octet or non-zero padding bits.
            """
        case .derBadObjectIdentifier:
            return """
            An OBJECT IDENTIFIER that is empty, longer than DER.oidLengthMax, or has a non- \
            minimal arc.
            """
        case .derBadTime:
            return """
            A UTCTime or GeneralizedTime that is not of the exact DER form or not a real instant \
            (Feb 30, hour 24, missing Z, fractional seconds).
            """
        case .derBadString:
            return """
            A string whose content violates its type (non-printable in PrintableString, bad \
            UTF-8, non-ASCII in IA5String).
            """
        case .derBadTag:
            return """
            A high-tag-number form that is non-minimal or larger than the reader supports.
            """
        case .derBadNull: return "A NULL with content."
        case .derBadConstruction:
            return """
            A primitive encoding where constructed is required, or the reverse.
            """
        case .certBadVersion:
            return """
            Version is not v1, v2 or v3, or extensions appear in a v1/v2 certificate.
            """
        case .certSignatureAlgorithmMismatch:
            return """
            The signature algorithm in the TBS differs from the outer one.
            """
        case .certUnsupportedSignatureAlgorithm:
            return """
            A signature algorithm this library does not implement.
            """
        case .certWeakSignatureAlgorithm:
            return """
            A signature algorithm recognised and refused as too weak (SHA-1, MD5).
            """
        case .certUnsupportedKeyAlgorithm:
            return """
            A public key algorithm this library does not implement (DSA, Ed25519, ...).
            """
        case .certUnsupportedCurve:
            return """
            An EC key on a curve other than P-256/P-384, or with explicit curve parameters.
            """
        case .certBadPublicKey:
            return """
            A public key whose encoding is malformed (compressed or wrong-length EC point, RSA \
            modulus or exponent not a positive INTEGER).
            """
        case .certWeakKey:
            return """
                An RSA modulus outside rsaBitsMin...rsaBitsMax or not a whole number of bytes, \
                an RSA exponent over 32 bits, or a key algorithm the bundle's policy does not \
                allow.
                """
        case .certDuplicateExtension: return "The same extension appears twice."
        case .certBadExtension: return "A recognised extension whose value does not decode."
        case .certSerialTooLong: return "A serial number that is longer than 20 octets."
        case .certBadSerial: return "A serial number that is zero or negative."
        case .certBadName: return "An empty or malformed issuer or subject name."
        case .certBadUniqueIdentifier:
            return """
            An issuerUniqueID / subjectUniqueID in a v1 certificate or malformed.
            """
        case .certEmptyExtensions: return "An extensions field present but empty."
        case .certBadSignatureValue:
            return """
            A signature value with an impossible length for its algorithm.
            """
        case .certBadGeneralName:
            return """
            A subjectAltName (or name constraint) entry that is malformed for its type.
            """
        case .pathNoTrustAnchor:
            return """
            No chain from the leaf to any trust anchor exists among the candidates.
            """
        case .pathExpired: return "A certificate's notAfter is before the verification time."
        case .pathNotYetValid: return "A certificate's notBefore is after the verification time."
        case .pathIssuerNotCA: return "An issuer without basicConstraints, or with cA=FALSE."
        case .pathLengthExceeded: return "An issuer's pathLenConstraint is exceeded."
        case .pathIssuerKeyUsage: return "An issuer's keyUsage lacks keyCertSign."
        case .pathLeafKeyUsage: return "The leaf's keyUsage does not allow the purpose."
        case .pathLeafExtendedKeyUsage:
            return """
            The leaf's extended key usage does not include the purpose.
            """
        case .pathIssuerExtendedKeyUsage: return "A CA's extended key usage excludes the purpose."
        case .pathNameConstraintViolation:
            return """
            A name in the chain falls outside a permitted subtree or inside an excluded one.
            """
        case .pathPeerNameMismatch: return "The leaf is not valid for the expected peer name."
        case .pathBadSignature: return "A signature does not verify with its issuer's key."
        case .pathRevoked: return "A certificate on the path is revoked."
        case .pathUnknownCriticalExtension:
            return """
            A critical extension this library does not understand.
            """
        case .pathDepthExceeded: return "The path would be longer than Limits.depthMax."
        case .pathCandidatesExceeded:
            return """
            More candidate issuers for one certificate than Limits.candidatesMax.
            """
        case .pathSignatureBudgetExhausted:
            return """
            The signature-check budget (Limits.signaturesMax) is spent.
            """
        case .pathNameConstraintBudgetExhausted:
            return """
            The name-constraint comparison budget (Limits.nameComparisonsMax) is spent.
            """
        case .pathCAUsedAsLeaf:
            return """
            The leaf is a CA certificate (cA=TRUE) but is used as an end entity.
            """
        case .pathUnsupportedNameConstraint:
            return """
            A name constraint of a form this library cannot check, on a name of that form.
            """
        case .pathNoSubjectAltName:
            return """
            The leaf has no subjectAltName to check the expected peer name against.
            """
        case .pathAnchorExpired:
            return """
            A trust anchor whose expiry is before the verification time.
            """
        case .pathNameConstraintsInLeaf: return "Name constraints in an end-entity certificate."
        case .pathStepBudgetExhausted:
            return """
            The search visited more path nodes than Limits.stepsMax.
            """
        case .pathCertificateProfile:
            return """
            Strict profile: a certificate breaks an issuance rule of RFC 5280 or the CABF BRs \
            (key identifiers, basicConstraints or nameConstraints criticality, keyCertSign or \
            pathLenConstraint without cA, a critical subjectAltName, ECDSA NULL parameters).
            """
        case .pathAnchorNotCA:
            return """
            A certificate given as a trust anchor is not a CA certificate (basicConstraints \
            cA=TRUE and, when keyUsage is present, keyCertSign).
            """
        case .pathCommonNameMismatch:
            return """
            A TLS server leaf's commonName is not a character-for-character copy of one of its \
            subjectAltName entries (CABF BR 7.1.4.3).
            """
        case .pathAnchorExtendedKeyUsage:
            return "A trust anchor certificate's extended key usage excludes the purpose."
        case .pathAnchorLengthExceeded:
            return """
            More non-self-issued intermediates below a trust anchor than its pathLenConstraint \
            allows.
            """
        case .pathAnchorNotYetValid:
            return "A trust anchor whose validity begins after the verification time."
        case .bundleBadMagic: return "The bundle does not start with the iotcert magic."
        case .bundleUnsupportedVersion: return "A format version this library cannot read."
        case .bundleTruncated:
            return """
            The bundle is shorter than its header says, or than a header.
            """
        case .bundleDigestMismatch: return "The SHA-256 digest in the trailer does not match."
        case .bundleBadSignature:
            return """
            The signature over the bundle is missing or does not verify with the pinned key.
            """
        case .bundleRollback:
            return """
            The bundle's sequence number is not newer than the one the caller holds.
            """
        case .bundleBadSection:
            return """
            A section lies outside the bundle, overlaps another, or is misaligned.
            """
        case .bundleBadSectionContent: return "A section's content does not decode."
        case .bundleBadHeader: return "A header field holds a value the format does not allow."
        case .storeBadGeometry:
            return """
            The flash geometry is unusable (sector too small, slot not sector-aligned).
            """
        case .storeEmpty: return "Neither slot holds a valid bundle."
        case .storeFlashFailure: return "The flash driver reported a failure."
        case .storeUpdateTooLarge: return "The update is larger than a slot."
        case .storeUpdateNotStarted:
            return """
            An update call came with no update in progress (never begun, or already ended).
            """
        case .storeUpdateLengthMismatch:
            return """
            The update's bytes do not add up to the length announced when it began.
            """
        case .storeBufferTooSmall:
            return """
            The RAM buffer a store without memory-mapped flash needs is missing or smaller \
            than a slot.
            """
        case .cryptoUnsupported: return "The port cannot perform this algorithm or key size."
        case .cryptoFailure:
            return """
            The port failed for a reason unrelated to the input (memory, hardware).
            """
        }
    }
}

#endif

/// iotcert_strerror: the sentence for a status code; IOTCERT_OK and unknown codes too. With
/// IOTCERT_NO_MESSAGES: the code's short name, "OK", or "UNKNOWN"; with IOTCERT_NO_NAMES as
/// well, "OK" or "IOTCERT_ERR" for every failure (the smallest: the caller has the number).
@_cdecl("iotcert_strerror")
public func iotcert_strerror(_ status: Int32) -> UnsafePointer<CChar> {
    #if IOTCERT_NO_MESSAGES && IOTCERT_NO_NAMES
    return cString(status == 0 ? "OK" : "IOTCERT_ERR")
    #elseif IOTCERT_NO_MESSAGES
    if status == 0 { return cString("OK") }
    guard let error = IoTCertError(rawValue: status) else { return cString("UNKNOWN") }
    return error.shortName
    #else
    if status == 0 { return cString("Success.") }
    guard let error = IoTCertError(rawValue: status) else { return cString("Unknown status code.") }
    return cString(error.message)
    #endif
}
