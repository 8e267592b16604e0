/*
 * iotcert.h -- X.509 certificate path validation for microcontrollers.
 *
 * WHAT IT DOES
 *
 * Given the certificates a peer presents (a TLS server, or an mTLS client: a leaf and any
 * number of other certificates, in any order), the trust anchors and intermediates the device
 * stores, a time, a purpose and an expected peer name, iotcert_verify() decides whether a
 * valid certification path exists, and returns it. It builds paths the way browsers do
 * (depth-first search with backtracking over every candidate issuer, each candidate fully
 * checked as the path grows), so that an expired cross-signed intermediate, a trusted
 * intermediate whose root expired, extra or shuffled certificates, or a CA carrying an
 * incompatible EKU do not break a device whose simpler validator would only accept the
 * chain as sent.
 *
 * Checked on every certificate of a candidate path: validity at the given time;
 * basicConstraints (cA on every issuer, pathLenConstraint); keyUsage (keyCertSign on
 * issuers, digitalSignature on TLS leaves when present); extended key usage on the leaf and
 * as a constraint on CAs; name constraints (dNSName, iPAddress, rfc822Name, directoryName)
 * from every CA and trust anchor; a trust anchor certificate's own constraints (RFC 5937's
 * idea: its validity, pathLenConstraint and extended key usage bound the paths it
 * validates, as they bound paths through an intermediate); the leaf's subjectAltName
 * against the expected DNS name (RFC 6125 wildcards), IP address or email; unknown critical extensions; algorithm policy
 * (ECDSA P-256/P-384 with SHA-256/384/512, RSA PKCS#1 v1.5 2048..4096 bits; SHA-1 and MD5
 * refused); revoked serials from the trust store; and the limits below.
 *
 * Two profiles (docs/validation-rules.md is the table): by default, the rules above, which
 * protect the device; a chain that only breaks a rule binding the issuing CA (a missing key
 * identifier, a non-critical basicConstraints, serial 0, a commonName not copied into the
 * subjectAltName...) is accepted, as Chromium, Go, Mbed TLS and OpenSSL accept it. With
 * IOTCERT_FLAG_STRICT_PROFILE those issuance rules of RFC 5280 and the CABF BRs apply too.
 * A self-signed certificate listed as a trust anchor may itself be the leaf.
 *
 * MEMORY
 *
 * The library never allocates. Certificates are read in place from the caller's buffers;
 * the path-search stack lives in a workspace the caller passes to each call
 * (iotcert_workspace_size() says how many bytes the chosen limits need; about 200 bytes per
 * level of depth on a 32-bit target). Running out of workspace is a status code, never a
 * crash. Signature checks go through the platform port (iotcert_port.h); the default port
 * uses Mbed TLS, whose own allocations come from whatever Mbed TLS is configured with
 * (on firmware, typically a static buffer through MBEDTLS_MEMORY_BUFFER_ALLOC_C).
 *
 * Every input is treated as hostile: malformed, truncated, over-long or non-canonical DER,
 * absurd lengths and hostile path graphs each end with a specific status code. Every loop is
 * bounded by a limit in iotcert_options; exhausting one is its own status code.
 *
 * WHAT IT DOES NOT DO
 *
 *  - Certificate policies: policy processing (RFC 5280 6.1.3 (d)-(f)) is not implemented;
 *    a certificate with a critical certificatePolicies, policyConstraints, policyMappings or
 *    inhibitAnyPolicy extension is refused instead of being mis-validated (as is any other
 *    critical extension no check processes: crlDistributionPoints, authorityInfoAccess,
 *    issuerAltName).
 *  - Online revocation (OCSP, CRL fetching): revocation is what the trust store carries.
 *  - Name forms other than DNS, IP, email and directory names under name constraints: a name
 *    of another form under a constraint of that form is refused.
 *  - The subject common name is never used as a host name (no CN fallback).
 *  - Thread safety: one verification at a time per workspace; the default port keeps curve
 *    state between calls, so calls into one port must not overlap.
 *
 * USE
 *
 *     static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(8)];
 *     iotcert_trust trust;
 *     iotcert_trust_init_certs(&trust, anchors, n_anchors, NULL, 0, NULL, 0, BUILD_TIME);
 *     iotcert_options opt;
 *     iotcert_options_init(&opt);
 *     opt.time = now; opt.peer_kind = IOTCERT_PEER_DNS;
 *     opt.peer = (const uint8_t *)"device.example.com"; opt.peer_len = 18;
 *     iotcert_result res = { .struct_size = sizeof res };
 *     int status = iotcert_verify(&trust, chain, n_chain, &opt, workspace, sizeof workspace,
 *                                 &res);
 *     if (status != IOTCERT_OK) log(iotcert_strerror(status), res.failing_index);
 *
 * Examples/host-verify/ is a complete program.
 */
#ifndef IOTCERT_H
#define IOTCERT_H

#include "iotcert_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------- */
/* Status codes. 0 is success; every failure has its own code, grouped by module. Codes are  */
/* stable: never renumbered, only appended.                                                 */

/** Success. */
#define IOTCERT_OK 0

/* --- The call itself (1..31) --- */
/** A required pointer was NULL, a length was zero where data is required, or a struct's declared
 *  size/version is not one this library knows. */
#define IOTCERT_ERR_INVALID_ARGUMENT 1
/** The caller's workspace is too small for this verification. */
#define IOTCERT_ERR_WORKSPACE_EXHAUSTED 2
/** More certificates were presented than Limits.presentedMax allows. */
#define IOTCERT_ERR_TOO_MANY_CERTIFICATES 3
/** More trust anchors or stored certificates than the trust store can index. */
#define IOTCERT_ERR_TOO_MANY_TRUSTED_CERTIFICATES 4
/** A limit passed by the caller is outside what the library supports. */
#define IOTCERT_ERR_LIMIT_OUT_OF_RANGE 5
/** The expected peer name is not a syntactically valid DNS name, IP address or email. */
#define IOTCERT_ERR_INVALID_PEER_NAME 6

/* --- DER encoding (32..63) --- */
/** A length runs past the end of the enclosing data. */
#define IOTCERT_ERR_DER_TRUNCATED 32
/** A tag other than the one the structure requires. */
#define IOTCERT_ERR_DER_UNEXPECTED_TAG 33
/** Indefinite length (BER), which DER forbids. */
#define IOTCERT_ERR_DER_INDEFINITE_LENGTH 34
/** A length encoded with more octets than needed, or in long form when short would do. */
#define IOTCERT_ERR_DER_NON_MINIMAL_LENGTH 35
/** A length larger than DER.lengthMax. */
#define IOTCERT_ERR_DER_LENGTH_TOO_LARGE 36
/** Constructed values nested deeper than DER.nestingMax. */
#define IOTCERT_ERR_DER_NESTING_TOO_DEEP 37
/** Bytes left over after a value that must end its container. */
#define IOTCERT_ERR_DER_TRAILING_DATA 38
/** An INTEGER that is empty, not minimally encoded, negative where it must not be, or too large
 *  for its field. */
#define IOTCERT_ERR_DER_BAD_INTEGER 39
/** A BOOLEAN whose content is not one octet of 0x00 or 0xFF. */
#define IOTCERT_ERR_DER_BAD_BOOLEAN 40
/** A BIT STRING with a bad unused-bits octet or non-zero padding bits. */
#define IOTCERT_ERR_DER_BAD_BIT_STRING 41
/** An OBJECT IDENTIFIER that is empty, longer than DER.oidLengthMax, or has a non-minimal arc. */
#define IOTCERT_ERR_DER_BAD_OBJECT_IDENTIFIER 42
/** A UTCTime or GeneralizedTime that is not of the exact DER form or not a real instant (Feb 30,
 *  hour 24, missing Z, fractional seconds). */
#define IOTCERT_ERR_DER_BAD_TIME 43
/** A string whose content violates its type (non-printable in PrintableString, bad UTF-8, non-
 *  ASCII in IA5String). */
#define IOTCERT_ERR_DER_BAD_STRING 44
/** A high-tag-number form that is non-minimal or larger than the reader supports. */
#define IOTCERT_ERR_DER_BAD_TAG 45
/** A NULL with content. */
#define IOTCERT_ERR_DER_BAD_NULL 46
/** A primitive encoding where constructed is required, or the reverse. */
#define IOTCERT_ERR_DER_BAD_CONSTRUCTION 47

/* --- Certificate structure and content (64..127) --- */
/** Version is not v1, v2 or v3, or extensions appear in a v1/v2 certificate. */
#define IOTCERT_ERR_CERT_BAD_VERSION 64
/** The signature algorithm in the TBS differs from the outer one. */
#define IOTCERT_ERR_CERT_SIGNATURE_ALGORITHM_MISMATCH 65
/** A signature algorithm this library does not implement. */
#define IOTCERT_ERR_CERT_UNSUPPORTED_SIGNATURE_ALGORITHM 66
/** A signature algorithm recognised and refused as too weak (SHA-1, MD5). */
#define IOTCERT_ERR_CERT_WEAK_SIGNATURE_ALGORITHM 67
/** A public key algorithm this library does not implement (DSA, Ed25519, ...). */
#define IOTCERT_ERR_CERT_UNSUPPORTED_KEY_ALGORITHM 68
/** An EC key on a curve other than P-256/P-384, or with explicit curve parameters. */
#define IOTCERT_ERR_CERT_UNSUPPORTED_CURVE 69
/** A public key whose encoding is malformed (compressed or wrong-length EC point, RSA modulus or
 *  exponent not a positive INTEGER). */
#define IOTCERT_ERR_CERT_BAD_PUBLIC_KEY 70
/** An RSA modulus outside rsaBitsMin...rsaBitsMax or not a whole number of bytes, an RSA
 *  exponent over 32 bits, or a key algorithm the trust bundle's policy does not allow. */
#define IOTCERT_ERR_CERT_WEAK_KEY 71
/** The same extension appears twice. */
#define IOTCERT_ERR_CERT_DUPLICATE_EXTENSION 72
/** A recognised extension whose value does not decode. */
#define IOTCERT_ERR_CERT_BAD_EXTENSION 73
/** A serial number that is longer than 20 octets. */
#define IOTCERT_ERR_CERT_SERIAL_TOO_LONG 74
/** A serial number that is zero or negative. */
#define IOTCERT_ERR_CERT_BAD_SERIAL 75
/** An empty or malformed issuer or subject name. */
#define IOTCERT_ERR_CERT_BAD_NAME 76
/** An issuerUniqueID / subjectUniqueID in a v1 certificate or malformed. */
#define IOTCERT_ERR_CERT_BAD_UNIQUE_IDENTIFIER 77
/** An extensions field present but empty. */
#define IOTCERT_ERR_CERT_EMPTY_EXTENSIONS 78
/** A signature value with an impossible length for its algorithm. */
#define IOTCERT_ERR_CERT_BAD_SIGNATURE_VALUE 79
/** A subjectAltName (or name constraint) entry that is malformed for its type. */
#define IOTCERT_ERR_CERT_BAD_GENERAL_NAME 80

/* --- Path building and validation (128..191) --- */
/** No chain from the leaf to any trust anchor exists among the candidates. */
#define IOTCERT_ERR_PATH_NO_TRUST_ANCHOR 128
/** A certificate's notAfter is before the verification time. */
#define IOTCERT_ERR_PATH_EXPIRED 129
/** A certificate's notBefore is after the verification time. */
#define IOTCERT_ERR_PATH_NOT_YET_VALID 130
/** An issuer without basicConstraints, or with cA=FALSE. */
#define IOTCERT_ERR_PATH_ISSUER_NOT_CA 131
/** An issuer's pathLenConstraint is exceeded. */
#define IOTCERT_ERR_PATH_LENGTH_EXCEEDED 132
/** An issuer's keyUsage lacks keyCertSign. */
#define IOTCERT_ERR_PATH_ISSUER_KEY_USAGE 133
/** The leaf's keyUsage does not allow the purpose. */
#define IOTCERT_ERR_PATH_LEAF_KEY_USAGE 134
/** The leaf's extended key usage does not include the purpose. */
#define IOTCERT_ERR_PATH_LEAF_EXTENDED_KEY_USAGE 135
/** A CA's extended key usage excludes the purpose. */
#define IOTCERT_ERR_PATH_ISSUER_EXTENDED_KEY_USAGE 136
/** A name in the chain falls outside a permitted subtree or inside an excluded one. */
#define IOTCERT_ERR_PATH_NAME_CONSTRAINT_VIOLATION 137
/** The leaf is not valid for the expected peer name. */
#define IOTCERT_ERR_PATH_PEER_NAME_MISMATCH 138
/** A signature does not verify with its issuer's key. */
#define IOTCERT_ERR_PATH_BAD_SIGNATURE 139
/** A certificate on the path is revoked. */
#define IOTCERT_ERR_PATH_REVOKED 140
/** A critical extension this library does not understand. */
#define IOTCERT_ERR_PATH_UNKNOWN_CRITICAL_EXTENSION 141
/** The path would be longer than Limits.depthMax. */
#define IOTCERT_ERR_PATH_DEPTH_EXCEEDED 142
/** More candidate issuers for one certificate than Limits.candidatesMax. */
#define IOTCERT_ERR_PATH_CANDIDATES_EXCEEDED 143
/** The signature-check budget (Limits.signaturesMax) is spent. */
#define IOTCERT_ERR_PATH_SIGNATURE_BUDGET_EXHAUSTED 144
/** The name-constraint comparison budget (Limits.nameComparisonsMax) is spent. */
#define IOTCERT_ERR_PATH_NAME_CONSTRAINT_BUDGET_EXHAUSTED 145
/** The leaf is a CA certificate (cA=TRUE) but is used as an end entity. */
#define IOTCERT_ERR_PATH_CA_USED_AS_LEAF 146
/** A name constraint of a form this library cannot check, on a name of that form. */
#define IOTCERT_ERR_PATH_UNSUPPORTED_NAME_CONSTRAINT 147
/** The leaf has no subjectAltName to check the expected peer name against. */
#define IOTCERT_ERR_PATH_NO_SUBJECT_ALT_NAME 148
/** A trust anchor whose expiry is before the verification time. */
#define IOTCERT_ERR_PATH_ANCHOR_EXPIRED 149
/** Name constraints in an end-entity certificate. */
#define IOTCERT_ERR_PATH_NAME_CONSTRAINTS_IN_LEAF 150
/** The search visited more path nodes than Limits.stepsMax. */
#define IOTCERT_ERR_PATH_STEP_BUDGET_EXHAUSTED 151
/** Strict profile: a certificate breaks an issuance rule of RFC 5280 or the CABF BRs: a CA
 *  without a critical basicConstraints or a subjectKeyIdentifier, no authorityKeyIdentifier,
 *  a critical key identifier, keyCertSign or pathLenConstraint without cA, a non-critical
 *  nameConstraints, a critical subjectAltName beside a subject, ECDSA NULL parameters. */
#define IOTCERT_ERR_PATH_CERTIFICATE_PROFILE 152
/** A certificate given as a trust anchor is not a CA certificate (basicConstraints cA=TRUE and,
 *  when keyUsage is present, keyCertSign). */
#define IOTCERT_ERR_PATH_ANCHOR_NOT_CA 153
/** A TLS server leaf's commonName is not a character-for-character copy of one of its
 *  subjectAltName entries (CABF BR 7.1.4.3). */
#define IOTCERT_ERR_PATH_COMMON_NAME_MISMATCH 154
/* 160..164: trust anchor constraints (the anchor certificate's own EKU, pathLen, validity). */
/** A trust anchor certificate's extended key usage excludes the purpose. */
#define IOTCERT_ERR_PATH_ANCHOR_EXTENDED_KEY_USAGE 160
/** More non-self-issued intermediates below a trust anchor than its pathLenConstraint
 *  allows. */
#define IOTCERT_ERR_PATH_ANCHOR_LENGTH_EXCEEDED 161
/** A trust anchor whose validity begins after the verification time. */
#define IOTCERT_ERR_PATH_ANCHOR_NOT_YET_VALID 162

/* --- The trust bundle (192..223) --- */
/** The bundle does not start with the iotcert magic. */
#define IOTCERT_ERR_BUNDLE_BAD_MAGIC 192
/** A format version this library cannot read. */
#define IOTCERT_ERR_BUNDLE_UNSUPPORTED_VERSION 193
/** The bundle is shorter than its header says, or than a header. */
#define IOTCERT_ERR_BUNDLE_TRUNCATED 194
/** The SHA-256 digest in the trailer does not match. */
#define IOTCERT_ERR_BUNDLE_DIGEST_MISMATCH 195
/** The signature over the bundle is missing or does not verify with the pinned key. */
#define IOTCERT_ERR_BUNDLE_BAD_SIGNATURE 196
/** The bundle's sequence number is not newer than the one the caller holds. */
#define IOTCERT_ERR_BUNDLE_ROLLBACK 197
/** A section lies outside the bundle, overlaps another, or is misaligned. */
#define IOTCERT_ERR_BUNDLE_BAD_SECTION 198
/** A section's content does not decode. */
#define IOTCERT_ERR_BUNDLE_BAD_SECTION_CONTENT 199
/** A header field holds a value the format does not allow. */
#define IOTCERT_ERR_BUNDLE_BAD_HEADER 200

/* --- The on-device trust store (224..255) --- */
/** The flash geometry is unusable (sector too small, slot not sector-aligned). */
#define IOTCERT_ERR_STORE_BAD_GEOMETRY 224
/** Neither slot holds a valid bundle. */
#define IOTCERT_ERR_STORE_EMPTY 225
/** The flash driver reported a failure. */
#define IOTCERT_ERR_STORE_FLASH_FAILURE 226
/** The update is larger than a slot. */
#define IOTCERT_ERR_STORE_UPDATE_TOO_LARGE 227
/** An update call came with no update in progress (never begun, or already ended). */
#define IOTCERT_ERR_STORE_UPDATE_NOT_STARTED 228
/** The update's bytes do not add up to the length announced when it began. */
#define IOTCERT_ERR_STORE_UPDATE_LENGTH_MISMATCH 229
/** The RAM buffer a store without memory-mapped flash needs is missing or smaller than
 *  a slot. */
#define IOTCERT_ERR_STORE_BUFFER_TOO_SMALL 230

/* --- The platform crypto port (256..271) --- */
/** The port cannot perform this algorithm or key size. */
#define IOTCERT_ERR_CRYPTO_UNSUPPORTED 256
/** The port failed for a reason unrelated to the input (memory, hardware). */
#define IOTCERT_ERR_CRYPTO_FAILURE 257

/* ---------------------------------------------------------------------------------------- */
/* Workspace                                                                                */

/*
 * Bytes of workspace a verification with `depth_max` needs, for a static buffer. An upper
 * bound on both 32- and 64-bit targets (iotcert_workspace_size() gives the exact figure; a
 * test checks this macro against it).
 */
#define IOTCERT_WORKSPACE_BYTES(depth_max) ((size_t)(depth_max) * (52u * sizeof(void *) + 48u) + 8u)

/*
 * Exact workspace bytes a verification with `options`' limits needs (NULL: the defaults).
 * Returns 0 when a limit in `options` is out of range.
 */
size_t iotcert_workspace_size(const iotcert_options *options);

/* ---------------------------------------------------------------------------------------- */
/* Signature memo                                                                           */

/*
 * Bytes for a memo of `slots` entries. A memo records (issuer key, certificate) pairs whose
 * signature verified, so that a device reconnecting to the same server skips the
 * elliptic-curve math (every other check still runs). 8 slots (272 bytes) cover a few
 * servers' chains. Replacement is first-in first-out.
 */
#define IOTCERT_MEMO_BYTES(slots) (16u + 32u * (size_t)(slots))

/* Formats `memo` (len bytes, any alignment) as an empty memo with as many slots as fit, at
 * most 4,096. Returns IOTCERT_OK or IOTCERT_ERR_INVALID_ARGUMENT (NULL, or room for no slot). */
int iotcert_memo_init(void *memo, size_t len);

/* Checks that `memo` holds a memo formatted earlier (e.g. in RAM retained across sleep).
 * Returns IOTCERT_OK, or IOTCERT_ERR_INVALID_ARGUMENT when it does not: format it then. */
int iotcert_memo_attach(void *memo, size_t len);

/*
 * The memo's code is linked only into a product that calls one of these two functions:
 * iotcert_verify reaches it through functions that the first successful call of either
 * installs. Until then iotcert_verify refuses any options->memo with
 * IOTCERT_ERR_INVALID_ARGUMENT, so a device that keeps its memo in retained RAM calls
 * iotcert_memo_attach (or iotcert_memo_init when that fails) after every reset.
 */

/* ---------------------------------------------------------------------------------------- */
/* Library                                                                                  */

/* The library version, "major.minor.patch". Static storage. */
const char *iotcert_version(void);

/* A one-sentence description of `status` (IOTCERT_OK, an IOTCERT_ERR_* code, or an unknown
 * value). Static storage; never NULL. A library built with -D IOTCERT_NO_MESSAGES (Swift
 * flag; `make lib MESSAGES=0`) leaves the sentences out (5.4 KB of flash on a Cortex-M4)
 * and returns the code's name without the prefix ("PATH_EXPIRED"), "OK" or "UNKNOWN"; with
 * -D IOTCERT_NO_NAMES as well, "OK" or "IOTCERT_ERR" for every failure (3.3 KB less again). */
const char *iotcert_strerror(int status);

/* ---------------------------------------------------------------------------------------- */
/* Trust store                                                                              */

/*
 * Initialises `trust` over certificates the caller owns and keeps alive (and unmodified) as
 * long as `trust` is used:
 *   anchors, n_anchors:   trust anchors as DER certificates (at least one). Each must be a
 *                         CA certificate (basicConstraints cA=TRUE, keyCertSign when
 *                         keyUsage is present); its subject and key are trusted, within
 *                         its own constraints: name constraints, validity (both ends; with
 *                         IOTCERT_FLAG_TIME_UNKNOWN judged at build_time,
 *                         IOTCERT_ERR_PATH_ANCHOR_EXPIRED / _NOT_YET_VALID), its
 *                         pathLenConstraint (_PATH_ANCHOR_LENGTH_EXCEEDED) and its extended
 *                         key usage unless it has anyExtendedKeyUsage
 *                         (_PATH_ANCHOR_EXTENDED_KEY_USAGE). A bundle's anchors (format 2)
 *                         carry the same constraints. It need not be self-signed.
 *   stored, n_stored:     certificates the device keeps to complete paths (intermediates),
 *                         not trusted by themselves. May be NULL when n_stored is 0.
 *   revocations, len:     revoked serials in the layout of docs/bundle-format.md
 *                         (revocation section); NULL/0 for none. Validated here.
 *   build_time:           seconds since 1970 when this store was made: the lower bound for
 *                         "now" when a verification runs with IOTCERT_FLAG_TIME_UNKNOWN.
 * Certificates are parsed when used, not here: a malformed one fails the verifications
 * that need it, with its own code.
 * Returns IOTCERT_OK, IOTCERT_ERR_INVALID_ARGUMENT (NULL trust or anchors, zero anchors,
 * NULL with a non-zero count, a count above SIZE_MAX / 2),
 * IOTCERT_ERR_TOO_MANY_TRUSTED_CERTIFICATES (65,535 or more of
 * either), or IOTCERT_ERR_BUNDLE_BAD_SECTION_CONTENT (malformed revocations). On failure
 * `trust` is left unusable (iotcert_verify answers IOTCERT_ERR_INVALID_ARGUMENT).
 *
 * It is the two calls below, inline: a product that passes no revocations (NULL, 0 as
 * constants) does not link the revocation reader at all.
 */
static inline int iotcert_trust_init_certs(iotcert_trust *trust,
                                           const iotcert_buffer *anchors, size_t n_anchors,
                                           const iotcert_buffer *stored, size_t n_stored,
                                           const uint8_t *revocations, size_t revocations_len,
                                           int64_t build_time);

/* iotcert_trust_init_certs without revocations: the same parameters and codes. */
int iotcert_trust_init_anchors(iotcert_trust *trust,
                               const iotcert_buffer *anchors, size_t n_anchors,
                               const iotcert_buffer *stored, size_t n_stored,
                               int64_t build_time);

/*
 * Adds revoked serials (the layout of docs/bundle-format.md's revocation section; NULL/0 for
 * none) to a trust store that iotcert_trust_init_anchors made, validating them. Returns
 * IOTCERT_OK, IOTCERT_ERR_INVALID_ARGUMENT (`trust` not a store of certificates, NULL with a
 * non-zero length) or IOTCERT_ERR_BUNDLE_BAD_SECTION_CONTENT; on failure `trust` is left
 * unusable.
 */
int iotcert_trust_set_revocations(iotcert_trust *trust, const uint8_t *revocations,
                                  size_t revocations_len);

static inline int iotcert_trust_init_certs(iotcert_trust *trust,
                                           const iotcert_buffer *anchors, size_t n_anchors,
                                           const iotcert_buffer *stored, size_t n_stored,
                                           const uint8_t *revocations, size_t revocations_len,
                                           int64_t build_time)
{
    int status = iotcert_trust_init_anchors(trust, anchors, n_anchors, stored, n_stored,
                                            build_time);
    if (status == IOTCERT_OK && (revocations != NULL || revocations_len != 0)) {
        status = iotcert_trust_set_revocations(trust, revocations, revocations_len);
    }
    return status;
}

/*
 * Opens a trust bundle (docs/bundle-format.md) in place into `trust`: nothing is copied, so
 * `bundle` (typically in flash) must stay readable and unchanged while `trust` is used.
 * Format versions 1 and 2 are read; a version 2 anchor record also carries the anchor
 * certificate's notBefore, pathLenConstraint and EKU purposes, enforced as for anchors given
 * to iotcert_trust_init_certs (a version 1 record: expiry and name constraints only).
 *   bundle, len:       the bundle's bytes.
 *   signing_key, klen: NULL/0 to check integrity only; otherwise the owner's bundle-signing
 *                      key as an uncompressed P-256 point (klen 65): the bundle must carry a
 *                      valid signature by it.
 *   current_sequence:  NULL for no rollback check; otherwise the sequence number of the
 *                      bundle the device holds now: this one must be larger.
 * Checks, in order: header, total length, SHA-256 digest, signature, sequence, sections (see
 * the format document). Returns IOTCERT_OK or the first failure: IOTCERT_ERR_BUNDLE_* or
 * IOTCERT_ERR_INVALID_ARGUMENT. On failure `trust` is left unusable.
 */
int iotcert_bundle_open(iotcert_trust *trust, const uint8_t *bundle, size_t len,
                        const uint8_t *signing_key, size_t signing_key_len,
                        const uint32_t *current_sequence);

/* Describes the bundle `trust` was opened from. info->struct_size must be
 * sizeof(iotcert_bundle_info). IOTCERT_ERR_INVALID_ARGUMENT when `trust` is not a bundle. */
int iotcert_bundle_get_info(const iotcert_trust *trust, iotcert_bundle_info *info);

/* The index-th certificate (leaf first) of the device's own chain stored in the bundle, for
 * a device that authenticates itself with mTLS. `out` points into the bundle. */
int iotcert_bundle_device_certificate(const iotcert_trust *trust, size_t index,
                                      iotcert_buffer *out);

/* ---------------------------------------------------------------------------------------- */
/* Verification                                                                             */

/*
 * Sets `options` to the defaults: struct_size, time unknown is NOT set (time = 0), purpose
 * server authentication, no peer name, and the default limits: depth_max 8,
 * presented_max 64, candidates_max 16, signatures_max 100, name_comparisons_max 50,000,
 * steps_max 20,000; no memo. NULL is ignored.
 */
void iotcert_options_init(iotcert_options *options);

/*
 * Verifies that chain[0] (the leaf) leads, through chain[1..] (any order, any extras) and the
 * trust store's stored certificates, to a trust anchor of `trust`.
 *   trust:          an initialised trust store.
 *   chain, n_chain: the presented certificates, DER, caller-owned; n_chain >= 1 and at most
 *                   options->presented_max.
 *   options:        from iotcert_options_init(), then adjusted. Read during the call only.
 *   workspace, len: scratch memory, at least iotcert_workspace_size(options) bytes, any
 *                   alignment; contents undefined afterwards. Nothing is written outside it.
 *   result:         filled on every return (result->struct_size must be
 *                   sizeof(iotcert_result)); on success `path` holds the path, leaf first.
 * Returns IOTCERT_OK when a valid path exists; otherwise the most specific reason none does
 * (also in result->status), with result->failing_index naming the certificate at fault when
 * one is: for IOTCERT_ERR_PATH_NO_TRUST_ANCHOR, the certificate whose issuer nothing names
 * (where the chain stops); -1 for budget exhaustion and trust-anchor faults.
 * IOTCERT_ERR_INVALID_ARGUMENT for NULL pointers, zero lengths or a wrong
 * struct_size (result->struct_size wrong: result is not written at all).
 */
int iotcert_verify(const iotcert_trust *trust,
                   const iotcert_buffer *chain, size_t n_chain,
                   const iotcert_options *options,
                   void *workspace, size_t workspace_len,
                   iotcert_result *result);

#ifdef __cplusplus
}
#endif

/* The on-device trust store: A/B slots on the firmware's flash, power-safe updates. */
#include "iotcert_store.h"

#endif /* IOTCERT_H */
