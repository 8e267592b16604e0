// Decoders for the primitive types X.509 uses, each strict to DER (X.690 section 10/11) and to
// the profile of RFC 5280 where it narrows DER (times in section 4.1.2.5).

extension DERValue {
    /// BOOLEAN: one octet, 0x00 or 0xFF (X.690 11.1).
    public func boolean() throws(IoTCertError) -> Bool {
        guard tag == .boolean else { throw .derUnexpectedTag }
        guard content.count == 1 else { throw .derBadBoolean }
        switch content[0] {
        case 0x00: return false
        case 0xFF: return true
        default: throw .derBadBoolean
        }
    }

    /// INTEGER content, checked to be non-empty and minimally encoded (X.690 8.3.2).
    /// Returns the two's-complement content octets.
    public func integerBytes(tag expected: DERTag = .integer) throws(IoTCertError)
        -> UnsafeRawBufferPointer
    {
        guard tag == expected else { throw .derUnexpectedTag }
        guard content.count > 0 else { throw .derBadInteger }
        if content.count > 1 {
            let a = content[0]
            let b = content[1]
            if (a == 0x00 && b & 0x80 == 0) || (a == 0xFF && b & 0x80 != 0) {
                throw .derBadInteger
            }
        }
        return content
    }

    /// A non-negative INTEGER no larger than `max` (versions, path lengths, skip certs).
    public func smallUnsigned(max: Int = Int(Int32.max), tag expected: DERTag = .integer)
        throws(IoTCertError) -> Int
    {
        let bytes = try integerBytes(tag: expected)
        guard bytes[0] & 0x80 == 0 else { throw .derBadInteger }
        // Four octets hold every value up to Int32.max; a fifth only as a sign octet.
        guard bytes.count <= 4 else { throw .derBadInteger }
        var value = 0
        for b in bytes { value = value << 8 | Int(b) }
        guard value <= max else { throw .derBadInteger }
        return value
    }

    /// A positive INTEGER as big-endian magnitude without the sign octet (RSA modulus and
    /// exponent).
    public func positiveMagnitude() throws(IoTCertError) -> UnsafeRawBufferPointer {
        let bytes = try integerBytes()
        guard bytes[0] & 0x80 == 0 else { throw .derBadInteger }
        if bytes[0] == 0 {
            guard bytes.count > 1 else { throw .derBadInteger }  // zero is not positive
            return bytes.slice(1, bytes.count - 1)
        }
        return bytes
    }

    /// NULL: no content.
    public func null() throws(IoTCertError) {
        guard tag == .null else { throw .derUnexpectedTag }
        guard content.count == 0 else { throw .derBadNull }
    }

    /// BIT STRING: the unused-bits octet (0...7, 0 when empty) followed by the bits, with the
    /// unused trailing bits zero (X.690 11.2.1). Returns the bit octets and the unused count.
    public func bitString() throws(IoTCertError) -> (bits: UnsafeRawBufferPointer, unused: UInt8)
    {
        guard tag == .bitString else { throw .derUnexpectedTag }
        guard content.count >= 1 else { throw .derBadBitString }
        let unused = content[0]
        guard unused <= 7 else { throw .derBadBitString }
        if content.count == 1 {
            guard unused == 0 else { throw .derBadBitString }
            return (.empty, 0)
        }
        let last = content[content.count - 1]
        guard last & UInt8(truncatingIfNeeded: (1 << unused) - 1) == 0 else {
            throw .derBadBitString
        }
        return (content.slice(1, content.count - 1), unused)
    }

    /// A BIT STRING that must hold whole octets (signatures, public keys).
    public func octetAlignedBitString() throws(IoTCertError) -> UnsafeRawBufferPointer {
        let (bits, unused) = try bitString()
        guard unused == 0 else { throw .derBadBitString }
        return bits
    }

    /// OBJECT IDENTIFIER: non-empty, each arc minimal (no leading 0x80), the last octet
    /// ends an arc, at most `DERLimits.oidLengthMax` octets.
    @inline(never)
    public func objectIdentifier() throws(IoTCertError) -> OID {
        guard tag == .objectIdentifier else { throw .derUnexpectedTag }
        guard content.count > 0, content.count <= DERLimits.oidLengthMax else {
            throw .derBadObjectIdentifier
        }
        var arcStart = true
        for b in content {
            if arcStart && b == 0x80 { throw .derBadObjectIdentifier }
            arcStart = b & 0x80 == 0
        }
        guard arcStart else { throw .derBadObjectIdentifier }
        return OID(content)
    }

    /// UTCTime or GeneralizedTime, as seconds since 1970-01-01T00:00:00Z. RFC 5280 4.1.2.5's
    /// forms: UTCTime `YYMMDDHHMMSSZ` (1950 through 2049), GeneralizedTime `YYYYMMDDHHMMSSZ`;
    /// seconds always present, always Zulu, no fractions.
    public func time() throws(IoTCertError) -> Int64 {
        let fourDigitYear: Bool
        if tag == .utcTime {
            fourDigitYear = false
        } else if tag == .generalizedTime {
            // RFC 5280 asks CAs for UTCTime through 2049; a GeneralizedTime before 2050 is
            // still unambiguous, and real roots carry one (Certum Trusted Network CA 2 in
            // Mozilla's set), so only its form is strict.
            fourDigitYear = true
        } else {
            throw .derUnexpectedTag
        }
        let n = content.count
        guard n == (fourDigitYear ? 15 : 13) else { throw .derBadTime }
        // Every octet but the last is a digit, the last is "Z": checked once, so the fields
        // below are read without further checks.
        for i in 0..<(n &- 1) where content[i] &- 0x30 > 9 { throw .derBadTime }
        guard content[n &- 1] == 0x5A else { throw .derBadTime }
        var year = twoDigits(0)
        var at = 2
        if fourDigitYear {
            year = year &* 100 &+ twoDigits(2)
            at = 4
        } else {
            year &+= year >= 50 ? 1900 : 2000
        }
        let month = twoDigits(at)
        let day = twoDigits(at &+ 2)
        let hour = twoDigits(at &+ 4)
        let minute = twoDigits(at &+ 6)
        let second = twoDigits(at &+ 8)
        guard month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 59
        else { throw .derBadTime }
        // Both parts fit 32 bits (days: |d| < 2^22; seconds of a day < 2^17).
        let days = daysFromCivil(year: year, month: month, day: day)
        return widen(days) &* 86_400 &+ widen((hour &* 60 &+ minute) &* 60 &+ second)
    }

    /// The two-digit number at `at`; `time()` has checked that both octets are digits.
    @inline(never)
    private func twoDigits(_ at: Int) -> Int {
        Int(content[at] &- 0x30) &* 10 &+ Int(content[at &+ 1] &- 0x30)
    }
}

func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2:
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date, for the years X.509 can encode
/// (0 ... 9999; month and day already range-checked). Howard Hinnant's days-from-civil with
/// the year moved up by one 400-year era (146,097 days), so that every quotient is of a
/// non-negative number and no arithmetic can overflow 32 bits.
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = (month <= 2 ? year &- 1 : year) &+ 400
    let shiftedMonth = month > 2 ? month &- 3 : month &+ 9
    let dayOfYear = (153 &* shiftedMonth &+ 2) / 5 &+ day &- 1
    return y &* 365 &+ y / 4 &- y / 100 &+ y / 400 &+ dayOfYear &- (719_468 &+ 146_097)
}

// MARK: - Strings

extension DERValue {
    /// Checks a directory string's content against its type. Returns the content.
    /// PrintableString: X.680 41.4's set; IA5String: 7-bit; UTF8String: well-formed UTF-8
    /// without overlongs or surrogates; BMPString/UniversalString: whole code units.
    /// TeletexString is accepted as opaque octets (its character set is unbounded).
    public func checkedString() throws(IoTCertError) -> UnsafeRawBufferPointer {
        switch tag {
        case .printableString:
            for c in content where !isPrintableStringChar(c) { throw .derBadString }
        case .ia5String:
            for c in content where c >= 0x80 { throw .derBadString }
        case .utf8String:
            guard isValidUTF8(content) else { throw .derBadString }
        case .bmpString:
            guard content.count % 2 == 0 else { throw .derBadString }
        case .universalString:
            guard content.count % 4 == 0 else { throw .derBadString }
        case .teletexString, .universal(26), .universal(27):  // Visible, General
            break
        default:
            throw .derUnexpectedTag
        }
        return content
    }
}

private func isPrintableStringChar(_ c: UInt8) -> Bool {
    switch c {
    case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: return true  // A-Z a-z 0-9
    case 0x20, 0x27, 0x28, 0x29, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x3A, 0x3D, 0x3F: return true
    default: return false
    }
}

/// Well-formed UTF-8 per RFC 3629 (shortest form, no surrogates, at most U+10FFFF).
func isValidUTF8(_ s: UnsafeRawBufferPointer) -> Bool {
    var i = 0
    while i < s.count {
        let b = s[i]
        var need = 0
        var minimum: UInt32 = 0
        var scalar: UInt32 = 0
        switch b {
        case 0x00...0x7F: i += 1; continue
        case 0xC2...0xDF: need = 1; minimum = 0x80; scalar = UInt32(b & 0x1F)
        case 0xE0...0xEF: need = 2; minimum = 0x800; scalar = UInt32(b & 0x0F)
        case 0xF0...0xF4: need = 3; minimum = 0x10000; scalar = UInt32(b & 0x07)
        default: return false
        }
        guard need < s.count - i else { return false }
        for k in 1...need {
            let c = s[i + k]
            guard c & 0xC0 == 0x80 else { return false }
            scalar = scalar << 6 | UInt32(c & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) {
            return false
        }
        i += need + 1
    }
    return true
}
