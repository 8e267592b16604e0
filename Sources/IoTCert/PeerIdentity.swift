// The leaf's identity against the name the caller expects (RFC 6125 for DNS; exact address
// equality for IP; RFC 5280 4.2.1.6 mailbox comparison for email). Only subjectAltName
// counts: no fallback to the subject's common name (CABF and RFC 9525 dropped it).

func checkPeerName(_ leaf: Certificate, _ peer: PeerName) throws(IoTCertError) {
    if case .none = peer { return }
    guard let san = leaf.extensions.subjectAltName else { throw .pathNoSubjectAltName }
    var names = GeneralNameIterator(san)
    // Bounded by the extension's length (each entry at least two bytes).
    while let name = names.next() {
        switch (peer, name.kind) {
        case (.dns(let host), .dnsName):
            if isValidDNSName(name.value, allowWildcard: true)
                && dnsPatternMatches(name.value, host: host)
            {
                return
            }
        case (.ip(let address), .ipAddress):
            if name.value.bytesEqual(address) { return }
        case (.email(let address), .rfc822Name):
            if mailboxesEqual(name.value, address) { return }
        default:
            continue
        }
    }
    throw .pathPeerNameMismatch
}

/// Validates the caller's expected name before any certificate work.
func validatePeerName(_ peer: PeerName) throws(IoTCertError) {
    switch peer {
    case .none: return
    case .dns(let host):
        guard isValidDNSName(host, allowWildcard: false) else { throw .invalidPeerName }
    case .ip(let address):
        guard address.count == 4 || address.count == 16 else { throw .invalidPeerName }
    case .email(let address):
        guard splitMailbox(address) != nil else { throw .invalidPeerName }
    }
}

/// Local parts compare exactly, domains without regard to case.
func mailboxesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard let x = splitMailbox(a), let y = splitMailbox(b) else { return false }
    return x.local.bytesEqual(y.local) && asciiEqualIgnoringCase(x.domain, y.domain)
}
