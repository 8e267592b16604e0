// A strict DER reader over caller-owned bytes (ITU-T X.690, section 10: distinguished encoding).
// Values are views into the caller's buffer; nothing is copied and nothing is allocated.
// Nesting is tracked by a depth counter carried from a reader to the readers of its children,
// so there is no recursion and no stack that grows with the input.

/// Limits of the DER reader. Each is exceeded by an input only when it is malformed or
/// hostile; the real certificates we have to read stay far below them.
public enum DERLimits {
    /// Deepest nesting of constructed values. A certificate's deepest point (a name
    /// constraint's directoryName inside a GeneralSubtree inside an extension) is 11 levels;
    /// swift-asn1 caps at 50 for the same purpose, we are stricter because we know our input.
    public static let nestingMax: UInt8 = 24
    /// Largest content length. No value of a certificate or bundle section read by the core
    /// is larger than 64 KiB; lengths beyond that are refused before any bounds arithmetic.
    public static let lengthMax: Int = 65_535
    /// Longest OBJECT IDENTIFIER content in bytes. Real OIDs (even Microsoft's template
    /// OIDs) stay under 40 bytes.
    public static let oidLengthMax: Int = 64
    /// Largest tag number of the high-tag-number form (3 base-128 octets). X.509 uses none
    /// above 30; the bound keeps the arithmetic in 32 bits.
    public static let tagNumberMax: UInt32 = 0x1F_FFFF
}

/// An identifier octet(s): class, constructed bit and tag number, packed in 32 bits.
public struct DERTag: Equatable {
    public let raw: UInt32

    public init(tagClass: UInt8, constructed: Bool, number: UInt32) {
        raw = UInt32(tagClass & 3) << 30 | (constructed ? 1 << 29 : 0) | (number & 0x1FFF_FFFF)
    }

    public var tagClass: UInt8 { UInt8(truncatingIfNeeded: raw >> 30) }
    public var isConstructed: Bool { raw & (1 << 29) != 0 }
    public var number: UInt32 { raw & 0x1FFF_FFFF }

    public static func universal(_ n: UInt32, constructed: Bool = false) -> DERTag {
        DERTag(tagClass: 0, constructed: constructed, number: n)
    }
    /// A context-specific tag, `[n]`.
    public static func context(_ n: UInt32, constructed: Bool = false) -> DERTag {
        DERTag(tagClass: 2, constructed: constructed, number: n)
    }

    public static var boolean: DERTag { .universal(1) }
    public static var integer: DERTag { .universal(2) }
    public static var bitString: DERTag { .universal(3) }
    public static var octetString: DERTag { .universal(4) }
    public static var null: DERTag { .universal(5) }
    public static var objectIdentifier: DERTag { .universal(6) }
    public static var utf8String: DERTag { .universal(12) }
    public static var printableString: DERTag { .universal(19) }
    public static var teletexString: DERTag { .universal(20) }
    public static var ia5String: DERTag { .universal(22) }
    public static var utcTime: DERTag { .universal(23) }
    public static var generalizedTime: DERTag { .universal(24) }
    public static var universalString: DERTag { .universal(28) }
    public static var bmpString: DERTag { .universal(30) }
    public static var sequence: DERTag { .universal(16, constructed: true) }
    public static var set: DERTag { .universal(17, constructed: true) }
}

/// One decoded TLV: its tag, its content and its whole encoding, all views into the input.
/// Kept to four machine words (the encoding is derived from the content and the header's
/// length), so that on a 32-bit target a value comes back from a call in registers instead
/// of through a stack slot: parsing a certificate makes hundreds of these.
public struct DERValue {
    public let tag: DERTag
    /// The content octets.
    public let content: UnsafeRawBufferPointer
    /// Octets of identifier and length before the content (2 ... 9).
    let headerLength: UInt8
    /// How deep this value sits; its children are one deeper.
    public let depth: UInt8

    init(tag: DERTag, content: UnsafeRawBufferPointer, headerLength: UInt8, depth: UInt8) {
        self.tag = tag
        self.content = content
        self.headerLength = headerLength
        self.depth = depth
    }

    /// Identifier, length and content octets together (what a signature or a name
    /// comparison covers).
    public var encoded: UnsafeRawBufferPointer {
        guard let base = content.baseAddress else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: base - Int(headerLength),
                                      count: Int(headerLength) + content.count)
    }

    /// A reader over the children of a constructed value.
    public func children() throws(IoTCertError) -> DERReader {
        guard tag.isConstructed else { throw .derBadConstruction }
        guard depth < DERLimits.nestingMax else { throw .derNestingTooDeep }
        return DERReader(content, depth: depth + 1)
    }

    /// A reader over the children of a SEQUENCE; any other tag is `derUnexpectedTag`. Out
    /// of line: most decoders of the core start this way.
    @inline(never)
    public func sequenceChildren() throws(IoTCertError) -> DERReader {
        guard tag == .sequence else { throw .derUnexpectedTag }
        return try children()
    }

    /// A reader over DER nested inside this primitive value's content (an OCTET STRING
    /// holding an extension value, a BIT STRING holding a public key).
    public func nested(from offset: Int = 0) throws(IoTCertError) -> DERReader {
        guard depth < DERLimits.nestingMax else { throw .derNestingTooDeep }
        return DERReader(content.slice(offset, content.count - offset), depth: depth + 1)
    }
}

/// Reads consecutive TLVs from a buffer.
public struct DERReader {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var offset: Int = 0
    public let depth: UInt8

    public init(_ bytes: UnsafeRawBufferPointer, depth: UInt8 = 0) {
        self.bytes = bytes
        self.depth = depth
    }

    public var isAtEnd: Bool {
        @inline(never) get { offset >= bytes.count }
    }

    /// Reads the next value, whatever its tag.
    public mutating func read() throws(IoTCertError) -> DERValue {
        var cursor = offset
        let tag = try readTag(&cursor)
        let length = try readLength(&cursor)
        // readTag and readLength leave offset < cursor <= bytes.count, so none of the
        // arithmetic below can wrap.
        guard length <= bytes.count &- cursor else { throw .derTruncated }
        let value = DERValue(
            tag: tag,
            content: UnsafeRawBufferPointer(start: bytes.baseAddress.unsafelyUnwrapped + cursor,
                                            count: length),
            headerLength: UInt8(truncatingIfNeeded: cursor &- offset),
            depth: depth)
        offset = cursor &+ length
        return value
    }

    /// Reads the next value and requires `tag`.
    public mutating func read(_ tag: DERTag) throws(IoTCertError) -> DERValue {
        let value = try read()
        guard value.tag == tag else { throw .derUnexpectedTag }
        return value
    }

    /// Reads the next value, requires `tag`, and opens it: the step every walk over nested
    /// SEQUENCEs repeats, out of line so that each use is a call.
    @inline(never)
    public mutating func readChildren(_ tag: DERTag) throws(IoTCertError) -> DERReader {
        try read(tag).children()
    }

    /// Reads the next value if it carries `tag`; otherwise leaves the reader where it was.
    public mutating func readIfPresent(_ tag: DERTag) throws(IoTCertError) -> DERValue? {
        guard !isAtEnd else { return nil }
        var cursor = offset
        guard try readTag(&cursor) == tag else { return nil }
        return try read()
    }

    /// Requires that nothing is left.
    @inline(never)
    public func finish() throws(IoTCertError) {
        guard isAtEnd else { throw .derTrailingData }
    }

    private func readTag(_ cursor: inout Int) throws(IoTCertError) -> DERTag {
        guard cursor < bytes.count else { throw .derTruncated }
        let first = bytes[cursor]
        cursor &+= 1  // cursor < bytes.count
        let tagClass = first >> 6
        let constructed = first & 0x20 != 0
        guard first & 0x1F == 0x1F else {
            return DERTag(tagClass: tagClass, constructed: constructed,
                          number: UInt32(first & 0x1F))
        }
        // High-tag-number form: base-128, no leading 0x80 octet, and only for numbers that
        // do not fit the low form.
        var number: UInt32 = 0
        var octets = 0
        while true {
            guard cursor < bytes.count else { throw .derTruncated }
            let b = bytes[cursor]
            cursor &+= 1  // cursor < bytes.count
            octets += 1
            if octets == 1 && b == 0x80 { throw .derBadTag }
            number = number << 7 | UInt32(b & 0x7F)
            guard number <= DERLimits.tagNumberMax, octets <= 3 else { throw .derBadTag }
            if b & 0x80 == 0 { break }
        }
        guard number >= 31 else { throw .derBadTag }
        return DERTag(tagClass: tagClass, constructed: constructed, number: number)
    }

    private func readLength(_ cursor: inout Int) throws(IoTCertError) -> Int {
        guard cursor < bytes.count else { throw .derTruncated }
        let first = bytes[cursor]
        cursor &+= 1  // cursor < bytes.count
        if first < 0x80 { return Int(first) }
        if first == 0x80 { throw .derIndefiniteLength }
        let count = Int(first & 0x7F)
        // Three length octets already exceed lengthMax; four are accepted only to say
        // "too large" rather than "malformed" for a well-formed but absurd length.
        guard count <= 4 else { throw .derLengthTooLarge }
        guard count <= bytes.count &- cursor else { throw .derTruncated }
        guard bytes[cursor] != 0 else { throw .derNonMinimalLength }
        var length = 0
        for i in 0..<count {
            // Stop before the shift could overflow a 32-bit Int: anything past lengthMax is
            // refused anyway.
            guard length <= DERLimits.lengthMax else { throw .derLengthTooLarge }
            length = length &<< 8 | Int(bytes[cursor &+ i])
        }
        cursor &+= count
        guard length >= 0x80 else { throw .derNonMinimalLength }
        guard length <= DERLimits.lengthMax else { throw .derLengthTooLarge }
        return length
    }
}

extension UnsafeRawBufferPointer {
    /// A sub-view; callers have checked the bounds.
    @inline(__always)
    func slice(_ start: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[start..<(start + count)])
    }

    /// Byte-wise equality of two views (names, keys and identifiers compare this way).
    public func bytesEqual(_ other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        var i = 0
        while i < count {
            if self[i] != other[i] { return false }
            i += 1
        }
        return true
    }

    static var empty: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }
}
