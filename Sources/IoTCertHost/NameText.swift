// Distinguished names and general names as text, for reports only: the core compares names
// as DER bytes and never needs them as strings. Format after RFC 4514 (most significant RDN
// last is the LDAP order; we print in certificate order, as OpenSSL's -nameopt RFC2253 does
// not, because operators compare with what `openssl x509 -subject` shows).

import IoTCert

public enum NameText {
    /// "CN=Example Root, O=Example, C=US" for a Name's DER; a hex dump when it does not
    /// decode (never fails: this is for printing).
    public static func format(_ der: [UInt8]) -> String {
        der.withUnsafeBytes { format(buffer: $0) }
    }

    public static func format(buffer der: UnsafeRawBufferPointer) -> String {
        var parts: [String] = []
        do {
            var outer = DERReader(der)
            var rdns = try outer.read(.sequence).children()
            while !rdns.isAtEnd {
                var attributes = try rdns.read(.set).children()
                var rdn: [String] = []
                while !attributes.isAtEnd {
                    var atv = try attributes.read(.sequence).children()
                    let type = try atv.read().objectIdentifier()
                    let value = try atv.read()
                    rdn.append("\(attributeName([UInt8](type.bytes)))=\(text(value))")
                }
                parts.append(rdn.joined(separator: " + "))
            }
        } catch {
            return "(undecodable name \([UInt8](der).hexString))"
        }
        return parts.isEmpty ? "(empty name)" : parts.joined(separator: ", ")
    }

    /// Short names of the attributes real certificates use (RFC 4519, RFC 5280 appendix A).
    static let shortNames: [[UInt8]: String] = [
        [0x55, 0x04, 0x03]: "CN", [0x55, 0x04, 0x06]: "C", [0x55, 0x04, 0x07]: "L",
        [0x55, 0x04, 0x08]: "ST", [0x55, 0x04, 0x0A]: "O", [0x55, 0x04, 0x0B]: "OU",
        [0x55, 0x04, 0x05]: "serialNumber", [0x55, 0x04, 0x61]: "organizationIdentifier",
        [0x55, 0x04, 0x2E]: "dnQualifier", [0x55, 0x04, 0x09]: "street",
        [0x55, 0x04, 0x11]: "postalCode",
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01]: "emailAddress",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19]: "DC",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01]: "UID",
    ]

    static func attributeName(_ oid: [UInt8]) -> String {
        shortNames[oid] ?? dotted(oid)
    }

    /// The dotted form of an OID's content octets.
    public static func dotted(_ oid: [UInt8]) -> String {
        var arcs: [UInt64] = []
        var value: UInt64 = 0
        for byte in oid {
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                if arcs.isEmpty {
                    let first: UInt64 = value < 80 ? value / 40 : 2
                    arcs += [first, value - first * 40]
                } else {
                    arcs.append(value)
                }
                value = 0
            }
        }
        return arcs.map(String.init).joined(separator: ".")
    }

    /// An attribute value as text: the string types decoded, anything else as hex.
    static func text(_ value: DERValue) -> String {
        let bytes = [UInt8](value.content)
        guard value.tag.tagClass == 0, !value.tag.isConstructed else {
            return "#" + [UInt8](value.encoded).hexString
        }
        switch value.tag.number {
        case 12, 19, 22, 26: return escaped(String(decoding: bytes, as: UTF8.self))
        case 20: return escaped(String(bytes.map { Character(Unicode.Scalar($0)) }))  // Latin-1
        case 30: return escaped(utf16BigEndian(bytes))
        case 28: return escaped(utf32BigEndian(bytes))
        default: return "#" + [UInt8](value.encoded).hexString
        }
    }

    private static func utf16BigEndian(_ b: [UInt8]) -> String {
        let units = stride(from: 0, to: b.count - 1, by: 2).map {
            UInt16(b[$0]) << 8 | UInt16(b[$0 + 1])
        }
        return String(decoding: units, as: UTF16.self)
    }

    private static func utf32BigEndian(_ b: [UInt8]) -> String {
        var s = ""
        for i in stride(from: 0, to: b.count - 3, by: 4) {
            let v = UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8
                | UInt32(b[i + 3])
            s.unicodeScalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
        }
        return s
    }

    /// RFC 4514 2.4 escapes for the characters that would make the text ambiguous.
    private static func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            if ",+\"\\<>;=".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

/// GeneralName and GeneralSubtrees as text ("dNSName example.com", "iPAddress
/// 10.0.0.0/8"), for name constraints and subject alternative names in reports.
public enum GeneralNameText {
    /// Each GeneralSubtree's base in the content of a GeneralSubtrees SEQUENCE.
    public static func subtrees(_ content: UnsafeRawBufferPointer) -> [String] {
        var out: [String] = []
        var r = DERReader(content)
        while !r.isAtEnd {
            guard let subtree = try? r.read(.sequence), var s = try? subtree.children(),
                let base = try? s.read()
            else { return out + ["(undecodable)"] }
            out.append(describe(base, inConstraint: true))
        }
        return out
    }

    /// The entries of a GeneralNames SEQUENCE content (subjectAltName).
    public static func names(_ content: UnsafeRawBufferPointer) -> [String] {
        var out: [String] = []
        var r = DERReader(content)
        while !r.isAtEnd {
            guard let name = try? r.read() else { return out + ["(undecodable)"] }
            out.append(describe(name, inConstraint: false))
        }
        return out
    }

    static func describe(_ v: DERValue, inConstraint: Bool) -> String {
        let bytes = [UInt8](v.content)
        switch v.tag.number {
        case 1: return "rfc822Name " + String(decoding: bytes, as: UTF8.self)
        case 2: return "dNSName " + String(decoding: bytes, as: UTF8.self)
        case 4: return "directoryName " + NameText.format(buffer: v.content)
        case 6: return "URI " + String(decoding: bytes, as: UTF8.self)
        case 7: return "iPAddress " + ipText(bytes, inConstraint: inConstraint)
        default: return "[\(v.tag.number)] #" + bytes.hexString
        }
    }

    /// "10.0.0.0/8" (address and mask in a constraint), "2001:db8::1" style without
    /// compression (reports only).
    static func ipText(_ b: [UInt8], inConstraint: Bool) -> String {
        let half = inConstraint ? b.count / 2 : b.count
        let address = Array(b.prefix(half))
        let text: String
        if address.count == 4 {
            text = address.map(String.init).joined(separator: ".")
        } else {
            text = stride(from: 0, to: address.count - 1, by: 2).map {
                String(UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]), radix: 16)
            }.joined(separator: ":")
        }
        guard inConstraint else { return text }
        let prefix = b.suffix(from: half).reduce(0) { $0 + $1.nonzeroBitCount }
        return "\(text)/\(prefix)"
    }
}
