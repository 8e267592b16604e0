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
                && dnsPatternMatches(name.value, host: withoutTrailingDot(host))
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
        guard isValidDNSName(withoutTrailingDot(host), allowWildcard: false) else {
            throw .invalidPeerName
        }
    case .ip(let address):
        guard address.count == 4 || address.count == 16 else { throw .invalidPeerName }
    case .email(let address):
        guard splitMailbox(address) != nil else { throw .invalidPeerName }
    }
}

/// A reference name with one trailing dot is the same absolute name without it (RFC 1034
/// 3.1; RFC 6125 6.2.1 compares names without it): "www.example.com." is what a resolver
/// configuration may hand over. Certificates never carry the dot.
func withoutTrailingDot(_ host: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    guard host.count > 1, host[host.count - 1] == 0x2E else { return host }
    return host.slice(0, host.count - 1)
}

/// Local parts compare exactly, domains without regard to case.
@inline(never)
func mailboxesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard let x = splitMailbox(a), let y = splitMailbox(b) else { return false }
    return x.local.bytesEqual(y.local) && asciiEqualIgnoringCase(x.domain, y.domain)
}

/// CABF BR 7.1.4.3 (and 7.1.2.7.2 for subscriber certificates): a TLS server certificate's
/// commonName, when present, is a copy of one of its subjectAltName entries: a dNSName
/// character for character (a copy, so case too, as webpki holds), an iPAddress in its
/// canonical text. A certificate that names one identity in its subject and another in its
/// subjectAltName was misissued, and a client that still reads the commonName would see a
/// different identity than we check; but the identity checked is the subjectAltName's, so
/// this is an issuance rule, checked by the strict profile only.
///
/// Enforced where that danger exists: for a commonName that a legacy client could take for a
/// host name or an address (see `couldBeHostIdentifier`). A label such as "Acme MQTT broker"
/// in a private PKI names no host and is left alone. Without a subjectAltName there is
/// nothing to compare (the peer-name check refuses such a leaf anyway).
func checkCommonNames(_ leaf: Certificate) throws(IoTCertError) {
    guard let san = leaf.extensions.subjectAltName else { return }
    var attributes = NameAttributeIterator(name: leaf.subject)
    // Bounded by the subject's length (each attribute at least a few octets).
    while attributes.advance() {
        let value = attributes.value
        guard isAttribute(attributes.type, .commonName), couldBeHostIdentifier(value) else {
            continue
        }
        guard commonNameIsInSubjectAltName(value, san) else { throw .pathCommonNameMismatch }
    }
}

/// Whether a commonName could be read as a host identifier by some client: it holds a "."
/// or ":" (a domain name, dotted or IPv6 address, in any spelling or script), or it is one
/// number, decimal or 0x-hexadecimal, which inet_aton(3) reads as an IPv4 address
/// ("0xC0A80101" is 192.168.1.1).
func couldBeHostIdentifier(_ value: DERValue) -> Bool {
    let width = codeUnitWidth(value.tag)
    let content = value.content
    let count = content.count / width
    guard count > 0 else { return false }
    var seen: UInt32 = 0  // bit 0: a non-digit; bit 1: a non-hex-digit after the second
    for i in 0..<count {
        let c = codeUnit(content, i, width)
        if c == 0x2E || c == 0x3A { return true }
        if c &- 0x30 >= 10 {
            seen |= 1
            if i >= 2 && (c | 0x20) &- 0x61 >= 6 { seen |= 2 }
        }
    }
    if seen & 1 == 0 { return true }  // decimal
    // "0", then "x" or "X", then hexadecimal digits.
    return count > 2 && seen & 2 == 0 && codeUnit(content, 0, width) == 0x30
        && codeUnit(content, 1, width) | 0x20 == 0x78
}

/// Octets per character of a string value: big-endian code units for BMPString (2) and
/// UniversalString (4), one octet for the others.
private func codeUnitWidth(_ tag: DERTag) -> Int {
    tag == .bmpString ? 2 : tag == .universalString ? 4 : 1
}

/// Character `i` of `content` in code units of `width` octets; the caller has checked that
/// it lies inside.
@inline(never)
private func codeUnit(_ content: UnsafeRawBufferPointer, _ i: Int, _ width: Int) -> UInt32 {
    var c: UInt32 = 0
    for k in 0..<width { c = c << 8 | UInt32(content[i &* width &+ k]) }
    return c
}

private func commonNameIsInSubjectAltName(_ commonName: DERValue,
                                          _ san: UnsafeRawBufferPointer) -> Bool {
    var names = GeneralNameIterator(san)
    while let name = names.next() {
        switch name.kind {
        case .dnsName:
            if directoryStringEqualsASCII(commonName, name.value) { return true }
        case .ipAddress:
            var text = DigestBuffer()  // 64 bytes; the longest canonical text is 39
            let matched = withUnsafeMutableBytes(of: &text) { buffer -> Bool in
                let n = writeCanonicalIPText(name.value, into: buffer)
                return n > 0 && directoryStringEqualsASCII(
                    commonName, UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
            if matched { return true }
        default:
            continue
        }
    }
    return false
}

/// Whether a DirectoryString holds exactly the ASCII text `ascii`, character for character:
/// one octet per character for the 8-bit types, big-endian code units for BMPString (2) and
/// UniversalString (4).
func directoryStringEqualsASCII(_ value: DERValue, _ ascii: UnsafeRawBufferPointer) -> Bool {
    // UTF8String, PrintableString, TeletexString, IA5String, VisibleString, UniversalString,
    // BMPString (GeneralString is no DirectoryString).
    guard isStringTag(value.tag), value.tag.number != 27 else { return false }
    let width = codeUnitWidth(value.tag)
    let content = value.content
    guard content.count == ascii.count &* width else { return false }
    for i in 0..<ascii.count where codeUnit(content, i, width) != UInt32(ascii[i]) {
        return false
    }
    return true
}

/// Writes `address` (4 or 16 octets) as canonical text and returns its length (0 for other
/// lengths): IPv4 in dotted decimal without leading zeros (RFC 3986 3.2.2 IPv4address),
/// IPv6 per RFC 5952 4: lowercase hex without leading zeros, the longest run of two or more
/// zero groups (the first on a tie) written "::". `out` must hold 39 bytes.
func writeCanonicalIPText(_ address: UnsafeRawBufferPointer,
                          into out: UnsafeMutableRawBufferPointer) -> Int {
    let v6 = address.count == 16
    guard v6 || address.count == 4 else { return 0 }
    var gapStart = -1
    var gapLength = 1  // a run must be longer than this to become "::"
    var runStart = 0
    var runLength = 0
    for g in 0..<(v6 ? 8 : 0) {
        if address[2 &* g] == 0 && address[2 &* g &+ 1] == 0 {
            if runLength == 0 { runStart = g }
            runLength &+= 1
            if runLength > gapLength { gapStart = runStart; gapLength = runLength }
        } else {
            runLength = 0
        }
    }
    let units = v6 ? 8 : 4
    let radix: UInt32 = v6 ? 16 : 10
    var n = 0
    var g = 0
    while g < units {
        if g == gapStart {
            out[n] = 0x3A
            out[n &+ 1] = 0x3A
            n &+= 2
            g &+= gapLength
            continue
        }
        // After "::" the next group follows at once; gapStart + gapLength is 0 without one.
        if g > 0 && g != gapStart &+ gapLength {
            out[n] = v6 ? 0x3A : 0x2E
            n &+= 1
        }
        let unit = v6 ? UInt32(address[2 &* g]) << 8 | UInt32(address[2 &* g &+ 1])
            : UInt32(address[g])
        // The highest digit place the value reaches (the units place for zero), down to 1.
        var place: UInt32 = v6 ? 0x1000 : 100
        while place > 1 && unit < place { place /= radix }
        while place > 0 {
            let digit = UInt8(truncatingIfNeeded: unit / place % radix)
            out[n] = digit < 10 ? 0x30 &+ digit : 0x57 &+ digit
            n &+= 1
            place /= radix
        }
        g &+= 1
    }
    return n
}
