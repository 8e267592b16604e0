// Choosing among certificates of one subject and key, as load balancers choose server
// certificates: ECDSA over RSA, SHA-2 over SHA-1, the longer key, then the longer validity.
// For two certificates of the same key, the key that differs is the issuer's, so "longer
// key" compares the keys that sign them; "longer validity" is the time each is usable in
// the deployment window, then the later expiry.

import IoTCert

struct Preference {
    let ecdsa: Bool
    let sha2: Bool
    let issuerBits: Int
    let usableSeconds: Int64
    let notAfter: Int64
    /// Input order: the first given wins a tie.
    let order: Int

    init(_ node: GraphNode, times: TimeSet) {
        let c = node.candidate.cert
        ecdsa = c.signatureAlgorithm.isECDSA
        sha2 = !c.signatureAlgorithm.isWeak
        issuerBits = node.issuerBits.max() ?? 0
        usableSeconds = times.length
        notAfter = c.notAfter
        order = node.candidate.decision
    }

    /// Whether `self` is preferred to `other`, and the criterion that decides it.
    func compare(_ other: Preference) -> (preferred: Bool, why: String) {
        if ecdsa != other.ecdsa { return (ecdsa, "an ECDSA signature is preferred over RSA") }
        if sha2 != other.sha2 { return (sha2, "a SHA-2 signature is preferred over SHA-1") }
        if issuerBits != other.issuerBits {
            return (issuerBits > other.issuerBits,
                    "a longer issuer key is preferred (\(max(issuerBits, other.issuerBits)) "
                        + "over \(min(issuerBits, other.issuerBits)) bits)")
        }
        if usableSeconds != other.usableSeconds {
            return (usableSeconds > other.usableSeconds,
                    "usable longer in the window is preferred")
        }
        if notAfter != other.notAfter { return (notAfter > other.notAfter, "expires later") }
        return (order < other.order, "equivalent for the device; the first given is kept")
    }
}

extension PackSelection {
    /// Keeps, in each group of one subject and key, the preferred certificate, and any
    /// other only for instants of the window the kept ones do not cover.
    func chooseAmongEquivalents(_ reachable: [(node: GraphNode, times: TimeSet)]) {
        // Groups of one subject and key (sameEntity), in the order of their first member,
        // built in one pass: linear in the number of intermediates.
        var groups: [[(node: GraphNode, times: TimeSet)]] = []
        var groupOf: [EntityKey: Int] = [:]
        for entry in reachable {
            let cert = entry.node.candidate.cert
            let key = EntityKey(subject: cert.subject, key: cert.key, exponent: cert.exponent)
            if let g = groupOf[key] {
                groups[g].append(entry)
            } else {
                groupOf[key] = groups.count
                groups.append([entry])
            }
        }
        for group in groups {
            let ranked = group.sorted {
                Preference($0.node, times: $0.times).compare(Preference($1.node, times: $1.times))
                    .preferred
            }
            var covered = TimeSet()
            var first: (node: GraphNode, times: TimeSet)?
            for member in ranked {
                let adds = member.times.subtracting(covered)
                if let best = first, adds.isEmpty {
                    let why = Preference(best.node, times: best.times)
                        .compare(Preference(member.node, times: member.times)).why
                    drop(member.node.candidate,
                         "superseded by \(best.node.candidate.cert.source): \(why)")
                    continue
                }
                let note = first.map { "kept beside \($0.node.candidate.cert.source): only it "
                    + "covers \(adds.text)" }
                    ?? (group.count > 1 ? "preferred among \(group.count) certificates of this "
                        + "subject and key" : "chains to a kept anchor")
                keepIntermediate(member.node.candidate, times: member.times, note: note)
                covered = covered.union(member.times)
                if first == nil { first = member }
            }
        }
    }

    func keepIntermediate(_ c: Candidate, times: TimeSet, note: String) {
        var warnings = rules.expiryWarning(c.cert.notAfter)
        if times != TimeSet([rules.window]) {
            warnings.append("usable only \(times.text) of the window")
        }
        keep(c, note, warnings: warnings)
        keptIntermediates.append(c)
    }
}
