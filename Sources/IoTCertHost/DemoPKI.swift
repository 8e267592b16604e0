// The demonstration PKI `iotcert gen` writes: two ECDSA roots (P-256, P-384), an expired
// old root, an RSA root, one issuing CA certified by each of them (a cross-signed
// intermediate with an RSA alternative and an old path), server and client leaves, a CRL,
// a bundle-signing key, and a `servers/` directory for `iotcert simulate`. Every name, key,
// validity and signature (RSA PKCS#1 v1.5, ECDSA with RFC 6979 nonces) follows from
// (seed, now), so the same pair writes the same bytes.

import Crypto
import Foundation

public struct DemoPKI {
    /// 2025-01-01T00:00:00Z: the default clock, so that runs without --now agree.
    public static let defaultNow: Int64 = 1_735_689_600
    public static let defaultSeed = "iotcert-demo"
    public static let day: Int64 = 86_400
    public static let year: Int64 = 365 * 86_400

    /// The clocks a PKI can be made for: its certificates run from 15 years before the
    /// clock (the old root) to 20 years after it (the roots), and each of those times must
    /// be one the tool reads and prints (`TimeText.earliest...TimeText.latest`); a year's
    /// margin on each side.
    public static let clocks = (TimeText.earliest + 16 * year)...(TimeText.latest - 21 * year)

    /// Relative path → file contents.
    public private(set) var files: [String: [UInt8]] = [:]

    /// Makes the PKI of `seed` as of `now`.
    public static func make(seed: String = defaultSeed, now: Int64 = defaultNow) throws
        -> DemoPKI
    {
        var pki = DemoPKI()
        let keys = try DemoKeySet(seed: seed)
        let roots = try DemoRoots(keys, now: now)
        let ca = try DemoIssuingCA(keys, roots, now: now)
        pki.add("roots/root-p256.pem", roots.p256.pem)
        pki.add("roots/root-p384.pem", roots.p384.pem)
        pki.add("roots/root-old.pem", roots.old.pem)
        pki.add("roots/root-rsa.pem", roots.rsa.pem)
        pki.add("intermediates/issuing-ca-by-p384.pem", ca.byP384.pem)
        pki.add("intermediates/issuing-ca-by-p256.pem", ca.byP256.pem)
        pki.add("intermediates/issuing-ca-by-rsa.pem", ca.byRSA.pem)
        pki.add("intermediates/issuing-ca-by-old.pem", ca.byOld.pem)
        try pki.addLeaves(keys, ca, now: now)
        pki.add("keys/bundle-signing.pem", keys.bundleSigning.pemRepresentation)
        pki.add("keys/bundle-signing.pub.pem", keys.bundleSigning.publicKey.pemRepresentation)
        pki.add("README.txt", readme(seed: seed, now: now))
        return pki
    }

    mutating func add(_ path: String, _ text: String) { files[path] = Array(text.utf8) }

    mutating func addLeaves(_ keys: DemoKeySet, _ ca: DemoIssuingCA, now: Int64) throws {
        let issuer = ca.byP384
        let api = try PKIBuilder.leaf("api.demo.iotcert.test", purpose: .server,
                                      key: keys.api, issuer: issuer,
                                      notBefore: now - 30 * Self.day,
                                      notAfter: now + 397 * Self.day)
        let renewed = try PKIBuilder.leaf("api.demo.iotcert.test", purpose: .server,
                                          key: keys.apiRenewed, issuer: issuer,
                                          notBefore: now + 300 * Self.day,
                                          notAfter: now + 900 * Self.day)
        let legacy = try PKIBuilder.leaf("legacy.demo.iotcert.test", purpose: .server,
                                         key: keys.legacy, issuer: issuer,
                                         notBefore: now - 30 * Self.day,
                                         notAfter: now + 500 * Self.day)
        let client = try PKIBuilder.leaf("device-0001.demo.iotcert.test", purpose: .client,
                                         key: keys.client, issuer: issuer,
                                         notBefore: now - 30 * Self.day,
                                         notAfter: now + 3 * Self.year)
        let revoked = try PKIBuilder.leaf("revoked.demo.iotcert.test", purpose: .server,
                                          key: keys.revoked, issuer: issuer,
                                          notBefore: now - 30 * Self.day,
                                          notAfter: now + 397 * Self.day)
        add("leaves/api.pem", api.pem)
        add("leaves/api-chain.pem", api.pem + ca.byP384.pem)
        add("leaves/api-old-chain.pem", api.pem + ca.byOld.pem)
        add("leaves/legacy-chain.pem", legacy.pem + ca.byOld.pem)
        add("leaves/client.pem", client.pem)
        add("leaves/client-chain.pem", client.pem + ca.byP384.pem)
        add("leaves/revoked-chain.pem", revoked.pem + ca.byP384.pem)
        add("servers/api.demo.iotcert.test/\(TimeText.date(api.notBefore)).pem",
            api.pem + ca.byP384.pem)
        add("servers/api.demo.iotcert.test/\(TimeText.date(renewed.notBefore)).pem",
            renewed.pem + ca.byP384.pem)
        add("servers/legacy.demo.iotcert.test/\(TimeText.date(legacy.notBefore)).pem",
            legacy.pem + ca.byOld.pem)
        add("crls/issuing-ca.crl.pem", try ca.crl(revoking: revoked, now: now))
    }

    /// Writes every file under `directory` (created when missing).
    /// Writes every file under `directory`. A key file that exists already is never
    /// replaced unless `replaceKeys` (`gen --force`): a bundle-signing key that devices pin
    /// cannot be got back. Private keys are written readable by the owner only.
    public func write(to directory: String, replaceKeys: Bool = false) throws {
        let sorted = files.sorted(by: { $0.key < $1.key })
        for (path, _) in sorted where path.hasPrefix("keys/") && !replaceKeys {
            let full = (directory as NSString).appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: full) {
                throw OutputError(full, "exists; a key is not replaced without --force (a "
                    + "device may pin it)")
            }
        }
        for (path, bytes) in sorted {
            let full = (directory as NSString).appendingPathComponent(path)
            try FileIO.makeDirectory((full as NSString).deletingLastPathComponent)
            let secret = path.hasPrefix("keys/") && !path.hasSuffix(".pub.pem")
            try FileIO.write(full, bytes, mode: secret ? 0o600 : 0o644)
        }
    }
}

/// Every key of the demonstration PKI, derived from the seed.
struct DemoKeySet {
    let p256, p384, old, rsa, issuing: DemoKey
    let api, apiRenewed, legacy, client, revoked: DemoKey
    let bundleSigning: P256.Signing.PrivateKey

    init(seed: String) throws {
        func key(_ kind: DemoKey.Kind, _ label: String) throws -> DemoKey {
            try DemoKey.derive(kind, seed: seed, label: label)
        }
        p256 = try key(.p256, "root-p256")
        p384 = try key(.p384, "root-p384")
        old = try key(.p256, "root-old")
        rsa = try key(.rsa(bits: 2048), "root-rsa")
        issuing = try key(.p256, "issuing-ca")
        api = try key(.p256, "leaf-api")
        apiRenewed = try key(.p256, "leaf-api-renewed")
        legacy = try key(.p256, "leaf-legacy")
        client = try key(.p256, "leaf-client")
        revoked = try key(.p256, "leaf-revoked")
        bundleSigning = try key(.p256, "bundle-signing").p256!
    }
}

struct DemoRoots {
    let p256, p384, old, rsa: MadeCertificate

    init(_ k: DemoKeySet, now: Int64) throws {
        let y = DemoPKI.year
        p256 = try PKIBuilder.root("iotcert Demo Root P-256", key: k.p256,
                                   notBefore: now - 5 * y, notAfter: now + 20 * y)
        p384 = try PKIBuilder.root("iotcert Demo Root P-384", key: k.p384,
                                   notBefore: now - 2 * y, notAfter: now + 20 * y)
        // Expired a month before `now`, like DST Root CA X3 in October 2021.
        old = try PKIBuilder.root("iotcert Demo Old Root", key: k.old,
                                  notBefore: now - 15 * y, notAfter: now - 30 * DemoPKI.day)
        rsa = try PKIBuilder.root("iotcert Demo Root RSA", key: k.rsa,
                                  notBefore: now - 5 * y, notAfter: now + 15 * y)
    }
}

/// One issuing CA (one name, one key) certified by each root.
struct DemoIssuingCA {
    static let name = "iotcert Demo Issuing CA"
    let byP384, byP256, byRSA, byOld: MadeCertificate
    let key: DemoKey

    init(_ k: DemoKeySet, _ r: DemoRoots, now: Int64) throws {
        let y = DemoPKI.year
        func issue(_ root: MadeCertificate, from: Int64, to: Int64) throws -> MadeCertificate {
            try PKIBuilder.ca(Self.name, key: k.issuing, issuer: root, notBefore: from,
                              notAfter: to, pathLength: 0)
        }
        key = k.issuing
        byP384 = try issue(r.p384, from: now - y, to: now + 5 * y)
        byP256 = try issue(r.p256, from: now - y, to: now + 5 * y)
        byRSA = try issue(r.rsa, from: now - y, to: now + 5 * y)
        // The old path outlives its root (as the ISRG X1 cross-sign outlived DST Root CA X3).
        byOld = try issue(r.old, from: now - 3 * y, to: now + 2 * y)
    }

    /// A CRL by this CA revoking `leaf`, fresh for 60 days from a day before `now`.
    func crl(revoking leaf: MadeCertificate, now: Int64) throws -> String {
        let ca = try HostCertificate(der: byP384.der, source: "issuing CA")
        let revoked = try HostCertificate(der: leaf.der, source: "revoked leaf")
        let der = try CRLBuilder.make(
            issuerName: ca.subject, issuerKeyID: Array(byP384.keyIdentifier), key: key.p256!,
            serials: [revoked.serial], thisUpdate: now - DemoPKI.day,
            nextUpdate: now + 60 * DemoPKI.day)
        return PEMText.encode(der, label: "X509 CRL")
    }
}

extension DemoPKI {
    /// What was generated and the commands that use it.
    static func readme(seed: String, now: Int64) -> String {
        let from = TimeText.date(now)
        let until = TimeText.date(now + year)
        let later = TimeText.date(now + 2 * year)
        return """
        iotcert demonstration PKI: seed "\(seed)", clock \(TimeText.format(now)).
        Names, keys and validity follow from the seed and the clock; ECDSA signatures are
        randomized, so the certificate bytes differ between runs.

        roots/          ECDSA P-256 and P-384 roots, an RSA 2048 root, and an old root that
                        expired 30 days before the clock
        intermediates/  one issuing CA (one name, one P-256 key) certified by each root:
                        by-p384 (the main path), by-p256 (a cross-sign), by-rsa (an RSA
                        alternative), by-old (the old path, outliving its root)
        leaves/         server leaves (api, legacy, revoked), a client leaf (device-0001),
                        and the chains servers present (*-chain.pem, leaf first)
        crls/           the issuing CA's CRL, revoking revoked.demo.iotcert.test
        keys/           the bundle-signing key (P-256) and its public key
        servers/        chains by server and date, for `iotcert simulate`

        iotcert pack --anchors roots --intermediates intermediates --crls crls \\
            --valid-from \(from) --valid-until \(until) \\
            --sign-key keys/bundle-signing.pem --sequence 1 -o bundle.iotb
        iotcert inspect --signing-key keys/bundle-signing.pub.pem bundle.iotb
        iotcert verify --bundle bundle.iotb --time \(from) --host api.demo.iotcert.test \\
            leaves/api-old-chain.pem
        iotcert check --expiring-within 400d --now \(from) bundle.iotb
        iotcert simulate --bundle bundle.iotb --chains servers --from \(from) \\
            --to \(later) --step 30d

        """
    }
}
