// The code the libFuzzer targets run on each input (Tests/Fuzz/fuzz-*.swift), shared with the
// regression tests (FuzzRegressionTests.swift) so that a saved input replays through exactly
// the code that found it. Compiled twice: here, into the test target; and by Tests/Fuzz/run.sh
// into one module with the core (-module-name IoTCert -D IOTCERT_FUZZ), which is why it reaches
// internal API without an import and why everything is inside `FuzzHarness`.
//
// Each entry returns the core's verdict on the input (nil: accepted). Besides the core's own
// traps and AddressSanitizer's reports, `expect` traps when a property that must hold for every
// input fails: views outside their input, a reader that disagrees with DER's minimal encoding,
// a decoder that disagrees with an independent one (glibc's timegm and inet_pton, Swift's UTF-8
// validation), a name in a subjectAltName that does not match itself, a port answer that blames
// the platform for a certificate, a memo hit that changes a verdict. Input formats are in
// Tests/Fuzz/README.md.

import CIoTCert

#if canImport(Glibc)
import Glibc
#endif
#if !IOTCERT_FUZZ
@testable import IoTCert
#endif

enum FuzzHarness {
    /// Traps (in the fuzzer: a crash with this message) when `condition` is false.
    @inline(__always)
    static func expect(_ condition: Bool, _ message: StaticString) {
        if !condition { fatalError("fuzz invariant: \(message)") }
    }

    /// Whether `inner` lies inside `outer` (an empty view may sit anywhere).
    static func within(_ inner: UnsafeRawBufferPointer, _ outer: UnsafeRawBufferPointer) -> Bool {
        guard inner.count > 0 else { return true }
        guard let i = inner.baseAddress, let o = outer.baseAddress else { return false }
        return i >= o && i + inner.count <= o + outer.count
    }

    static func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.count == 0 || a.baseAddress == b.baseAddress)
    }

    // MARK: - Files the harness loads (the fixed trust store of fuzz-verify)

    /// The repository root: $IOTCERT_ROOT, else found from this file's path (absolute in both
    /// builds: SwiftPM and run.sh pass absolute paths).
    static let root: String = {
        if let env = getenv("IOTCERT_ROOT") { return String(cString: env) }
        var path = "\(#filePath)"
        for _ in 0..<3 {
            guard let slash = path.lastIndex(of: "/") else { break }
            path = String(path[..<slash])
        }
        return path
    }()

    /// A repository file's bytes; a missing file is a broken checkout, not an input.
    static func file(_ relative: String) -> [UInt8] {
        let path = root + "/" + relative
        guard let f = fopen(path, "rb") else { fatalError("fuzz harness: cannot read \(path)") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    /// A copy that lives as long as the process (the store's views point into it).
    static func keep(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        let m = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1),
                                                       alignment: 16)
        m.copyBytes(from: bytes)
        return UnsafeRawBufferPointer(rebasing: m[0..<bytes.count])
    }

    static func keepList(_ buffers: [UnsafeRawBufferPointer]) -> CertificateList {
        let list = UnsafeMutableBufferPointer<iotcert_buffer>.allocate(capacity: buffers.count)
        for (i, b) in buffers.enumerated() {
            list[i] = iotcert_buffer(data: b.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                     len: b.count)
        }
        return CertificateList(UnsafeBufferPointer(list))
    }
}

// MARK: - fuzz-der: a TLV tree, every decoder on every value

extension FuzzHarness {
    /// Reads the input as a tree of TLVs with an explicit stack (children before siblings),
    /// also descending into OCTET and BIT STRINGs as the certificate parser does, and runs
    /// every primitive and structure decoder on every value. Returns the first error of the
    /// tree's own structure (nil when every TLV of it reads).
    static func der(_ input: UnsafeRawBufferPointer) -> IoTCertError? {
        // (reader, whether its bytes are only guessed to be DER: content of a primitive)
        var stack: [(reader: DERReader, guessed: Bool)] = [(DERReader(input), false)]
        var structural: IoTCertError?
        var values = 0
        while let (popped, guessed) = stack.popLast() {
            var reader = popped
            guard !reader.isAtEnd else { continue }
            expect(stack.count <= 2 * Int(DERLimits.nestingMax) + 2, "DER stack unbounded")
            let start = reader.offset
            let value: DERValue
            do {
                value = try reader.read()
            } catch {
                if !guessed && structural == nil { structural = error }
                continue
            }
            checkTLV(value, reader: reader, start: start)
            stack.append((reader, guessed))
            values += 1
            decodeAll(value)
            if value.tag.isConstructed {
                do {
                    stack.append((try value.children(), guessed))
                } catch {
                    expect(error == .derNestingTooDeep, "children() failed otherwise")
                    expect(value.depth >= DERLimits.nestingMax, "nesting refused too early")
                    if !guessed && structural == nil { structural = error }
                }
            } else if value.tag == .octetString || value.tag == .bitString {
                let skip = value.tag == .bitString ? 1 : 0
                if value.content.count > skip, let nested = try? value.nested(from: skip) {
                    expect(nested.depth == value.depth + 1, "nested depth")
                    stack.append((nested, true))
                }
            }
        }
        expect(values <= input.count / 2 + 1, "more values than pairs of octets")
        return structural
    }

    /// What every value read must satisfy: placement in its reader, DER's minimal header.
    static func checkTLV(_ v: DERValue, reader: DERReader, start: Int) {
        expect(v.depth == reader.depth && v.depth <= DERLimits.nestingMax + 1, "depth")
        expect(v.encoded.count == reader.offset - start, "encoded length")
        expect(v.encoded.count == 0 || v.encoded.baseAddress == reader.bytes.baseAddress! + start,
               "encoded start")
        expect(within(v.encoded, reader.bytes) && within(v.content, v.encoded), "views inside")
        let header = v.encoded.count - v.content.count
        if v.content.count > 0 {
            expect(v.content.baseAddress! == v.encoded.baseAddress! + header, "content at end")
        }
        expect(v.content.count <= DERLimits.lengthMax, "length over lengthMax")
        let n = v.tag.number
        let tagOctets = n < 31 ? 1 : (n < 0x80 ? 2 : (n < 0x4000 ? 3 : 4))
        let c = v.content.count
        let lengthOctets = c < 0x80 ? 1 : (c < 0x100 ? 2 : (c < 0x1_0000 ? 3 : 4))
        expect(header == tagOctets + lengthOctets, "header not minimal")
        let first = v.encoded[0]
        expect(first >> 6 == v.tag.tagClass && (first & 0x20 != 0) == v.tag.isConstructed,
               "identifier octet")
    }

    /// Every decoder the core has for one value, each result checked.
    static func decodeAll(_ v: DERValue) {
        checkPrimitives(v)
        checkStrings(v)
        _ = try? GeneralName(v, inConstraint: false)
        _ = try? GeneralName(v, inConstraint: true)
        if v.tag == .sequence {
            checkStructures(v)
        } else if v.tag.tagClass == 2 && v.tag.isConstructed && v.tag.number <= 1 {
            if let count = try? validateGeneralSubtrees(v) {
                var it = GeneralSubtreeIterator(v.content)
                var seen = 0
                while it.next() != nil { seen += 1 }
                expect(seen == count, "GeneralSubtreeIterator disagrees with validation")
            }
        } else if v.tag == .context(3, constructed: true) {
            if let e = try? Extensions(explicit: v) {
                expect(e.count >= 1 && Int(e.count) <= extensionsMax, "extension count")
            }
        }
    }

    static func checkPrimitives(_ v: DERValue) {
        if let b = try? v.boolean() {
            expect(v.content.count == 1 && v.content[0] == (b ? 0xFF : 0), "BOOLEAN")
        }
        if let i = try? v.integerBytes() {
            expect(same(i, v.content) && i.count >= 1, "INTEGER view")
            if i.count > 1 { expect(!(i[0] == 0 && i[1] < 0x80), "INTEGER not minimal") }
            if i.count > 1 { expect(!(i[0] == 0xFF && i[1] >= 0x80), "INTEGER not minimal") }
        }
        if let n = try? v.smallUnsigned() {
            var reference: UInt64 = 0
            for b in v.content { reference = reference << 8 | UInt64(b) }
            expect(v.content.count <= 4 && UInt64(n) == reference, "smallUnsigned value")
        }
        if let m = try? v.positiveMagnitude() {
            expect(m.count >= 1 && m[0] != 0 && within(m, v.content), "positive magnitude")
        }
        if (try? v.null()) != nil { expect(v.content.count == 0, "NULL") }
        if let (bits, unused) = try? v.bitString() {
            expect(unused <= 7 && bits.count == v.content.count - 1, "BIT STRING")
            if bits.count > 0 {
                expect(bits[bits.count - 1] & UInt8((1 << Int(unused)) - 1) == 0, "unused bits")
            } else {
                expect(unused == 0, "empty BIT STRING with unused bits")
            }
        }
        if let oid = try? v.objectIdentifier() {
            expect(oid.bytes.count >= 1 && oid.bytes.count <= DERLimits.oidLengthMax, "OID size")
            expect(oid.bytes[oid.bytes.count - 1] < 0x80, "OID last arc open")
            expect(oid.key == OIDKey(v.content), "OID key")
        }
        if v.tag == .utcTime || v.tag == .generalizedTime { checkTime(v) }
    }

    /// time() against glibc's timegm on an independent reading of the digits.
    static func checkTime(_ v: DERValue) {
        let seconds = try? v.time()
        let c = v.content
        let utc = v.tag == .utcTime
        guard c.count == (utc ? 13 : 15) else {
            expect(seconds == nil, "time of the wrong length accepted")
            return
        }
        var digits: [Int] = []
        for i in 0..<(c.count - 1) {
            guard c[i] >= 0x30 && c[i] <= 0x39 else {
                expect(seconds == nil, "time with a non-digit accepted")
                return
            }
            digits.append(Int(c[i] - 0x30))
        }
        func number(_ at: Int, _ n: Int) -> Int {
            (at..<(at + n)).reduce(0) { $0 * 10 + digits[$1] }
        }
        let yearDigits = utc ? 2 : 4
        var year = number(0, yearDigits)
        if utc { year += year >= 50 ? 1900 : 2000 }
        let fields = (1...5).map { number(yearDigits + 2 * ($0 - 1), 2) }
        let (month, day, hour, minute, second) = (fields[0], fields[1], fields[2], fields[3],
                                                  fields[4])
        var t = tm()
        t.tm_year = Int32(year - 1900)
        t.tm_mon = Int32(month - 1)
        t.tm_mday = Int32(day)
        t.tm_hour = Int32(hour)
        t.tm_min = Int32(minute)
        t.tm_sec = Int32(second)
        let expected = Int64(timegm(&t))
        // timegm normalises out-of-range fields; a valid date comes back unchanged.
        let valid = c[c.count - 1] == 0x5A && month >= 1
            && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59
            && t.tm_mon == Int32(month - 1) && t.tm_mday == Int32(day)
        if valid {
            expect(seconds == expected, "time() disagrees with timegm")
        } else {
            expect(seconds == nil, "invalid time accepted")
        }
    }

    static func checkStrings(_ v: DERValue) {
        guard !v.tag.isConstructed else { return }
        let c = v.content
        // The core's UTF-8 check against Swift's own validation, on every primitive's bytes.
        let swiftValid = String(validating: c, as: UTF8.self) != nil
        expect(isValidUTF8(c) == swiftValid, "isValidUTF8 disagrees with Swift")
        if let s = try? v.checkedString() { expect(same(s, c), "checkedString view") }
        if isValidDNSName(c, allowWildcard: false) {
            expect(isValidDNSName(c, allowWildcard: true), "wildcard mode refuses a plain name")
            expect(dnsPatternMatches(c, host: c), "DNS name does not match itself")
            expect(isWithinDomain(c, c), "DNS name not within itself")
        }
        if let (local, domain) = splitMailbox(c) {
            expect(local.count + domain.count + 1 == c.count, "mailbox split")
            expect(mailboxesEqual(c, c), "mailbox not equal to itself")
        }
        if c.count == 4 || c.count == 16 { checkIPText(c) }
    }

    /// writeCanonicalIPText round-trips through inet_pton.
    static func checkIPText(_ address: UnsafeRawBufferPointer) {
        var text = [UInt8](repeating: 0, count: 64)
        let n = text.withUnsafeMutableBytes { writeCanonicalIPText(address, into: $0) }
        expect(n > 0 && n <= 39, "canonical IP text length")
        text[n] = 0
        var parsed = [UInt8](repeating: 0, count: 16)
        let family = address.count == 4 ? AF_INET : AF_INET6
        let ok = text.withUnsafeBufferPointer { t in
            parsed.withUnsafeMutableBytes { p in
                inet_pton(family, UnsafeRawPointer(t.baseAddress!)
                    .assumingMemoryBound(to: CChar.self), p.baseAddress)
            }
        }
        expect(ok == 1, "canonical IP text does not parse")
        expect(Array(parsed[0..<address.count]) == Array(address), "canonical IP text round trip")
    }

    static func checkStructures(_ v: DERValue) {
        if let rdns = try? validateName(v) {
            var attributes = 0
            var r = try! v.children()
            while !r.isAtEnd { attributes += (try! r.read().children()).countValues() }
            var it = NameAttributeIterator(name: v.encoded)
            var seen = 0
            while it.next() != nil { seen += 1 }
            expect(seen == attributes && (rdns == 0) == (attributes == 0),
                   "NameAttributeIterator disagrees with validation")
        }
        if (try? validateGeneralNames(v)) != nil {
            var it = GeneralNameIterator(v.content)
            var seen = 0
            while let name = it.next() {
                seen += 1
                expect(within(name.value, v.content), "GeneralName view")
            }
            expect(seen == (try! v.children()).countValues(), "GeneralNameIterator count")
        }
        _ = try? SignatureAlgorithm(algorithmIdentifier: v)
        if let key = try? PublicKey(subjectPublicKeyInfo: v) {
            expect(within(key.key, v.content) && within(key.exponent, v.content), "key view")
            switch key.algorithm {
            case .ecP256: expect(key.key.count == 65 && key.key[0] == 4, "P-256 point")
            case .ecP384: expect(key.key.count == 97 && key.key[0] == 4, "P-384 point")
            case .rsa: expect(key.key.count >= 1 && key.exponent.count >= 1, "RSA key")
            }
        }
        if let subject = try? locateSubject(v.encoded) {
            expect(within(subject, v.encoded), "locateSubject view")
        }
    }
}

extension DERReader {
    /// Values left to read (the reader has been validated by the caller).
    fileprivate func countValues() -> Int {
        var copy = self
        var n = 0
        while !copy.isAtEnd, (try? copy.read()) != nil { n += 1 }
        return n
    }
}

// MARK: - fuzz-certificate: the certificate view and everything that reads one

extension FuzzHarness {
    /// Name-constraint sets from the test PKI, applied to every parsed input's names.
    nonisolated(unsafe) static let constraintSets: [NameConstraintSet] = {
        ["nc-dns-permitted-int", "nc-dns-excluded-int", "nc-ip-int", "nc-email-int",
         "nc-dirname-int", "nc-anchor-root"].compactMap { name in
            let der = keep(file("Tests/Fixtures/scenarios/\(name).der"))
            guard let c = try? Certificate(der: der) else { return nil }
            return NameConstraintSet(permitted: c.extensions.permittedSubtrees,
                                     excluded: c.extensions.excludedSubtrees)
        }
    }()

    nonisolated(unsafe) static let fixedPeers: [PeerName] = [
        .dns(keep(Array("server.example.com".utf8))), .dns(keep(Array("a.b.example.com".utf8))),
        .ip(keep([192, 0, 2, 1])), .ip(keep([0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0,
                                                                              count: 11) + [1])),
        .email(keep(Array("alice@example.com".utf8))),
    ]

    static func certificate(_ input: UnsafeRawBufferPointer) -> IoTCertError? {
        let c: Certificate
        do {
            c = try Certificate(der: input)
        } catch {
            return error
        }
        checkViews(c, input)
        checkSubjectAltName(c)
        checkConstraints(c)
        checkPolicies(c)
        checkOwnSignature(c)
        return nil
    }

    static func checkViews(_ c: Certificate, _ input: UnsafeRawBufferPointer) {
        expect(same(c.der, input), "certificate view is not the input")
        for v in [c.tbs, c.signature, c.serial, c.issuer, c.subject, c.publicKey.key,
                  c.publicKey.exponent, c.extensions.subjectKeyID,
                  c.extensions.authorityKeyID, c.extensions.permittedSubtrees,
                  c.extensions.excludedSubtrees, c.extensions.subjectAltName ?? .empty] {
            expect(within(v, c.tbs) || within(v, input), "view outside the certificate")
        }
        expect(within(c.subject, c.tbs) && within(c.issuer, c.tbs), "names outside the TBS")
        expect(c.version >= 1 && c.version <= 3, "version")
        expect(c.serial.count >= 1 && c.serial.count <= serialLengthMax + 1, "serial length")
        // 0000-01-01 (GeneralizedTime) ... 9999-12-31T23:59:59Z
        for t in [c.notBefore, c.notAfter] {
            expect(t >= -62_167_219_200 && t <= 253_402_300_799, "time out of X.509's range")
        }
        guard let subject = try? locateSubject(input) else {
            fatalError("fuzz invariant: locateSubject fails on a parsed certificate")
        }
        expect(same(subject, c.subject), "locateSubject disagrees with the parser")
        // Self-issued is chaining's name match (RFC 5280 7.1): implied by equal encodings,
        // symmetric, and the same as namesMatch.
        expect(!c.issuer.bytesEqual(c.subject) || c.isSelfIssued, "isSelfIssued")
        expect(namesMatch(c.issuer, c.subject) == namesMatch(c.subject, c.issuer),
               "namesMatch is not symmetric")
        expect(c.isSelfIssued == namesMatch(c.issuer, c.subject), "isSelfIssued")
        expect(namesMatch(c.subject, c.subject), "namesMatch is not reflexive")
    }

    /// Each subjectAltName entry must match a peer name made of itself.
    static func checkSubjectAltName(_ c: Certificate) {
        for peer in fixedPeers { _ = try? checkPeerName(c, peer) }
        guard let san = c.extensions.subjectAltName else {
            expect((try? checkPeerName(c, fixedPeers[0])) == nil, "peer matched without a SAN")
            return
        }
        var it = GeneralNameIterator(san)
        var count = 0
        while let name = it.next() {
            count += 1
            switch name.kind {
            case .dnsName where isValidDNSName(name.value, allowWildcard: false):
                expect((try? checkPeerName(c, .dns(name.value))) != nil, "dNSName ≠ itself")
            case .dnsName where isValidDNSName(name.value, allowWildcard: true):
                // "*.rest" stands for "x.rest"
                var host: [UInt8] = [0x78]
                host += Array(name.value)[1...]
                let matched = host.withUnsafeBytes { (try? checkPeerName(c, .dns($0))) != nil }
                expect(matched, "wildcard does not cover one label")
            case .ipAddress:
                expect((try? checkPeerName(c, .ip(name.value))) != nil, "iPAddress ≠ itself")
                checkIPText(name.value)
            case .rfc822Name where splitMailbox(name.value) != nil:
                expect((try? checkPeerName(c, .email(name.value))) != nil, "rfc822Name ≠ itself")
            default:
                break
            }
        }
        var r = DERReader(san)
        expect(count == r.countValuesConsuming(), "GeneralNameIterator stopped early")
    }

    static func checkConstraints(_ c: Certificate) {
        let e = c.extensions
        var sets = constraintSets
        if e.hasNameConstraints {
            sets.append(NameConstraintSet(permitted: e.permittedSubtrees,
                                          excluded: e.excludedSubtrees))
            for subtrees in [e.permittedSubtrees, e.excludedSubtrees] {
                var it = GeneralSubtreeIterator(subtrees)
                var seen = 0
                while it.next() != nil { seen += 1 }
                var r = DERReader(subtrees)
                expect(seen == r.countValuesConsuming(), "GeneralSubtreeIterator stopped early")
            }
        }
        for set in sets {
            var budget = ComparisonBudget(max: 5_000)
            _ = try? checkNameConstraints(set, subject: c.subject,
                                          subjectAltName: e.subjectAltName, budget: &budget)
            expect(budget.used <= budget.max, "comparison budget overspent")
        }
    }

    static func checkPolicies(_ c: Certificate) {
        for purpose in [Purpose.any, .serverAuth, .clientAuth] {
            _ = try? checkLeaf(c, purpose: purpose)
            for below in 0..<2 {
                _ = try? checkIssuer(c, intermediatesBelow: below, purpose: purpose)
            }
        }
        _ = try? checkAnchorCertificate(c)
        _ = try? checkCommonNames(c)
        let anchor = TrustAnchor(certificate: c)
        expect(same(anchor.subject, c.subject), "anchor subject")
    }

    /// The port may call a certificate's signature bad, never blame the platform for it: a
    /// platform error ends a whole path search (PathSteps `record`), so a hostile candidate
    /// that provoked one would hide every other path.
    static func checkOwnSignature(_ c: Certificate) {
        guard (try? checkKeyPolicy(c.publicKey)) != nil, !c.signatureAlgorithm.isWeak else {
            return
        }
        do {
            try Crypto.verify(c.tbs, signature: c.signature, algorithm: c.signatureAlgorithm,
                              key: c.publicKey)
        } catch {
            expect(error == .pathBadSignature, "the port blames the platform for a certificate")
        }
        var memoKey = [UInt8](repeating: 0, count: 32)
        memoKey.withUnsafeMutableBytes {
            expect((try? SignatureMemo.key(child: c, issuer: c.publicKey, into: $0)) != nil,
                   "memo key")
        }
    }
}

extension DERReader {
    fileprivate mutating func countValuesConsuming() -> Int {
        var n = 0
        while !isAtEnd, (try? read()) != nil { n += 1 }
        return n
    }
}

// MARK: - fuzz-bundle: Bundle.open and every accessor

extension FuzzHarness {
    /// Mode byte (the input's first): bit 0 rewrites total length and trailer digest so that
    /// the input gets past the integrity check; bit 1 pins the bundle-signing key of
    /// Tests/Fuzz/data; bit 2 asks for a sequence number above 5.
    nonisolated(unsafe) static let probe = keep([UInt8](repeating: 0xA5, count: 20))
    nonisolated(unsafe) static let bundleSigningKey =
        keep(file("Tests/Fuzz/data/bundle-signing-key.pub"))

    static func bundle(_ input: UnsafeRawBufferPointer) -> IoTCertError? {
        guard input.count >= 1 else { return nil }
        let mode = input[0]
        var bytes = Array(input[1...])
        if mode & 1 != 0 { fixTrailer(&bytes) }
        // An allocation of the exact size, so that AddressSanitizer sees any read past the end.
        let exact = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        defer { exact.deallocate() }
        exact.copyBytes(from: bytes)
        let b = UnsafeRawBufferPointer(exact)
        let bundle: Bundle
        do {
            bundle = try Bundle.open(b, signingKey: mode & 2 != 0 ? bundleSigningKey : nil,
                                     currentSequence: mode & 4 != 0 ? 5 : nil)
        } catch {
            return error
        }
        walk(bundle, b)
        verifyAgainst(bundle)
        return nil
    }

    /// Sets the total length to the input's and recomputes the trailer digest.
    static func fixTrailer(_ b: inout [UInt8]) {
        guard b.count >= BundleLayout.headerLength else { return }
        let n = UInt32(truncatingIfNeeded: b.count)
        for i in 0..<4 { b[8 + i] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(i))) }
        let signed = b[6] & 1 != 0
        let trailer = signed ? BundleLayout.signedTrailerLength
            : BundleLayout.unsignedTrailerLength
        guard b.count >= BundleLayout.headerLength + trailer else { return }
        let contentEnd = b.count - trailer
        b.withUnsafeMutableBytes { m in
            let all = UnsafeRawBufferPointer(m)
            let out = UnsafeMutableRawBufferPointer(rebasing: m[contentEnd..<(contentEnd + 32)])
            try! Crypto.hash(IOTCERT_HASH_SHA256, all.slice(0, contentEnd), into: out)
        }
    }

    static func walk(_ bundle: Bundle, _ b: UnsafeRawBufferPointer) {
        expect(bundle.anchorCount >= 1, "a bundle without anchors opened")
        for i in 0..<bundle.anchorCount {
            let a = bundle.anchor(i)
            expect(a.notAfter != Int64.min, "an anchor validated by open does not decode")
            for v in [a.subject, a.subjectDigest, a.publicKey.key, a.publicKey.exponent,
                      a.permittedSubtrees, a.excludedSubtrees] {
                expect(within(v, b), "anchor view outside the bundle")
            }
            expect((a.subject.count > 0) != (a.subjectDigest.count > 0), "anchor subject form")
            if a.subject.count > 0 {
                expect(bundle.anchorSubjectMatches(i, name: a.subject,
                                                   digest: UnsafeRawBufferPointer.empty),
                       "a full-subject anchor does not match its own name")
            } else {
                expect(bundle.anchorSubjectMatches(i, name: .empty, digest: a.subjectDigest),
                       "a digest anchor does not match its own digest")
            }
            if a.hasNameConstraints {
                var budget = ComparisonBudget(max: 1_000)
                _ = try? checkNameConstraints(
                    NameConstraintSet(permitted: a.permittedSubtrees,
                                      excluded: a.excludedSubtrees),
                    subject: a.subject, subjectAltName: nil, budget: &budget)
            }
        }
        for i in 0..<bundle.certificateCount {
            let der = bundle.certificate(i)
            expect(within(der, b) && der.count >= 1, "stored certificate outside the bundle")
            _ = certificate(der)
        }
        for i in 0..<bundle.deviceChainCount {
            let der = bundle.deviceCertificate(i)
            expect(within(der, b) && der.count >= 1, "device certificate outside the bundle")
            _ = certificate(der)
        }
        let revocations = bundle.revocationList
        expect(within(revocations.bytes, b), "revocations outside the bundle")
        for length in [1, 16, 20] {
            _ = revocations.contains(issuerKeyID: probe.slice(0, 16),
                                     serial: probe.slice(0, length))
        }
        let p = bundle.policy
        expect(p.depthMax >= 1 && p.depthMax <= Limits.depthCeiling, "policy depth")
    }

    /// The first stored (or device) certificate verified against the bundle as a store.
    static func verifyAgainst(_ bundle: Bundle) {
        let der: UnsafeRawBufferPointer
        if bundle.deviceChainCount > 0 {
            der = bundle.deviceCertificate(0)
        } else if bundle.certificateCount > 0 {
            der = bundle.certificate(0)
        } else {
            return
        }
        var buffer = iotcert_buffer(data: der.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                    len: der.count)
        withUnsafePointer(to: &buffer) { p in
            let presented = CertificateList(UnsafeBufferPointer(start: p, count: 1))
            var options = VerifyOptions(time: nil, purpose: .any)
            options.limits.signaturesMax = 8
            _ = runVerify(presented, TrustStore(bundle: bundle), options)
        }
    }
}

// MARK: - fuzz-verify: a fuzzed chain against a fixed trust store, with a memo

extension FuzzHarness {
    /// The fixed store: anchors and stored certificates listed in Tests/Fuzz/data (made by
    /// make-corpus.py from the test PKI), its revocation list, and the same packed as a bundle.
    struct VerifyStore {
        let certificates: TrustStore
        let bundle: TrustStore
    }

    static let buildTime: Int64 = 1_764_633_600  // T0 - 30 days, the scenarios' build time
    static let t0: Int64 = 1_767_225_600

    nonisolated(unsafe) static let verifyStore: VerifyStore = {
        var anchors: [UnsafeRawBufferPointer] = []
        var stored: [UnsafeRawBufferPointer] = []
        let list = String(decoding: file("Tests/Fuzz/data/verify-anchors.txt"), as: UTF8.self)
        for line in list.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            let der = keep(file("Tests/Fixtures/" + parts[1]))
            if parts[0] == "anchor" { anchors.append(der) } else { stored.append(der) }
        }
        let revocations: RevocationList
        do {
            revocations = try RevocationList(keep(file("Tests/Fuzz/data/verify-revocations.bin")))
        } catch {
            fatalError("fuzz harness: bad revocation list \(error)")
        }
        let store = TrustStore(anchors: keepList(anchors), intermediates: keepList(stored),
                               revocations: revocations, buildTime: buildTime)
        let bundle: Bundle
        do {
            bundle = try Bundle.open(keep(file("Tests/Fuzz/data/verify-store.bundle")))
        } catch {
            fatalError("fuzz harness: the verify store bundle does not open: \(error)")
        }
        return VerifyStore(certificates: store, bundle: TrustStore(bundle: bundle))
    }()

    static let memoSlots = 64
    nonisolated(unsafe) static let memoMemory = UnsafeMutableRawBufferPointer.allocate(
        byteCount: SignatureMemoLayout.bytes(slots: memoSlots), alignment: 16)
    nonisolated(unsafe) static let workspace = UnsafeMutableRawBufferPointer.allocate(
        byteCount: workspaceBytesNeeded(Limits()) + 2 * MemoryLayout<Frame>.stride * 16,
        alignment: 16)

    /// Input: flags, peer length n, n bytes of peer name, then 1...4 certificates, each a
    /// big-endian u16 length and that many bytes (the last one takes what is left when the
    /// length runs past the end). Flags: bits 0-1 purpose (any, server, client, server);
    /// bits 2-3 time (T0, unknown, 2023-01-02, T0 + 400 days); bits 4-5 peer kind (none, DNS,
    /// IP, email); bit 6 the store as a bundle; bit 7 tight limits.
    static func verify(_ input: UnsafeRawBufferPointer) -> IoTCertError? {
        guard input.count >= 2 else { return nil }
        let flags = input[0]
        let peerLength = Int(input[1])
        guard input.count >= 2 + peerLength else { return nil }
        let peer = input.slice(2, peerLength)
        var at = 2 + peerLength
        // Each certificate in an allocation of its exact size (AddressSanitizer's redzones).
        var copies: [UnsafeMutableRawBufferPointer] = []
        defer { for c in copies { c.deallocate() } }
        var chain: [iotcert_buffer] = []
        while at < input.count && chain.count < 4 {
            var length = input.count - at
            if length >= 2 {
                length = min(Int(input[at]) << 8 | Int(input[at + 1]), length - 2)
                at += 2
            }
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 1)
            copy.copyBytes(from: input.slice(at, length))
            copies.append(copy)
            chain.append(iotcert_buffer(
                data: copy.baseAddress?.assumingMemoryBound(to: UInt8.self), len: length))
            at += length
        }
        guard !chain.isEmpty else { return nil }

        let times: [Int64?] = [t0, nil, 1_672_617_600, t0 + 400 * 86_400]
        let purposes: [Purpose] = [.any, .serverAuth, .clientAuth, .serverAuth]
        var options = VerifyOptions(time: times[Int(flags >> 2 & 3)],
                                    purpose: purposes[Int(flags & 3)])
        switch flags >> 4 & 3 {
        case 1: options.peerName = .dns(peer)
        case 2: options.peerName = .ip(peer)
        case 3: options.peerName = .email(peer)
        default: break
        }
        if flags & 0x80 != 0 {
            options.limits.depthMax = 3
            options.limits.presentedMax = 3
            options.limits.candidatesMax = 2
            options.limits.signaturesMax = 3
            options.limits.nameComparisonsMax = 8
            options.limits.stepsMax = 12
        }
        let store = flags & 0x40 != 0 ? verifyStore.bundle : verifyStore.certificates
        return chain.withUnsafeBufferPointer { list in
            verifyTwice(CertificateList(list), store, options)
        }
    }

    /// Verifies with a fresh memo, then again with the memo the first run filled: a memo hit
    /// skips signature math and must change nothing else, unless the first run was stopped by
    /// its signature budget (which memo hits do not spend).
    static func verifyTwice(_ presented: CertificateList, _ store: TrustStore,
                            _ base: VerifyOptions) -> IoTCertError? {
        var options = base
        let memo: SignatureMemo
        do {
            memo = try SignatureMemo.format(memoMemory)
        } catch {
            fatalError("fuzz harness: memo format \(error)")
        }
        options.memo = memo
        // (A first run may hit already: the search can check one link twice.)
        let first = runVerify(presented, store, options)
        guard memo.count > 0 else { return first.error }
        let second = runVerify(presented, store, options)
        guard first.error != .pathSignatureBudgetExhausted else { return first.error }
        expect(second.error == first.error && second.failingIndex == first.failingIndex
               && second.pathLength == first.pathLength
               && second.anchorIndex == first.anchorIndex && second.steps == first.steps,
               "a memo hit changed the verdict")
        for i in 0..<Int(first.pathLength) {
            expect(second.path[i] == first.path[i], "a memo hit changed the path")
        }
        expect(Int(second.signaturesChecked) + Int(second.memoHits)
               == Int(first.signaturesChecked) + Int(first.memoHits),
               "memo hits and signature checks do not add up")
        expect(second.memoHits >= 1, "a filled memo missed")
        return first.error
    }

    /// One verification, with the invariants every result must meet.
    static func runVerify(_ presented: CertificateList, _ store: TrustStore,
                          _ options: VerifyOptions) -> VerifyResult {
        let r = IoTCert.verify(presented: presented, store: store, options: options,
                       workspace: workspace)
        let total = presented.count + store.storedCount
        expect(Int(r.workspaceHighWater) <= workspace.count, "workspace overrun")
        expect(r.signaturesChecked <= options.limits.signaturesMax, "signature budget overspent")
        expect(r.steps <= options.limits.stepsMax, "step budget overspent")
        expect(r.nameComparisons <= options.limits.nameComparisonsMax, "comparisons overspent")
        if r.error == nil {
            expect(r.pathLength >= 1 && r.pathLength <= options.limits.depthMax, "path length")
            expect(r.path[0] == 0, "the path does not start at the leaf")
            expect(r.anchorIndex >= 0 && Int(r.anchorIndex) < store.anchorCount, "anchor index")
            expect(r.failingIndex == -1, "a valid path blames a certificate")
            for i in 0..<Int(r.pathLength) {
                expect(Int(r.path[i]) < total, "path index out of range")
                for j in 0..<i { expect(r.path[i] != r.path[j], "a certificate twice on a path") }
            }
        } else {
            expect(r.pathLength == 0 && r.anchorIndex == -1, "a failure reports a path")
            expect(r.failingIndex >= -1 && Int(r.failingIndex) < total, "failing index")
            expect(r.error != .cryptoFailure && r.error != .cryptoUnsupported,
                   "a certificate made the port report a platform failure")
        }
        return r
    }
}
