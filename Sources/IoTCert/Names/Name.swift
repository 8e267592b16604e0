// Distinguished names (RFC 5280 4.1.2.4). Names are compared as raw DER bytes (chaining an
// issuer to a subject), so the core only checks their structure and walks them for the
// attributes that name constraints look at.

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
            var atv = try attributes.read(.sequence).children()
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

/// Walks the attribute values of a Name in order, for name-constraint checks on the subject
/// (emailAddress against rfc822Name). `name` has been validated.
struct NameAttributeIterator {
    private var rdns: DERReader
    private var attributes: DERReader?

    init(name: UnsafeRawBufferPointer) {
        var outer = DERReader(name)
        let sequence = try? outer.read(.sequence)
        rdns = DERReader(sequence?.content ?? .empty, depth: 1)
    }

    /// The next (type, value) pair, or nil at the end (or on malformed input, which a
    /// validated name cannot be).
    mutating func next() -> (type: OID, value: DERValue)? {
        while true {
            if var current = attributes, !current.isAtEnd {
                guard let atvValue = try? current.read(.sequence),
                    var atv = try? atvValue.children(),
                    let type = try? atv.read().objectIdentifier(),
                    let value = try? atv.read()
                else { return nil }
                attributes = current
                return (type, value)
            }
            guard !rdns.isAtEnd, let rdn = try? rdns.read(.set) else { return nil }
            attributes = try? rdn.children()
        }
    }
}
