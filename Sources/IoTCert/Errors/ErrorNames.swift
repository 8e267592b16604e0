// The short names of the status codes: what iotcert_strerror() returns in a build made with
// -D IOTCERT_NO_MESSAGES, where the sentences (ErrorMessages.swift) are left out to save
// flash. Each name is the C macro's without "IOTCERT_ERR_" (PATH_EXPIRED for
// IOTCERT_ERR_PATH_EXPIRED), so a log line still says exactly which code it was. Measured
// on the Cortex-M4 (make -C Examples/cortex-m4 run MESSAGES=0 / none / default): the names
// cost 3.3 KB of flash over one fixed string (IOTCERT_NO_NAMES; the code-to-case switch
// included), the sentences 5.4 KB more.

#if IOTCERT_NO_MESSAGES && !IOTCERT_NO_NAMES
/// Every code's name in ascending order of code, each ended by a NUL. One literal, so that
/// the table costs its characters and nothing per entry; Tests/CAPI/check-codes.py checks it
/// against Include/iotcert.h.
let statusNames: StaticString = """
    INVALID_ARGUMENT\0WORKSPACE_EXHAUSTED\0TOO_MANY_CERTIFICATES\0\
    TOO_MANY_TRUSTED_CERTIFICATES\0LIMIT_OUT_OF_RANGE\0INVALID_PEER_NAME\0DER_TRUNCATED\0\
    DER_UNEXPECTED_TAG\0DER_INDEFINITE_LENGTH\0DER_NON_MINIMAL_LENGTH\0DER_LENGTH_TOO_LARGE\0\
    DER_NESTING_TOO_DEEP\0DER_TRAILING_DATA\0DER_BAD_INTEGER\0DER_BAD_BOOLEAN\0\
    DER_BAD_BIT_STRING\0DER_BAD_OBJECT_IDENTIFIER\0DER_BAD_TIME\0DER_BAD_STRING\0DER_BAD_TAG\0\
    DER_BAD_NULL\0DER_BAD_CONSTRUCTION\0CERT_BAD_VERSION\0CERT_SIGNATURE_ALGORITHM_MISMATCH\0\
    CERT_UNSUPPORTED_SIGNATURE_ALGORITHM\0CERT_WEAK_SIGNATURE_ALGORITHM\0\
    CERT_UNSUPPORTED_KEY_ALGORITHM\0CERT_UNSUPPORTED_CURVE\0CERT_BAD_PUBLIC_KEY\0\
    CERT_WEAK_KEY\0CERT_DUPLICATE_EXTENSION\0CERT_BAD_EXTENSION\0CERT_SERIAL_TOO_LONG\0\
    CERT_BAD_SERIAL\0CERT_BAD_NAME\0CERT_BAD_UNIQUE_IDENTIFIER\0CERT_EMPTY_EXTENSIONS\0\
    CERT_BAD_SIGNATURE_VALUE\0CERT_BAD_GENERAL_NAME\0PATH_NO_TRUST_ANCHOR\0PATH_EXPIRED\0\
    PATH_NOT_YET_VALID\0PATH_ISSUER_NOT_CA\0PATH_LENGTH_EXCEEDED\0PATH_ISSUER_KEY_USAGE\0\
    PATH_LEAF_KEY_USAGE\0PATH_LEAF_EXTENDED_KEY_USAGE\0PATH_ISSUER_EXTENDED_KEY_USAGE\0\
    PATH_NAME_CONSTRAINT_VIOLATION\0PATH_PEER_NAME_MISMATCH\0PATH_BAD_SIGNATURE\0PATH_REVOKED\0\
    PATH_UNKNOWN_CRITICAL_EXTENSION\0PATH_DEPTH_EXCEEDED\0PATH_CANDIDATES_EXCEEDED\0\
    PATH_SIGNATURE_BUDGET_EXHAUSTED\0PATH_NAME_CONSTRAINT_BUDGET_EXHAUSTED\0\
    PATH_CA_USED_AS_LEAF\0PATH_UNSUPPORTED_NAME_CONSTRAINT\0PATH_NO_SUBJECT_ALT_NAME\0\
    PATH_ANCHOR_EXPIRED\0PATH_NAME_CONSTRAINTS_IN_LEAF\0PATH_STEP_BUDGET_EXHAUSTED\0\
    PATH_CERTIFICATE_PROFILE\0PATH_ANCHOR_NOT_CA\0PATH_COMMON_NAME_MISMATCH\0\
    PATH_ANCHOR_EXTENDED_KEY_USAGE\0PATH_ANCHOR_LENGTH_EXCEEDED\0PATH_ANCHOR_NOT_YET_VALID\0\
    BUNDLE_BAD_MAGIC\0BUNDLE_UNSUPPORTED_VERSION\0BUNDLE_TRUNCATED\0BUNDLE_DIGEST_MISMATCH\0\
    BUNDLE_BAD_SIGNATURE\0BUNDLE_ROLLBACK\0BUNDLE_BAD_SECTION\0BUNDLE_BAD_SECTION_CONTENT\0\
    BUNDLE_BAD_HEADER\0STORE_BAD_GEOMETRY\0STORE_EMPTY\0STORE_FLASH_FAILURE\0\
    STORE_UPDATE_TOO_LARGE\0STORE_UPDATE_NOT_STARTED\0STORE_UPDATE_LENGTH_MISMATCH\0\
    STORE_BUFFER_TOO_SMALL\0CRYPTO_UNSUPPORTED\0CRYPTO_FAILURE\0
    """

extension IoTCertError {
    /// The code's short name, found by its position among the codes (a walk over at most
    /// 2 KB, on an error path only).
    var shortName: UnsafePointer<CChar> {
        // Position of this code: how many codes are smaller. Bounded by the largest code.
        var position = 0
        var value: Int32 = 1
        while value < rawValue {
            if IoTCertError(rawValue: value) != nil { position += 1 }
            value += 1
        }
        let table = statusNames.utf8Start
        var at = 0
        // Bounded by the table's length: `position` NULs precede the name.
        while position > 0 && at < statusNames.utf8CodeUnitCount {
            if table[at] == 0 { position -= 1 }
            at += 1
        }
        return UnsafeRawPointer(table + at).assumingMemoryBound(to: CChar.self)
    }
}
#endif
