// Name constraints (RFC 5280 4.2.1.10 and 6.1.3 (b)-(c)): every name a certificate below a
// constrained CA carries (its subject, the subject's emailAddress attributes, each
// subjectAltName entry) must lie inside a permitted subtree of its form when the CA permits
// any of that form, and outside every excluded subtree. Forms this library cannot compare
// (otherName, URI, x400Address, ediPartyName, registeredID) fail closed: a name of such a
// form under a constraint of the same form is refused rather than guessed.

/// What one verification may still spend on comparisons.
struct ComparisonBudget {
    var used: UInt32 = 0
    let max: UInt32

    mutating func spend() throws(IoTCertError) {
        guard used < max else { throw .pathNameConstraintBudgetExhausted }
        used += 1
    }
}

/// The constraints of one CA or anchor.
struct NameConstraintSet {
    let permitted: UnsafeRawBufferPointer
    let excluded: UnsafeRawBufferPointer
}

/// Checks all names of one certificate (`subject`, `subjectAltName`) against `constraints`.
@inline(never)
func checkNameConstraints(_ constraints: NameConstraintSet, subject: UnsafeRawBufferPointer,
                          subjectAltName: UnsafeRawBufferPointer?,
                          budget: inout ComparisonBudget) throws(IoTCertError) {
    if subject.count > 2 {  // an empty Name is just 30 00
        try checkName(.directoryName, subject, constraints, &budget)
    }
    var attributes = NameAttributeIterator(name: subject)
    while attributes.advance() {
        guard isAttribute(attributes.type, .emailAddress) else { continue }
        try checkName(.rfc822Name, attributes.value.content, constraints, &budget)
    }
    guard let subjectAltName else { return }
    var names = GeneralNameIterator(subjectAltName)
    while let name = names.next() {
        try checkName(name.kind, name.value, constraints, &budget)
    }
}

/// One name against every subtree: excluded first (a match is final), then permitted.
private func checkName(_ kind: GeneralNameKind, _ value: UnsafeRawBufferPointer,
                       _ constraints: NameConstraintSet,
                       _ budget: inout ComparisonBudget) throws(IoTCertError) {
    var excluding = true
    var subtrees = GeneralSubtreeIterator(constraints.excluded)
    var constrained = false
    // Two passes, excluded then permitted; each bounded by its subtrees' length.
    while true {
        while let subtree = subtrees.next() {
            guard subtree.kind == kind else { continue }
            constrained = true
            try budget.spend()
            if try subtreeContains(subtree, kind, value, excluding: excluding) {
                if excluding { throw .pathNameConstraintViolation }
                return
            }
        }
        if !excluding { break }
        excluding = false
        constrained = false
        subtrees = GeneralSubtreeIterator(constraints.permitted)
    }
    if constrained { throw .pathNameConstraintViolation }
}

/// Whether `value` (a name of `kind`) lies in `subtree`. For an excluded wildcard DNS name
/// the answer is "could any name the wildcard stands for lie in it" (CVE-2025-61727).
@inline(never)
private func subtreeContains(_ subtree: GeneralName, _ kind: GeneralNameKind,
                             _ value: UnsafeRawBufferPointer,
                             excluding: Bool) throws(IoTCertError) -> Bool {
    switch kind {
    case .dnsName: return try dnsSubtreeContains(subtree.value, value, excluding: excluding)
    case .ipAddress: return try ipSubtreeContains(subtree.value, value)
    case .rfc822Name: return try mailSubtreeContains(subtree.value, value)
    case .directoryName: return directorySubtreeContains(subtree.value, value)
    default: throw .pathUnsupportedNameConstraint
    }
}

private func dnsSubtreeContains(_ base: UnsafeRawBufferPointer, _ name: UnsafeRawBufferPointer,
                                excluding: Bool) throws(IoTCertError) -> Bool {
    // A constraint must itself be a host name (no wildcard, no leading period), or empty.
    guard base.count == 0 || isValidDNSName(base, allowWildcard: false) else {
        throw .certBadGeneralName
    }
    guard isValidDNSName(name, allowWildcard: true) else { throw .certBadGeneralName }
    guard name.count >= 2, name[0] == 0x2A else { return isWithinDomain(name, base) }
    let rest = name.slice(2, name.count - 2)
    // *.rest is inside a permitted subtree only if all of rest's children are; it touches
    // an excluded subtree if the subtree covers rest or sits below it.
    if isWithinDomain(rest, base) { return true }
    return excluding && isWithinDomain(base, rest)
}

/// iPAddress constraint: address and mask (RFC 5280 4.2.1.10), the mask a CIDR prefix and
/// the address having no bits outside it.
private func ipSubtreeContains(_ base: UnsafeRawBufferPointer, _ address: UnsafeRawBufferPointer)
    throws(IoTCertError) -> Bool
{
    let n = base.count / 2
    var prefixEnded = false
    for i in 0..<n {
        let m = base[n + i]
        guard base[i] & ~m == 0 else { throw .certBadGeneralName }
        if prefixEnded {
            guard m == 0 else { throw .certBadGeneralName }
        } else if m != 0xFF {
            guard (~m) & (~m &+ 1) == 0 else { throw .certBadGeneralName }  // 1s then 0s
            prefixEnded = true
        }
    }
    guard address.count == n else { return false }  // IPv4 never matches an IPv6 subtree
    for i in 0..<n where address[i] & base[n + i] != base[i] { return false }
    return true
}

/// rfc822Name constraint (4.2.1.10): "user@host" one mailbox, "host" every mailbox at that
/// host, ".domain" every mailbox at any host below the domain.
private func mailSubtreeContains(_ base: UnsafeRawBufferPointer, _ address: UnsafeRawBufferPointer)
    throws(IoTCertError) -> Bool
{
    guard let mailbox = splitMailbox(address) else { throw .certBadGeneralName }
    var hasAt = false
    for c in base where c == 0x40 { hasAt = true }
    if hasAt {
        guard splitMailbox(base) != nil else { throw .certBadGeneralName }
        return mailboxesEqual(base, address)
    }
    if base.count > 1 && base[0] == 0x2E {
        let domain = base.slice(1, base.count - 1)
        guard isValidDNSName(domain, allowWildcard: false) else { throw .certBadGeneralName }
        return mailbox.domain.count > domain.count && isWithinDomain(mailbox.domain, domain)
    }
    guard isValidDNSName(base, allowWildcard: false) else { throw .certBadGeneralName }
    return asciiEqualIgnoringCase(mailbox.domain, base)
}

/// directoryName: the name's RDN sequence starts with the constraint's RDNs, compared as
/// DER (both names are validated: the subject by the certificate's parse, the base by
/// GeneralName's), attribute by attribute within the same RDNs.
private func directorySubtreeContains(_ base: UnsafeRawBufferPointer,
                                      _ name: UnsafeRawBufferPointer) -> Bool {
    var b = NameAttributeIterator(name: base)
    var n = NameAttributeIterator(name: name)
    // Bounded by the base's length: every pass consumes at least two of its octets.
    while true {
        let p = b.advance()
        let q = n.advance()
        guard !b.failed else { return false }
        // The base's RDNs are all matched; the name's last matched RDN must not go on.
        guard p else { return !q || n.rdnCount != b.rdnCount }
        guard q, n.rdnCount == b.rdnCount, sameEncoding(b.type, n.type),
            sameEncoding(b.value, n.value)
        else { return false }
    }
}
