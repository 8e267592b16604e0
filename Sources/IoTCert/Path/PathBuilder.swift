// Path building and path validation as one depth-first search (Sleevi's rule, RFC 4158):
// each candidate issuer is fully checked against the path below it before the search goes
// deeper, so a failed candidate simply makes the search try the next one. The stack is an
// array of frames in the caller's workspace; there is no recursion.
//
// Candidates for the issuer of a certificate are, in order: trust anchors whose subject is
// the certificate's issuer name; then certificates (presented, then stored) with that
// subject whose subjectKeyIdentifier equals the certificate's authorityKeyIdentifier; then
// the other certificates with that subject. Key identifiers only order the search.
//
// Cycles cannot loop: a certificate already on the path, or another certificate with the
// same subject and key (the same logical CA), is never a candidate again; and the path is
// never longer than depthMax.

import CIoTCert

/// One level of the search: a certificate on the current path and where the search stands
/// among its candidate issuers.
struct Frame {
    var certificate: Certificate
    /// Its number: presented 0..<n, then stored n..<n+m.
    var index: UInt16
    /// Next candidate position (see `PathSearch.nextCandidate`).
    var cursor: UInt32 = 0
    /// Name-matching candidates tried so far.
    var candidatesTried: UInt8 = 0
    /// The first 16 bytes of SHA-256 over the issuer name, for anchors stored by digest
    /// (computed only when the trust store is a bundle; over the leaf's subject while
    /// directAnchor looks for the leaf among the anchors).
    var issuerDigest: (UInt64, UInt64) = (0, 0)

    init(certificate: Certificate, index: UInt16) {
        self.certificate = certificate
        self.index = index
    }

    /// Reads `der` straight into `slot` (workspace memory), so that no whole Frame or
    /// Certificate is assembled on the stack and copied.
    @inline(never)
    static func fill(_ slot: UnsafeMutablePointer<Frame>, der: UnsafeRawBufferPointer,
                     index: UInt16) throws(IoTCertError) {
        let raw = UnsafeMutableRawPointer(slot)
        // Every field is plain data; zero them, then let the parser write the certificate.
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<Frame>.size)
        let certificate = (raw + MemoryLayout<Frame>.offset(of: \Frame.certificate)!)
            .assumingMemoryBound(to: Certificate.self)
        slot.pointee.index = index
        try Certificate.read(der, into: certificate)
    }
}

/// The workspace one verification needs with `limits`: its frames, aligned.
public func workspaceBytesNeeded(_ limits: Limits) -> Int {
    Workspace.bytesNeeded(Frame.self, count: Int(limits.depthMax))
}

/// Verifies that the presented chain (leaf first, then any certificates in any order) leads
/// to a trust anchor of `store` under `options`, using only `workspace` for memory.
public func verify(presented: CertificateList, store: TrustStore, options: VerifyOptions,
                   workspace: UnsafeMutableRawBufferPointer) -> VerifyResult {
    withUnsafePointer(to: store) { s in
        withUnsafePointer(to: options) {
            verify(presented: presented, store: TrustStoreReference(s), options: $0,
                   workspace: workspace)
        }
    }
}

/// `verify` over a trust store read in place (the C API's, inside the caller's iotcert_trust),
/// with the options read in place too.
func verify(presented: CertificateList, store: TrustStoreReference,
            options: UnsafePointer<VerifyOptions>,
            workspace: UnsafeMutableRawBufferPointer) -> VerifyResult {
    var result = VerifyResult()
    var memory = Workspace(workspace)
    var search = PathSearch(presented: presented, store: store, options: options)
    do {
        try search.validateArguments()
        let frames = try memory.allocate(Frame.self, count: Int(search.limits.depthMax))
        try search.run(frames, &result)
    } catch {
        result.error = error
        result.failingIndex = search.failingIndex
    }
    result.signaturesChecked = search.signaturesUsed
    result.memoHits = search.memoHits
    result.steps = search.steps
    result.nameComparisons = search.comparisons.used
    result.workspaceHighWater = UInt32(truncatingIfNeeded: memory.highWater)
    return result
}

/// The mutable state of one search. Its helpers that are not inlined are `mutating` even
/// when they only read: a non-mutating call from a mutating method passes a copy of the
/// whole state (140 bytes on the M4) in the caller's frame; a mutating one passes its address.
struct PathSearch {
    let presented: CertificateList
    let store: TrustStoreReference
    /// The caller's options, in place (a copy would add their 54 bytes to this state, and
    /// the code to copy them). Their limits are validated as given.
    let options: UnsafePointer<VerifyOptions>
    /// The caller's limits with depthMax and signaturesMax bounded by the bundle's policy.
    let limits: Limits
    let time: VerificationTime
    var signaturesUsed: UInt16 = 0
    var memoHits: UInt16 = 0
    var steps: UInt32 = 0
    var comparisons: ComparisonBudget
    /// The most specific failure so far, with its rank and the certificate it concerns.
    var failure: IoTCertError = .pathNoTrustAnchor
    var failureRank = -1
    var failingIndex: Int32 = -1

    init(presented: CertificateList, store: TrustStoreReference,
         options: UnsafePointer<VerifyOptions>) {
        self.presented = presented
        self.store = store
        self.options = options
        // The bundle's policy bounds the caller's limits.
        var bounded = options.pointee.limits
        let policy = store.policy
        bounded.depthMax = min(bounded.depthMax, policy.depthMax)
        bounded.signaturesMax = min(bounded.signaturesMax, policy.signaturesMax)
        limits = bounded
        time = VerificationTime(now: options.pointee.time, lowerBound: store.buildTime)
        comparisons = ComparisonBudget(max: bounded.nameComparisonsMax)
    }

    var certificateCount: Int { presented.count + store.storedCount }

    mutating func der(_ k: Int) -> UnsafeRawBufferPointer {
        k < presented.count ? presented[k] : store.stored(k - presented.count)
    }

    func validateArguments() throws(IoTCertError) {
        let requested = options.pointee.limits
        guard requested.depthMax >= 1, requested.depthMax <= Limits.depthCeiling,
            requested.candidatesMax >= 1, requested.presentedMax >= 1
        else { throw .limitOutOfRange }
        guard presented.count >= 1 else { throw .invalidArgument }
        guard presented.count <= Int(requested.presentedMax) else { throw .tooManyCertificates }
        // Certificate numbers are UInt16 in the result; anchors are scanned per step.
        guard certificateCount < Int(UInt16.max), store.anchorCount < Int(UInt16.max) else {
            throw .tooManyTrustedCertificates
        }
        try validatePeerName(options.pointee.peerName)
    }

    /// The whole search. Returns with `result` filled on success; throws the most specific
    /// failure otherwise.
    mutating func run(_ frames: UnsafeMutablePointer<Frame>, _ result: inout VerifyResult)
        throws(IoTCertError)
    {
        // The leaf may itself be a trust anchor: then the path is the leaf alone.
        var anchor = try startPath(frames)
        var depth = 1
        // Bounded by stepsMax: every iteration is one step.
        while anchor < 0 {
            guard depth > 0 else { throw failure }
            steps += 1
            guard steps <= limits.stepsMax else { throw .pathStepBudgetExhausted }
            let top = frames + (depth - 1)
            guard let candidate = try nextCandidate(top) else {
                if top.pointee.candidatesTried == 0 {
                    // A dead end: nothing even names this certificate's issuer.
                    try record(.pathNoTrustAnchor, blaming: Int32(top.pointee.index))
                }
                depth -= 1
                continue
            }
            let k = candidate &- store.anchorCount
            do throws(IoTCertError) {
                if k < 0 {
                    try linkAnchor(candidate, frames, depth)
                    anchor = candidate
                } else if try tryIssuer(k, frames, depth) {
                    depth += 1
                }
            } catch let error {
                // The child for failures of the link itself (signature, revocation), the
                // certificate that broke a name constraint, else the candidate (-1: an anchor).
                var blamed = k < 0 ? -1 : Int32(truncatingIfNeeded: k)
                switch error {
                case .pathBadSignature, .pathRevoked, .certWeakSignatureAlgorithm:
                    blamed = Int32(top.pointee.index)
                case .pathNameConstraintViolation:
                    blamed = failingIndex
                default:
                    break
                }
                try record(error, blaming: blamed)
            }
        }
        result.anchorIndex = Int32(anchor)
        result.pathLength = UInt8(depth)
        for i in 0..<depth { result.path.set(i, frames[i].index) }
        failingIndex = -1
    }

    /// Reads the leaf into the first frame and applies what depends on it alone. Kept out
    /// of `run` (never inlined) so that its temporaries are off the stack during the search.
    /// Returns the anchor that is the leaf itself, or -1.
    @inline(never)
    mutating func startPath(_ frames: UnsafeMutablePointer<Frame>) throws(IoTCertError) -> Int {
        failingIndex = 0
        try Frame.fill(frames, der: presented[0], index: 0)
        let direct = try directAnchor(frames)
        try checkStartingCertificate(frames, trustedDirectly: direct >= 0)
        failingIndex = -1
        if direct < 0 { try prepare(frames) }
        return direct
    }

    @inline(never)
    mutating func checkStartingCertificate(_ frame: UnsafeMutablePointer<Frame>,
                                           trustedDirectly: Bool)
        throws(IoTCertError)
    {
        let leaf = UnsafePointer(frame)
        try time.check(notBefore: leaf.pointee.certificate.notBefore,
                       notAfter: leaf.pointee.certificate.notAfter)
        try checkLeaf(leaf.pointee.certificate, purpose: options.pointee.purpose,
                      strict: options.pointee.strict, trustedDirectly: trustedDirectly)
        try checkKeyAllowed(leaf.pointee.certificate.publicKey)
        try checkPeerName(leaf.pointee.certificate, options.pointee.peerName)
    }

    /// The trust anchor that is the leaf itself (the operator trusts this very self-issued
    /// certificate, as Go and Mbed TLS allow), or -1: an anchor certificate with the leaf's
    /// exact encoding, or a bundle anchor, unexpired, with the leaf's subject and key. A
    /// leaf that names another issuer is not trusted this way (Mbed TLS: its issuer's
    /// trust, not its own, is what the operator stated by listing it). Every
    /// check of the leaf still applies (time, purpose, name, algorithms); there is no
    /// signature to check, since trust comes from the anchor, not from an issuer.
    @inline(never)
    mutating func directAnchor(_ frame: UnsafeMutablePointer<Frame>) throws(IoTCertError) -> Int {
        let leaf = UnsafePointer(frame)
        guard leaf.pointee.certificate.isSelfIssued, store.anchorCount > 0 else { return -1 }
        // The subject's digest, where prepare later puts the issuer's.
        try digest(leaf.pointee.certificate.subject, into: frame)
        // Bounded by the store's anchor count (checked against UInt16.max).
        for i in 0..<store.anchorCount
        where anchorMatches(i, leaf.pointee.certificate.subject, frame) {
            // The leaf's own validity is checked as the leaf's; a bundle record's expiry too.
            let certificate = (UnsafeRawPointer(leaf)
                + MemoryLayout<Frame>.offset(of: \Frame.certificate)!)
                .assumingMemoryBound(to: Certificate.self)
            if store.anchorIsLeaf(i, certificate, now: time.now ?? time.lowerBound) { return i }
        }
        return -1
    }

    /// The next candidate for the issuer of `frame`'s certificate: an anchor number
    /// (< anchorCount) or anchorCount + a certificate number; nil when exhausted.
    /// Positions: [0, A) anchors; [A, A+T) certificates whose key id matches; [A+T, A+2T)
    /// the others (A anchors, T certificates). A and T are below UInt16.max
    /// (validateArguments), so no sum here can overflow.
    mutating func nextCandidate(_ frame: UnsafeMutablePointer<Frame>) throws(IoTCertError) -> Int? {
        let anchors = store.anchorCount
        let total = certificateCount
        let end = anchors &+ total &+ total
        while Int(frame.pointee.cursor) < end {
            let position = Int(frame.pointee.cursor)
            frame.pointee.cursor &+= 1
            let matched: Bool
            var candidate = position
            if position < anchors {
                matched = anchorMatches(position, frame.pointee.certificate.issuer, frame)
            } else {
                var k = position &- anchors
                let keyIDPass = k < total
                if !keyIDPass { k &-= total }
                candidate = anchors &+ k
                matched = candidateMatches(der(k), frame, keyIDPass: keyIDPass)
            }
            guard matched else { continue }
            // Compared before counting: candidatesMax may be 255, the counter's largest value.
            guard frame.pointee.candidatesTried < limits.candidatesMax else {
                throw .pathCandidatesExceeded
            }
            frame.pointee.candidatesTried &+= 1
            return candidate
        }
        return nil
    }

    /// Whether anchor i's subject is `name`, whose digest `digest` wrote into `frame`.
    @inline(never)
    mutating func anchorMatches(_ i: Int, _ name: UnsafeRawBufferPointer,
                                _ frame: UnsafeMutablePointer<Frame>) -> Bool {
        let digest = UnsafeRawBufferPointer(
            start: UnsafeRawPointer(frame) + MemoryLayout<Frame>.offset(of: \Frame.issuerDigest)!,
            count: subjectDigestLength)
        return store.anchorSubjectMatches(i, name: name, digest: digest)
    }

    /// Computes what a new frame needs before its candidates are scanned.
    mutating func prepare(_ frame: UnsafeMutablePointer<Frame>) throws(IoTCertError) {
        try digest(frame.pointee.certificate.issuer, into: frame)
    }

    /// Writes the first 16 bytes of SHA-256 over `name` into `frame`'s issuerDigest when the
    /// trust store may keep anchors by digest (the field stays zero otherwise).
    @inline(never)
    mutating func digest(_ name: UnsafeRawBufferPointer, into frame: UnsafeMutablePointer<Frame>)
        throws(IoTCertError)
    {
        guard store.matchesByDigest else { return }
        var full = DigestBuffer()
        try withUnsafeMutableBytes(of: &full) { (out) throws(IoTCertError) in
            try Crypto.hash(IOTCERT_HASH_SHA256, name, into: out)
        }
        frame.pointee.issuerDigest = (full.words.0, full.words.1)
    }

    /// Whether the certificate `der` has the issuer name of `frame`'s certificate as subject,
    /// and belongs to this pass: the key-id pass takes those whose subjectKeyIdentifier equals
    /// the child's authorityKeyIdentifier, the other pass the rest.
    @inline(never)
    mutating func candidateMatches(_ der: UnsafeRawBufferPointer,
                                   _ frame: UnsafeMutablePointer<Frame>,
                                   keyIDPass: Bool) -> Bool {
        guard let subject = try? locateSubject(der),
            namesMatch(subject, frame.pointee.certificate.issuer)
        else { return false }
        let wanted = frame.pointee.certificate.extensions.authorityKeyID
        guard wanted.count > 0 else { return !keyIDPass }
        // Only a hint: a shallow look for the identifier, no full parse. A candidate whose
        // identifier cannot be found goes to the second pass and fails there with its code.
        guard let keyID = try? locateSubjectKeyID(der) else { return !keyIDPass }
        return keyID.bytesEqual(wanted) == keyIDPass
    }
}
