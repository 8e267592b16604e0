// The intermediates `iotcert pack` keeps: those that chain to a kept anchor at some
// instant of the deployment window, and among certificates of one subject and key, the
// ones a load balancer would choose (see PackSelection.swift).

import IoTCert

/// An intermediate that may issue on the device, with its issuers in the graph.
struct GraphNode {
    let candidate: Candidate
    /// When it is itself valid inside the window.
    let own: TimeSet
    /// Kept anchors (indices into keptAnchors) and nodes whose key verifies it.
    var anchorIssuers: [Int] = []
    var nodeIssuers: [Int] = []
    /// Key sizes of those issuers, for the preference order.
    var issuerBits: [Int] = []
}

extension PackSelection {
    func selectIntermediates(_ inputs: [InputObject]) {
        parsedIntermediates = read(inputs, role: .intermediate)
        var nodes: [GraphNode] = []
        for c in parsedIntermediates {
            if let reason = issuerProblem(c.cert) ?? rules.outsideWindow(
                notBefore: c.cert.notBefore, notAfter: c.cert.notAfter)
            {
                drop(c, reason)
            } else if let anchor = keptAnchors.first(where: { $0.cert.sameEntity(c.cert) }) {
                drop(c, "its subject and key are trust anchor \(anchor.cert.source)'s: "
                    + "paths end at the anchor")
            } else {
                let lower = max(c.cert.notBefore, rules.window.lowerBound)
                let upper = min(c.cert.notAfter, rules.window.upperBound)
                nodes.append(GraphNode(candidate: c, own: TimeSet([lower...upper])))
            }
        }
        link(&nodes)
        let times = reachability(nodes)
        var reachable: [(node: GraphNode, times: TimeSet)] = []
        for (i, node) in nodes.enumerated() {
            if times[i].isEmpty {
                drop(node.candidate, unreachableReason(node, nodes, times))
            } else {
                reachable.append((node, times[i]))
            }
        }
        chooseAmongEquivalents(reachable)
    }

    /// Why the device would refuse `c` as an issuer whatever the path below it (the rules
    /// of the core's checkIssuer that do not depend on the path), or nil.
    func issuerProblem(_ c: HostCertificate) -> String? {
        let e = c.extensions
        let cannot = "it cannot issue on the device: "
        guard e.hasBasicConstraints, e.isCA else {
            return cannot + IoTCertError.pathIssuerNotCA.explained
        }
        if let usage = e.keyUsage, usage & (1 << KeyUsageBit.keyCertSign.rawValue) == 0 {
            return cannot + IoTCertError.pathIssuerKeyUsage.explained
        }
        if e.hasUnhandledCriticalExtension {
            return cannot + IoTCertError.pathUnknownCriticalExtension.explained
        }
        if let reason = rules.allows(c.publicKey) { return reason }
        // RFC 5280 profile rules the core enforces on every CA on a path.
        let profileBroken = !e.basicConstraintsCritical || e.subjectKeyID.count == 0
            || (!c.isSelfIssued && e.authorityKeyID.count == 0)
        if profileBroken { return cannot + IoTCertError.pathCertificateProfile.explained }
        if c.serial == [0] { return cannot + IoTCertError.certBadSerial.explained }
        if let eku = e.extendedKeyUsage, !eku.contains(.serverAuth), !eku.contains(.clientAuth),
            !eku.contains(.any)
        {
            return cannot + "its extended key usage allows neither serverAuth nor clientAuth"
        }
        return nil
    }

    /// Finds every issuer of every node: named as its issuer, and its key verifies it
    /// (one signature check per such pair, through the device's crypto port).
    func link(_ nodes: inout [GraphNode]) {
        // Candidates by subject: each certificate looks up its issuer's name once, so 2,000
        // intermediates cost 2,000 lookups rather than 4,000,000 name comparisons.
        var anchorsBySubject: [[UInt8]: [Int]] = [:]
        for (a, anchor) in keptAnchors.enumerated() {
            anchorsBySubject[anchor.cert.subject, default: []].append(a)
        }
        var nodesBySubject: [[UInt8]: [Int]] = [:]
        for (j, node) in nodes.enumerated() {
            nodesBySubject[node.candidate.cert.subject, default: []].append(j)
        }
        for i in nodes.indices {
            if i > 0 && i % PackProgress.every == 0 {
                PackProgress.report("linked \(grouped(i)) of \(grouped(nodes.count)) "
                    + "intermediates to their issuers")
            }
            let child = nodes[i].candidate.cert
            for a in anchorsBySubject[child.issuer] ?? [] {
                let anchor = keptAnchors[a]
                if child.isSigned(by: anchor.cert.publicKey) == nil {
                    nodes[i].anchorIssuers.append(a)
                    nodes[i].issuerBits.append(anchor.cert.publicKey.bits)
                }
            }
            for j in nodesBySubject[child.issuer] ?? [] where j != i {
                let issuer = nodes[j].candidate.cert
                // The same CA again would be a cycle; the core never builds one either.
                guard !issuer.sameEntity(child) else { continue }
                if child.isSigned(by: issuer.publicKey) == nil {
                    nodes[i].nodeIssuers.append(j)
                    nodes[i].issuerBits.append(issuer.publicKey.bits)
                }
            }
        }
    }

    /// When each node is on a valid path to a kept anchor: a fixed point, one more link of
    /// depth per round, bounded by the device's depth.
    func reachability(_ nodes: [GraphNode]) -> [TimeSet] {
        var times = [TimeSet](repeating: .empty, count: nodes.count)
        for _ in 0..<rules.intermediatesMax {
            var next = times
            for (i, node) in nodes.enumerated() {
                var above = TimeSet()
                for a in node.anchorIssuers { above = above.union(anchorTimes(keptAnchors[a])) }
                for j in node.nodeIssuers { above = above.union(times[j]) }
                next[i] = node.own.intersection(above)
            }
            if next == times { break }
            times = next
        }
        return times
    }

    /// The most telling reason why no path from `node` reaches a kept anchor in the window.
    func unreachableReason(_ node: GraphNode, _ nodes: [GraphNode], _ times: [TimeSet])
        -> String
    {
        let cert = node.candidate.cert
        if cert.signatureAlgorithm.isWeak {
            return "signed with \(KeyText.describe(cert.signatureAlgorithm)): the device "
                + "refuses SHA-1 and MD5 signatures"
        }
        let named = (parsedAnchors + parsedIntermediates).filter {
            $0.cert.subject == cert.issuer && !$0.cert.sameEntity(cert)
        }
        guard !named.isEmpty else {
            return "no path: no anchor or intermediate given is named \(cert.issuerText)"
        }
        let signers = named.filter { cert.isSigned(by: $0.cert.publicKey) == nil }
        guard let signer = signers.first else {
            return "no path: its signature verifies with no certificate named \(cert.issuerText)"
        }
        let fate = decisions[signer.decision]
        if !fate.kept && !fate.reason.isEmpty {
            return "no path: its issuer \(signer.cert.source) was dropped (\(fate.reason))"
        }
        if let j = nodes.firstIndex(where: { $0.candidate.decision == signer.decision }),
            times[j].isEmpty
        {
            return "no path: its issuer \(signer.cert.source) reaches no anchor in the window"
        }
        return "no path in the window: it and its issuer \(signer.cert.source) are never "
            + "valid at the same time"
    }
}
