// Distinguished names (RFC 5280 4.1.2.4). The core checks their structure, walks them for
// the attributes that name constraints look at, and compares an issuer name with a subject
// name (chaining) by `namesMatch`.

/// Name ::= CHOICE { rdnSequence RDNSequence }
/// RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
/// RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
/// AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue }
///
/// Checks the structure of `name` (a value that must be a SEQUENCE) and every string value
/// it can judge. Returns the number of RDNs (zero for an empty name).
@discardableResult
func validateName(_ name: DERValue) throws(IoTCertError) -> Int {
    guard name.tag == .sequence else { throw .derUnexpectedTag }
    var rdns = try name.children()
    var count = 0
    // Bounded by the name's length: every iteration consumes at least two octets.
    while !rdns.isAtEnd {
        let rdn = try rdns.read(.set)
        var attributes = try rdn.children()
        guard !attributes.isAtEnd else { throw .certBadName }
        while !attributes.isAtEnd {
            var atv = try attributes.readChildren(.sequence)
            _ = try atv.read().objectIdentifier()
            let value = try atv.read()
            try atv.finish()
            if isStringTag(value.tag) { _ = try value.checkedString() }
        }
        count += 1
    }
    return count
}

func isStringTag(_ tag: DERTag) -> Bool {
    guard tag.tagClass == 0, !tag.isConstructed else { return false }
    switch tag.number {
    case 12, 19, 20, 22, 26, 27, 28, 30: return true
    default: return false
    }
}

/// Walks the attribute values of a Name in order: for name-constraint checks on the subject
/// (emailAddress against rfc822Name), the commonName rule, and chaining (`namesMatch`).
/// The walk reads only the structure: a name whose strings and types matter has been
/// validated (`validateName`); for one that has not, `failed` tells a malformed name from
/// its end.
struct NameAttributeIterator {
    private var rdns: DERReader
    private var attributes = DERReader(.empty)
    /// RDNs entered so far: two names have the same RDN structure when their attributes
    /// pair up under equal counts and the counts agree at the end.
    private(set) var rdnCount: UInt32 = 0
    /// Whether the walk stopped on malformed input rather than at the end.
    private(set) var failed = false

    init(name: UnsafeRawBufferPointer) {
        var outer = DERReader(name)
        guard let sequence = try? outer.read(.sequence), let r = try? sequence.children() else {
            rdns = DERReader(.empty)
            failed = true
            return
        }
        rdns = r
    }

    /// The current attribute's type and value, after `advance` returned true.
    private(set) var type = DERValue(tag: .null, content: .empty, headerLength: 0, depth: 0)
    private(set) var value = DERValue(tag: .null, content: .empty, headerLength: 0, depth: 0)

    /// Steps to the next attribute; false at the end or on malformed input.
    @inline(never)
    mutating func advance() -> Bool {
        // Bounded by the name's length: every pass consumes at least two octets.
        while attributes.isAtEnd {
            guard !rdns.isAtEnd else { return false }
            guard let rdn = try? rdns.read(.set), let a = try? rdn.children() else {
                failed = true
                return false
            }
            attributes = a
            rdnCount &+= 1
        }
        guard var atv = try? attributes.readChildren(.sequence),
            let t = try? atv.read(), let v = try? atv.read()
        else {
            failed = true
            return false
        }
        type = t
        value = v
        return true
    }

    /// The next (type, value) pair, or nil at the end or on malformed input.
    mutating func next() -> (type: DERValue, value: DERValue)? {
        advance() ? (type, value) : nil
    }
}

/// Whether two validated Names are the same name for chaining (RFC 5280 7.1 and 6.1.3
/// (a)(4)), in the subset real chains need: the same RDNs, with the same attribute types in
/// the same order, each value either identically encoded or, when both are PrintableString
/// or UTF8String holding ASCII text, equal after folding case and insignificant space (RFC
/// 4518 2.6.1: leading and trailing spaces dropped, inner runs kept as one). CAs re-encode
/// their own name between certificates (Mbed TLS's test CAs write PrintableString in one
/// and UTF8String in the other); byte comparison would cut such chains. Other text (non-ASCII,
/// other string types) compares byte for byte, which can only refuse, never confuse.
func namesMatch(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    if a.bytesEqual(b) { return true }
    guard a.count > 0, b.count > 0 else { return false }
    // A necessary condition, without parsing (most names compared are simply different):
    // a Name's last octet is its last value's last octet (or that value's zero length), and
    // matching values end alike, up to case, unless one ends in a space, which folding drops.
    let lastA = a[a.count - 1]
    let lastB = b[b.count - 1]
    if lastA != 0x20 && lastB != 0x20 && lowercased(lastA) != lowercased(lastB) {
        return false
    }
    var x = NameAttributeIterator(name: a)
    var y = NameAttributeIterator(name: b)
    // Bounded by the names' lengths: every pass consumes at least two octets of each.
    while true {
        let p = x.advance()
        let q = y.advance()
        guard !x.failed, !y.failed, x.rdnCount == y.rdnCount else { return false }
        guard p, q else { return p == q }
        guard sameEncoding(x.type, y.type), attributeValuesMatch(x.value, y.value) else {
            return false
        }
    }
}

/// Whether an attribute type (a validated name's OBJECT IDENTIFIER) is `key`.
@inline(never)
func isAttribute(_ type: DERValue, _ key: OIDKey) -> Bool {
    OIDKey(type.content) == key
}

/// Whether two values have the same encoding. The reader admits only minimal tags and
/// lengths, so the same tag and the same content octets are the same encoding.
@inline(never)
func sameEncoding(_ x: DERValue, _ y: DERValue) -> Bool {
    x.tag == y.tag && x.content.bytesEqual(y.content)
}

private func attributeValuesMatch(_ x: DERValue, _ y: DERValue) -> Bool {
    if sameEncoding(x, y) { return true }
    guard isFoldableText(x.tag), isFoldableText(y.tag) else { return false }
    var p = PreparedText(bytes: x.content)
    var q = PreparedText(bytes: y.content)
    // Bounded by the values' lengths: each call consumes at least one octet or ends. Names
    // that differ usually differ early, so the walk stops there; text that is not ASCII
    // compares byte for byte (a difference before it means the bytes differ too).
    while true {
        let c = p.next()
        let d = q.next()
        if c >= 0x80 || d >= 0x80 { return x.content.bytesEqual(y.content) }
        guard c == d else { return false }
        if c < 0 { return true }
    }
}

private func isFoldableText(_ tag: DERTag) -> Bool {
    tag == .printableString || tag == .utf8String
}

/// ASCII text as RFC 4518 prepares it for matching: lowercase, no leading or trailing
/// spaces, inner runs of spaces as one.
private struct PreparedText {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    var started = false

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The next character, or -1 at the end.
    @inline(never)
    mutating func next() -> Int {
        var sawSpace = false
        while index < bytes.count && bytes[index] == 0x20 {
            index &+= 1
            sawSpace = true
        }
        guard index < bytes.count else { return -1 }
        // One space between words; the word's first letter comes on the next call.
        if sawSpace && started { return 0x20 }
        started = true
        index &+= 1
        return Int(lowercased(bytes[index &- 1]))
    }
}
