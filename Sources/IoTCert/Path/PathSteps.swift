// The two kinds of step of the path search: ending the path at a trust anchor, and
// extending it by an intermediate. Each applies every check that the new link makes
// possible, cheap ones first, the signature last but one (name constraints and revocation
// only mean something once the issuer is known to be the real one).

import CIoTCert

extension PathSearch {
    /// The checks of ending the path at anchor `i`. Never inlined: the anchor (and, for a
    /// store of certificates, its parse) lives only in this frame, written in place by the
    /// trust source (a returned TrustAnchor would be a second copy).
    @inline(never)
    mutating func linkAnchor(_ i: Int, _ frames: UnsafeMutablePointer<Frame>, _ depth: Int)
        throws(IoTCertError)
    {
        try withUnsafeTemporaryAllocation(of: AnchorOutcome.self, capacity: 1) {
            (buffer) throws(IoTCertError) in
            let out = buffer.baseAddress!
            store.writeAnchor(i, strict: options.pointee.strict, into: out)
            if let error = out.pointee.error { throw error }
            let anchor = UnsafePointer(out).pointer(to: \.anchor)!
            try time.checkAnchor(notBefore: anchor.pointee.notBefore,
                                 notAfter: anchor.pointee.notAfter)
            try checkAnchorConstraints(anchor, intermediatesBelow: intermediates(frames, depth),
                                       purpose: options.pointee.purpose)
            try checkKeyAllowed(anchor.pointee.publicKey)
            try checkLink(frames, depth, issuerKey: anchor.pointee.publicKey,
                          constraints: anchor.pointee.hasNameConstraints
                              ? NameConstraintSet(permitted: anchor.pointee.permittedSubtrees,
                                                  excluded: anchor.pointee.excludedSubtrees)
                              : nil)
        }
    }

    /// Tries certificate k as the issuer of the top certificate, reading it straight into
    /// the next frame. True when every check passes and the path grew; false when it is
    /// skipped; throws when it fails (the caller records the failure).
    mutating func tryIssuer(_ k: Int, _ frames: UnsafeMutablePointer<Frame>, _ depth: Int)
        throws(IoTCertError) -> Bool
    {
        for i in 0..<depth where Int(frames[i].index) == k { return false }  // on the path
        guard depth < Int(limits.depthMax) else { throw .pathDepthExceeded }
        guard try admit(k, frames, depth) else { return false }
        let issuer = UnsafePointer(frames + depth)
        try checkLink(frames, depth, issuerKey: issuer.pointee.certificate.publicKey,
                      constraints: PathSearch.nameConstraints(of: issuer))
        try prepare(frames + depth)
        return true
    }

    /// The name constraints a certificate on the path imposes, read through the pointer (a
    /// copy of its extensions would sit in the caller's frame during the whole link check).
    @inline(never)
    static func nameConstraints(of c: UnsafePointer<Frame>) -> NameConstraintSet? {
        guard c.pointee.certificate.extensions.hasNameConstraints else { return nil }
        return NameConstraintSet(permitted: c.pointee.certificate.extensions.permittedSubtrees,
                                 excluded: c.pointee.certificate.extensions.excludedSubtrees)
    }

    /// Reads certificate k into frame `depth` and checks what it must be as an issuer.
    /// False when it is the same logical CA as one already on the path (a cycle).
    @inline(never)
    mutating func admit(_ k: Int, _ frames: UnsafeMutablePointer<Frame>, _ depth: Int)
        throws(IoTCertError) -> Bool
    {
        let slot = frames + depth
        try Frame.fill(slot, der: der(k), index: UInt16(k))
        let c = UnsafePointer(slot)
        for i in 0..<depth {
            let f = UnsafePointer(frames + i)
            if f.pointee.certificate.subject.bytesEqual(c.pointee.certificate.subject)
                && f.pointee.certificate.publicKey.sameKey(c.pointee.certificate.publicKey)
            {
                return false
            }
        }
        try checkAdmitted(c, intermediatesBelow: intermediates(frames, depth))
        return true
    }

    /// An admitted candidate's own checks, in a frame of their own (not alive while the next
    /// candidate is parsed).
    @inline(never)
    mutating func checkAdmitted(_ c: UnsafePointer<Frame>, intermediatesBelow: Int)
        throws(IoTCertError)
    {
        try time.check(notBefore: c.pointee.certificate.notBefore,
                       notAfter: c.pointee.certificate.notAfter)
        try checkIssuer(c.pointee.certificate, intermediatesBelow: intermediatesBelow,
                        purpose: options.pointee.purpose, strict: options.pointee.strict)
        try checkKeyAllowed(c.pointee.certificate.publicKey)
    }

    /// What a new issuer (certificate or anchor) with `issuerKey` proves or constrains about
    /// the path below it: the top certificate's signature, then the issuer's name
    /// constraints over every certificate below, then the top certificate's revocation.
    @inline(never)
    mutating func checkLink(_ frames: UnsafeMutablePointer<Frame>, _ depth: Int,
                            issuerKey: PublicKey, constraints: NameConstraintSet?)
        throws(IoTCertError)
    {
        let child = UnsafePointer(frames + (depth - 1))
        let certificate = (UnsafeRawPointer(child)
            + MemoryLayout<Frame>.offset(of: \Frame.certificate)!)
            .assumingMemoryBound(to: Certificate.self)
        try checkSignature(of: certificate, by: issuerKey)
        if let constraints { try applyNameConstraints(constraints, frames, depth) }
        try checkRevocation(of: certificate, by: issuerKey)
    }

    /// The algorithm policy, and the bundle's list of allowed key algorithms.
    @inline(never)
    mutating func checkKeyAllowed(_ key: PublicKey) throws(IoTCertError) {
        try checkKeyPolicy(key)
        guard store.policy.allows(key.algorithm) else { throw .certWeakKey }
    }

    /// Non-self-issued intermediates on the path (frames 1..<depth), for pathLen.
    @inline(never)
    mutating func intermediates(_ frames: UnsafeMutablePointer<Frame>, _ depth: Int) -> Int {
        var count = 0
        for i in 1..<max(depth, 1) where !frames[i].certificate.isSelfIssued { count += 1 }
        return count
    }

    /// Spends one unit of the signature budget, then verifies, unless the memo already
    /// holds this (issuer key, certificate) pair. Weak algorithms are refused either way.
    /// The certificate comes by pointer: a value would be a copy in the caller's frame.
    @inline(__always)
    mutating func checkSignature(of child: UnsafePointer<Certificate>, by key: PublicKey)
        throws(IoTCertError)
    {
        guard !child.pointee.signatureAlgorithm.isWeak else {
            throw .certWeakSignatureAlgorithm
        }
        guard options.pointee.memo != nil else {
            return try verifySignature(of: child, by: key)
        }
        try checkSignatureWithMemo(of: child, by: key)
    }

    /// checkSignature with a memo: its lookup goes through the memo's functions. Kept out of
    /// line so that a verification without a memo carries none of its frame.
    @inline(never)
    private mutating func checkSignatureWithMemo(of child: UnsafePointer<Certificate>,
                                                 by key: PublicKey) throws(IoTCertError)
    {
        guard let memo = options.pointee.memo else {
            return try verifySignature(of: child, by: key)
        }
        // A SignatureMemo exists only once the memo's functions are installed.
        guard let functions = memoFunctions else { throw .invalidArgument }
        var memoKey = DigestBuffer()
        try withUnsafeMutableBytes(of: &memoKey) { (buffer) throws(IoTCertError) in
            let k = buffer.baseAddress!
            let found = withUnsafePointer(to: memo) { m in
                withUnsafePointer(to: key) {
                    functions.lookup(m, iotcert_buffer(child.pointee.der), $0, k)
                }
            }
            guard found >= 0 else { throw .cryptoFailure }
            if found == 1 {
                // Saturates: only stepsMax (32 bits) bounds the hits, not signaturesMax.
                if memoHits < UInt16.max { memoHits += 1 }
                return
            }
            try verifySignature(of: child, by: key)
            withUnsafePointer(to: memo) { functions.record($0, k) }
        }
    }

    private mutating func verifySignature(of child: UnsafePointer<Certificate>,
                                          by key: PublicKey) throws(IoTCertError)
    {
        guard signaturesUsed < limits.signaturesMax else {
            throw .pathSignatureBudgetExhausted
        }
        signaturesUsed += 1
        try Crypto.verify(child.pointee.tbs, signature: child.pointee.signature,
                          algorithm: child.pointee.signatureAlgorithm, key: key)
    }

    /// Constraints of a new issuer over every certificate below it; self-issued
    /// intermediates are exempt (RFC 5280 6.1.3 (b)), the leaf never is.
    mutating func applyNameConstraints(_ constraints: NameConstraintSet,
                                       _ frames: UnsafeMutablePointer<Frame>,
                                       _ depth: Int) throws(IoTCertError) {
        for i in 0..<depth {
            let c = UnsafePointer(frames + i)
            if i > 0 && c.pointee.certificate.isSelfIssued { continue }
            do {
                try checkNameConstraints(constraints, subject: c.pointee.certificate.subject,
                                         subjectAltName: c.pointee.certificate.extensions
                                             .subjectAltName,
                                         budget: &comparisons)
            } catch let error {
                if error == .pathNameConstraintViolation { failingIndex = Int32(frames[i].index) }
                throw error
            }
        }
    }

    mutating func checkRevocation(of child: UnsafePointer<Certificate>, by key: PublicKey)
        throws(IoTCertError)
    {
        guard store.hasRevocations else { return }
        var id = DigestBuffer()
        let revoked = try withUnsafeMutableBytes(of: &id) {
            (buffer) throws(IoTCertError) -> Bool in
            let out = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<revocationIssuerIDLength])
            try Crypto.keyID(key, into: out)
            return store.isRevoked(issuerKeyID: UnsafeRawBufferPointer(out),
                                   serial: child.pointee.serial)
        }
        if revoked { throw .pathRevoked }
    }

    /// Keeps the most specific failure; budget exhaustion and platform failures end the
    /// whole search at once.
    @inline(never)
    mutating func record(_ error: IoTCertError, blaming index: Int32) throws(IoTCertError) {
        switch error {
        case .pathSignatureBudgetExhausted, .pathNameConstraintBudgetExhausted,
            .pathStepBudgetExhausted, .pathCandidatesExceeded, .cryptoFailure,
            .cryptoUnsupported, .workspaceExhausted:
            failingIndex = -1
            throw error
        default:
            break
        }
        let r = rank(error)
        if r > failureRank {
            failure = error
            failureRank = r
            failingIndex = index
        }
    }
}

/// How much a failure says about why no path exists; higher is more specific. A wrong-key
/// candidate (bad signature) says least: a same-named certificate was probably never the
/// issuer, and a dead end (no issuer named at all) says more than that. A revoked
/// certificate says most.
func rank(_ error: IoTCertError) -> Int {
    switch error {
    case .pathBadSignature: return 1
    case .pathNoTrustAnchor: return 2
    case .pathDepthExceeded: return 3
    case .pathExpired, .pathNotYetValid, .pathAnchorExpired, .pathAnchorNotYetValid: return 4
    case .pathRevoked: return 6
    default:
        // Malformed candidates rank below policy failures of well-formed ones.
        return error.rawValue < 128 ? 3 : 5
    }
}
