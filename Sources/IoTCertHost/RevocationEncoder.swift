// Encodes revoked serials in the layout the core searches in place (Revocation.swift and the
// revocation section of docs/bundle-format.md).

import IoTCert

public enum RevocationEncoder {
    /// `revoked`: (issuer public key, serial INTEGER content octets). Serials are reduced to
    /// their magnitude, grouped by issuer key id, sorted and de-duplicated.
    public static func encode(_ revoked: [(key: PublicKey, serial: [UInt8])]) throws -> [UInt8] {
        var byIssuer: [[UInt8]: Set<[UInt8]>] = [:]
        for (key, serial) in revoked {
            var id = [UInt8](repeating: 0, count: revocationIssuerIDLength)
            try id.withUnsafeMutableBytes { try SignatureCheck.revocationIssuerID(key, into: $0) }
            var magnitude = serial
            while magnitude.count > 1 && magnitude[0] == 0 { magnitude.removeFirst() }
            guard (1...20).contains(magnitude.count) else { continue }  // not representable
            byIssuer[id, default: []].insert(magnitude)
        }
        var out: [UInt8] = []
        for (id, serials) in byIssuer.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            let sorted = serials.sorted {
                $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1)
            }
            out += id
            out.appendLE32(UInt32(sorted.count))
            for s in sorted {
                out += [UInt8(s.count)] + s + [UInt8](repeating: 0, count: 20 - s.count)
            }
        }
        return out
    }
}
