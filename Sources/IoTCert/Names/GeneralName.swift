// GeneralName (RFC 5280 4.2.1.6), as used by subjectAltName and nameConstraints.
//
// GeneralName ::= CHOICE {
//      otherName                       [0]     OtherName,
//      rfc822Name                      [1]     IA5String,
//      dNSName                         [2]     IA5String,
//      x400Address                     [3]     ORAddress,
//      directoryName                   [4]     Name,
//      ediPartyName                    [5]     EDIPartyName,
//      uniformResourceIdentifier       [6]     IA5String,
//      iPAddress                       [7]     OCTET STRING,
//      registeredID                    [8]     OBJECT IDENTIFIER }

/// The forms of GeneralName, numbered as their context tags.
public enum GeneralNameKind: UInt8 {
    case otherName = 0
    case rfc822Name = 1
    case dnsName = 2
    case x400Address = 3
    case directoryName = 4
    case ediPartyName = 5
    case uri = 6
    case ipAddress = 7
    case registeredID = 8
}

/// One GeneralName: its form and its content (for directoryName, the Name's full
/// encoding, so it compares with a certificate's subject bytes).
public struct GeneralName {
    public let kind: GeneralNameKind
    public let value: UnsafeRawBufferPointer

    /// Decodes one GeneralName. In a name constraint an iPAddress carries address and mask
    /// (8 or 32 octets); in a subjectAltName only the address (4 or 16).
    init(_ v: DERValue, inConstraint: Bool) throws(IoTCertError) {
        guard v.tag.tagClass == 2, v.tag.number <= 8,
            let kind = GeneralNameKind(rawValue: UInt8(v.tag.number))
        else { throw .certBadGeneralName }
        switch kind {
        case .otherName, .x400Address, .ediPartyName:
            guard v.tag.isConstructed else { throw .certBadGeneralName }
            value = v.content
        case .rfc822Name, .dnsName, .uri:
            guard !v.tag.isConstructed else { throw .certBadGeneralName }
            for c in v.content where c >= 0x80 { throw .certBadGeneralName }  // IA5String
            value = v.content
        case .directoryName:
            // [4] is EXPLICIT (Name is a CHOICE): the content is one Name.
            var r = try v.children()
            let name = try r.read(.sequence)
            try r.finish()
            try validateName(name)
            value = name.encoded
        case .ipAddress:
            guard !v.tag.isConstructed else { throw .certBadGeneralName }
            let n = v.content.count
            let ok = inConstraint ? (n == 8 || n == 32) : (n == 4 || n == 16)
            guard ok else { throw .certBadGeneralName }
            value = v.content
        case .registeredID:
            guard !v.tag.isConstructed else { throw .certBadGeneralName }
            value = v.content
        }
        self.kind = kind
    }
}

/// Walks the GeneralName entries of a validated SEQUENCE OF GeneralName content.
public struct GeneralNameIterator {
    private var reader: DERReader

    public init(_ sequenceContent: UnsafeRawBufferPointer) {
        reader = DERReader(sequenceContent, depth: 3)
    }

    @inline(never)
    public mutating func next() -> GeneralName? {
        guard !reader.isAtEnd, let name = try? readGeneralName(&reader, subtree: false) else {
            return nil
        }
        return name
    }
}

/// Walks GeneralSubtrees content: each GeneralSubtree ::= SEQUENCE { base GeneralName,
/// minimum [0] BaseDistance DEFAULT 0, maximum [1] BaseDistance OPTIONAL }, validated.
struct GeneralSubtreeIterator {
    private var reader: DERReader

    init(_ subtreesContent: UnsafeRawBufferPointer) {
        reader = DERReader(subtreesContent, depth: 3)
    }

    @inline(never)
    mutating func next() -> GeneralName? {
        guard !reader.isAtEnd, let name = try? readGeneralName(&reader, subtree: true) else {
            return nil
        }
        return name
    }
}

/// Reads one entry of a SEQUENCE OF GeneralName or, with `subtree`, one GeneralSubtree and
/// returns its base. RFC 5280 4.2.1.10: minimum MUST be zero and maximum MUST be absent, so
/// a subtree with either is refused.
@inline(never)
func readGeneralName(_ r: inout DERReader, subtree: Bool) throws(IoTCertError) -> GeneralName {
    guard subtree else { return try GeneralName(try r.read(), inConstraint: false) }
    var fields = try r.readChildren(.sequence)
    let name = try GeneralName(try fields.read(), inConstraint: true)
    guard fields.isAtEnd else { throw .certBadExtension }
    return name
}

/// Checks a SEQUENCE SIZE (1..MAX) OF GeneralName, or of GeneralSubtree with `subtrees`,
/// and returns the number of entries.
@discardableResult
private func validateGeneralNameList(_ value: DERValue,
                                     subtrees: Bool) throws(IoTCertError) -> Int {
    var r = try value.children()
    var count = 0
    guard !r.isAtEnd else { throw .certBadExtension }
    // Bounded by the value's length: each entry consumes at least two octets.
    while !r.isAtEnd {
        _ = try readGeneralName(&r, subtree: subtrees)
        count &+= 1
    }
    return count
}

/// Checks a SEQUENCE SIZE (1..MAX) OF GeneralName (a subjectAltName's value).
func validateGeneralNames(_ value: DERValue) throws(IoTCertError) {
    try validateGeneralNameList(value, subtrees: false)
}

/// Checks GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree, the content of a
/// permittedSubtrees [0] or excludedSubtrees [1] field.
func validateGeneralSubtrees(_ value: DERValue) throws(IoTCertError) -> Int {
    try validateGeneralNameList(value, subtrees: true)
}
