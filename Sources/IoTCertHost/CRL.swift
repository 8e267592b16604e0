// CRL import on the host (RFC 5280 section 5): a CRL is read with the core's DER reader and
// judged (issuer found by name and proved by signature, cRLSign, freshness, extensions); its
// revoked serials then go through RevocationEncoder (IoTCertHost) into the core's compact
// revocation layout (Revocation.swift, docs/bundle-format.md). The device never parses a
// CRL; it only searches that layout. A CRL that fails any check is refused as a whole.
//
// CertificateList ::= SEQUENCE {
//      tbsCertList          TBSCertList,
//      signatureAlgorithm   AlgorithmIdentifier,
//      signatureValue       BIT STRING }
//
// TBSCertList ::= SEQUENCE {
//      version              Version OPTIONAL,  -- if present, MUST be v2
//      signature            AlgorithmIdentifier,
//      issuer               Name,
//      thisUpdate           Time,
//      nextUpdate           Time OPTIONAL,
//      revokedCertificates  SEQUENCE OF SEQUENCE {
//           userCertificate         CertificateSerialNumber,
//           revocationDate          Time,
//           crlEntryExtensions      Extensions OPTIONAL } OPTIONAL,
//      crlExtensions        [0] EXPLICIT Extensions OPTIONAL }
//
// An untrusted certificate may issue a CRL: a CRL can only add revocations, keyed by the key
// that signed it, so the worst an attacker's CRL can do is make its own certificates fail.
// (In IoTCertHost so that `limbo` and `pack` judge CRLs the same way.)

import Foundation
import IoTCert

public struct CRLError: Error, CustomStringConvertible {
    public let source: String
    public let reason: String

    public var description: String { "\(source): \(reason)" }
}

/// What one accepted CRL contributes: its issuer's key (a view into the issuer certificate,
/// which the caller keeps alive) and the magnitudes of its revoked serial numbers.
public struct ImportedCRL {
    public let issuerKey: PublicKey
    public let serials: [[UInt8]]

    /// The entries for RevocationEncoder (IoTCertHost), which builds the core's layout.
    public var revoked: [(key: PublicKey, serial: [UInt8])] { serials.map { (issuerKey, $0) } }
}

public enum CRLImport {
    /// Most entries one CRL may list. Large public CRLs hold a few hundred thousand; the
    /// device layout spends 21 bytes per entry, so anything near this is a wrong input.
    public static let entriesMax = 1_000_000

    // Extension OIDs (content octets). id-ce is 2.5.29 = 55 1D.
    static let oidCRLNumber: [UInt8] = [0x55, 0x1D, 0x14]
    static let oidReasonCode: [UInt8] = [0x55, 0x1D, 0x15]
    static let oidInvalidityDate: [UInt8] = [0x55, 0x1D, 0x18]
    static let oidDeltaCRLIndicator: [UInt8] = [0x55, 0x1D, 0x1B]
    static let oidIssuingDistributionPoint: [UInt8] = [0x55, 0x1D, 0x1C]
    static let oidCertificateIssuer: [UInt8] = [0x55, 0x1D, 0x1D]
    static let oidIssuerAltName: [UInt8] = [0x55, 0x1D, 0x12]
    static let oidAuthorityKeyIdentifier: [UInt8] = [0x55, 0x1D, 0x23]
    static let oidFreshestCRL: [UInt8] = [0x55, 0x1D, 0x2E]
    static let oidAuthorityInfoAccess: [UInt8] = [0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01]

    /// cRLSign, keyUsage bit 6 (RFC 5280 4.2.1.3).
    static let cRLSignBit: UInt16 = 1 << KeyUsageBit.cRLSign.rawValue

    /// Reads and judges one CRL. `issuers` are the DER certificates that may have issued it
    /// (trust anchors and intermediates), in memory that outlives the result; `time` is the
    /// validation time.
    public static func load(_ der: [UInt8], source: String, issuers: [UnsafeRawBufferPointer],
                     time: Int64) throws -> ImportedCRL
    {
        func fail(_ reason: String) -> CRLError { CRLError(source: source, reason: reason) }
        return try der.withUnsafeBytes { bytes throws -> ImportedCRL in
            let parts: CRLParts
            do {
                parts = try CRLParts(bytes, fail: fail)
            } catch let error as IoTCertError {
                throw fail("malformed CRL (\(error))")
            }
            // 6.3.3 (a)(2) / 5.1.2.5: a CRL past its nextUpdate is stale, and one whose
            // thisUpdate is still to come is not issued yet.
            guard parts.thisUpdate <= time else { throw fail("thisUpdate is after the time") }
            if let next = parts.nextUpdate, time > next {
                throw fail("nextUpdate has passed: the CRL is stale")
            }
            let issuerKey = try findIssuer(parts, issuers: issuers, fail: fail)
            return ImportedCRL(issuerKey: issuerKey, serials: parts.serials)
        }
    }

    /// The key of the certificate named as the CRL's issuer that verifies its signature,
    /// after checking that certificate for cRLSign (6.3.3 (f)).
    private static func findIssuer(_ parts: CRLParts, issuers: [UnsafeRawBufferPointer],
                                   fail: (String) -> CRLError) throws -> PublicKey {
        var named = false
        for der in issuers {
            guard let cert = try? Certificate(der: der), cert.subject.bytesEqual(parts.issuer)
            else { continue }
            named = true
            do {
                try SignatureCheck.verify(parts.tbs, signature: parts.signature,
                                          algorithm: parts.algorithm, key: cert.publicKey)
            } catch IoTCertError.pathBadSignature {
                continue  // same name, another key: try the next candidate
            } catch {
                throw fail("signature check failed (\(error))")
            }
            if let usage = cert.extensions.keyUsage, usage & cRLSignBit == 0 {
                throw fail("issuer's keyUsage lacks cRLSign (RFC 5280 4.2.1.3, 6.3.3 (f))")
            }
            return cert.publicKey
        }
        throw fail(named ? "signature does not verify with any certificate of the issuer's name"
                         : "no certificate is named as the CRL's issuer")
    }
}

/// The fields of a CRL, read and structurally checked (views into the caller's bytes).
private struct CRLParts {
    let tbs: UnsafeRawBufferPointer
    let algorithm: SignatureAlgorithm
    let signature: UnsafeRawBufferPointer
    let issuer: UnsafeRawBufferPointer
    let thisUpdate: Int64
    let nextUpdate: Int64?
    /// Revoked serial magnitudes (no sign octet), at most 20 bytes each.
    let serials: [[UInt8]]

    init(_ bytes: UnsafeRawBufferPointer, fail: (String) -> CRLError) throws {
        var outer = DERReader(bytes)
        let list = try outer.read(.sequence)
        try outer.finish()
        var c = try list.children()
        let tbsValue = try c.read(.sequence)
        let outerAlgorithm = try c.read(.sequence)
        signature = try c.read().octetAlignedBitString()
        try c.finish()

        var t = try tbsValue.children()
        var isV2 = false
        if let version = try t.readIfPresent(.integer) {
            // Version OPTIONAL, and if present MUST be v2 (1) (5.1.2.1).
            guard try version.smallUnsigned() == 1 else { throw fail("version is not v2") }
            isV2 = true
        }
        let innerAlgorithm = try t.read(.sequence)
        // 5.1.1.2: the signature field MUST equal signatureAlgorithm.
        guard innerAlgorithm.encoded.bytesEqual(outerAlgorithm.encoded) else {
            throw fail("tbsCertList signature differs from signatureAlgorithm (5.1.1.2)")
        }
        algorithm = try SignatureAlgorithm.decode(innerAlgorithm)
        guard !algorithm.isWeak else { throw fail("weak signature algorithm (SHA-1/MD5)") }
        issuer = try t.read(.sequence).encoded
        thisUpdate = try t.read().time()
        if let next = try t.readIfPresent(.utcTime) ?? t.readIfPresent(.generalizedTime) {
            nextUpdate = try next.time()
        } else {
            nextUpdate = nil
        }
        var serials: [[UInt8]] = []
        if let revoked = try t.readIfPresent(.sequence) {
            var entries = try revoked.children()
            while !entries.isAtEnd {
                guard serials.count < CRLImport.entriesMax else { throw fail("too many entries") }
                if let serial = try CRLParts.entry(try entries.read(.sequence), fail: fail) {
                    serials.append(serial)
                }
            }
        }
        var hasCRLNumber = false
        if let field = try t.readIfPresent(.context(0, constructed: true)) {
            // 5.1.2.1: extensions imply v2.
            guard isV2 else { throw fail("crlExtensions in a v1 CRL") }
            var r = try field.children()
            let extensions = try r.read(.sequence)
            try r.finish()
            hasCRLNumber = try CRLParts.crlExtensions(extensions, fail: fail)
        }
        try t.finish()
        // 5.2.3: "conforming CRL issuers MUST include this extension in all CRLs".
        guard hasCRLNumber else { throw fail("CRLNumber extension missing (RFC 5280 5.2.3)") }
        tbs = tbsValue.encoded
        self.serials = serials
    }

    /// One revokedCertificates entry: its serial's magnitude, or nil when the serial cannot
    /// belong to a certificate the core accepts (negative, or over 20 octets: 4.1.2.2).
    private static func entry(_ value: DERValue, fail: (String) -> CRLError) throws -> [UInt8]? {
        var e = try value.children()
        let serial = try e.read().integerBytes()
        _ = try e.read().time()  // revocationDate: revoked from then on; we revoke outright
        if let extensions = try e.readIfPresent(.sequence) {
            try forEachExtension(extensions, fail: fail) { oid, critical, inner in
                switch oid {
                case CRLImport.oidReasonCode:
                    guard inner.tag == DERTag.universal(10) else { throw fail("bad reasonCode") }
                case CRLImport.oidInvalidityDate:
                    guard inner.tag == .generalizedTime else { throw fail("bad invalidityDate") }
                case CRLImport.oidCertificateIssuer:
                    // 5.3.3: indirect CRLs are not supported.
                    throw fail("certificateIssuer entry extension (indirect CRL) unsupported")
                default:
                    if critical { throw fail("unknown critical CRL entry extension") }
                }
            }
        }
        try e.finish()
        guard serial[0] & 0x80 == 0 else { return nil }
        var magnitude = [UInt8](serial)
        if magnitude.count > 1 && magnitude[0] == 0 { magnitude.removeFirst() }
        guard magnitude.count <= serialLengthMax else { return nil }
        return magnitude
    }

    /// Judges crlExtensions; returns whether a valid CRLNumber was found.
    private static func crlExtensions(_ list: DERValue, fail: (String) -> CRLError) throws
        -> Bool
    {
        var hasCRLNumber = false
        try forEachExtension(list, fail: fail) { oid, critical, inner in
            switch oid {
            case CRLImport.oidCRLNumber:
                // 5.2.3: non-critical, a non-negative INTEGER of at most 20 octets.
                guard !critical else { throw fail("CRLNumber is critical (RFC 5280 5.2.3)") }
                let number = try inner.integerBytes()
                guard number[0] & 0x80 == 0,
                    number.count <= serialLengthMax + (number[0] == 0 ? 1 : 0)
                else { throw fail("CRLNumber out of range (RFC 5280 5.2.3)") }
                hasCRLNumber = true
            case CRLImport.oidDeltaCRLIndicator:
                throw fail("delta CRLs are not supported (5.2.4)")
            case CRLImport.oidIssuingDistributionPoint:
                try issuingDistributionPoint(inner, fail: fail)
            case CRLImport.oidAuthorityKeyIdentifier, CRLImport.oidIssuerAltName,
                CRLImport.oidFreshestCRL, CRLImport.oidAuthorityInfoAccess:
                guard inner.tag == .sequence else { throw fail("malformed CRL extension") }
            default:
                if critical { throw fail("unknown critical CRL extension") }
            }
        }
        return hasCRLNumber
    }

    /// IssuingDistributionPoint ::= SEQUENCE {
    ///      distributionPoint          [0] DistributionPointName OPTIONAL,
    ///      onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
    ///      onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
    ///      onlySomeReasons            [3] ReasonFlags OPTIONAL,
    ///      indirectCRL                [4] BOOLEAN DEFAULT FALSE,
    ///      onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
    ///
    /// A CRL with this extension covers part of its issuer's certificates (5.2.5). Its scope
    /// matters when a CRL is taken as proof that a certificate is *not* revoked (6.3.3
    /// (b)(2)); the device never does that (its lists only add revocations, and a missing
    /// list means "no revocation known", not "revoked"). What it lists is still revoked: a
    /// serial names one certificate of this issuer whatever partition the CRL covers, and
    /// entries of other issuers (certificateIssuer, indirect CRLs) are refused in `entry`.
    /// So the entries are applied, except from a CRL of attribute certificates, whose
    /// serials are not those of public-key certificates.
    private static func issuingDistributionPoint(_ inner: DERValue,
                                                 fail: (String) -> CRLError) throws {
        guard inner.tag == .sequence else { throw fail("malformed issuingDistributionPoint") }
        var r = try inner.children()
        _ = try r.readIfPresent(.context(0, constructed: true))
        for number: UInt32 in 1...5 {
            guard let field = try r.readIfPresent(.context(number)) else { continue }
            if number == 3 { continue }  // onlySomeReasons: a BIT STRING of reasons
            // DEFAULT FALSE is omitted in DER, so a present flag is TRUE (0xFF).
            guard field.content.count == 1, field.content[0] == 0xFF else {
                throw fail("issuingDistributionPoint flag not DER TRUE")
            }
            if number == 5 {
                throw fail("CRL of attribute certificates (onlyContainsAttributeCerts)")
            }
        }
        guard r.isAtEnd else { throw fail("malformed issuingDistributionPoint") }
    }

    /// Walks Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, refusing duplicates and
    /// explicit FALSE criticality (DER), and hands each (OID, critical, value) to `body`.
    private static func forEachExtension(
        _ list: DERValue, fail: (String) -> CRLError,
        _ body: ([UInt8], Bool, DERValue) throws -> Void
    ) throws {
        var r = try list.children()
        guard !r.isAtEnd else { throw fail("empty extensions") }
        var seen = Set<[UInt8]>()
        while !r.isAtEnd {
            var e = try r.read(.sequence).children()
            let oid = [UInt8](try e.read().objectIdentifier().bytes)
            var critical = false
            if let flag = try e.readIfPresent(.boolean) {
                critical = try flag.boolean()
                guard critical else { throw fail("explicit critical FALSE (not DER)") }
            }
            let value = try e.read(.octetString)
            try e.finish()
            guard seen.insert(oid).inserted else { throw fail("duplicate extension") }
            var v = try value.nested()
            let inner = try v.read()
            try v.finish()
            try body(oid, critical, inner)
        }
    }
}
