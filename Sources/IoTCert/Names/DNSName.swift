// DNS names as certificates carry them: ASCII, case-insensitive, in the preferred name syntax
// of RFC 1034 3.5 as relaxed by RFC 1123 2.1 (a label may start with a digit). A presented
// identifier may carry one wildcard, as the whole leftmost label (RFC 6125 6.4.3), over at
// least two further labels so that "*" and "*.com" never match.

/// Longest DNS name (RFC 1035 2.3.4), without a trailing dot.
let dnsNameLengthMax = 253
/// Longest label.
let dnsLabelLengthMax = 63

@inline(__always)
func lowercased(_ c: UInt8) -> UInt8 {
    c >= 0x41 && c <= 0x5A ? c | 0x20 : c
}

/// Whether `name` is a valid host name; with `allowWildcard`, "*." may lead it.
func isValidDNSName(_ name: UnsafeRawBufferPointer, allowWildcard: Bool) -> Bool {
    var start = 0
    var labels = 0
    if allowWildcard && name.count >= 2 && name[0] == 0x2A && name[1] == 0x2E {
        start = 2
        // At least two more labels after the wildcard ("*.example.com", never "*.com"): the
        // count must reach 2 to end at 1 below.
        labels = -1
    }
    guard name.count - start >= 1, name.count <= dnsNameLengthMax else { return false }
    var labelLength = 0
    var previous: UInt8 = 0x2E
    for i in start..<name.count {
        let c = name[i]
        if c == 0x2E {  // "."
            guard labelLength > 0, previous != 0x2D else { return false }
            labels += 1
            labelLength = 0
        } else {
            let lower = lowercased(c)
            let isAlnum = (c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x7A)
            guard isAlnum || (c == 0x2D && labelLength > 0) else { return false }
            labelLength += 1
            guard labelLength <= dnsLabelLengthMax else { return false }
        }
        previous = c
    }
    guard labelLength > 0, previous != 0x2D else { return false }
    labels += 1
    return labels >= 1
}

/// Case-insensitive equality of two ASCII strings.
func asciiEqualIgnoringCase(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where lowercased(a[i]) != lowercased(b[i]) { return false }
    return true
}

/// Whether `name` equals `domain` or is below it (label-wise, case-insensitive): the DNS
/// subtree test of name constraints (RFC 5280 4.2.1.10).
func isWithinDomain(_ name: UnsafeRawBufferPointer, _ domain: UnsafeRawBufferPointer) -> Bool {
    if domain.count == 0 { return true }  // an empty constraint covers every name
    if name.count == domain.count { return asciiEqualIgnoringCase(name, domain) }
    guard name.count > domain.count else { return false }
    let offset = name.count - domain.count
    guard name[offset - 1] == 0x2E else { return false }
    return asciiEqualIgnoringCase(name.slice(offset, domain.count), domain)
}

/// Whether a presented identifier (`pattern`, possibly "*.rest") matches the reference
/// identifier `host` (RFC 6125 6.4: exact, or the wildcard standing for exactly one label).
func dnsPatternMatches(_ pattern: UnsafeRawBufferPointer, host: UnsafeRawBufferPointer) -> Bool {
    guard pattern.count >= 2, pattern[0] == 0x2A, pattern[1] == 0x2E else {
        return asciiEqualIgnoringCase(pattern, host)
    }
    let rest = pattern.slice(2, pattern.count - 2)
    // host = label "." rest, with a non-empty first label
    guard host.count > rest.count + 1 else { return false }
    let labelLength = host.count - rest.count - 1
    guard host[labelLength] == 0x2E else { return false }
    for i in 0..<labelLength where host[i] == 0x2E { return false }
    return asciiEqualIgnoringCase(host.slice(labelLength + 1, rest.count), rest)
}

/// Splits an email address at its single "@": (local part, domain), or nil when malformed.
func splitMailbox(_ address: UnsafeRawBufferPointer)
    -> (local: UnsafeRawBufferPointer, domain: UnsafeRawBufferPointer)?
{
    var at = -1
    for i in 0..<address.count where address[i] == 0x40 {
        guard at < 0 else { return nil }
        at = i
    }
    guard at > 0, at < address.count - 1 else { return nil }
    let domain = address.slice(at + 1, address.count - at - 1)
    guard isValidDNSName(domain, allowWildcard: false) else { return nil }
    return (address.slice(0, at), domain)
}
