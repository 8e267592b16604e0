// The companion names file: a bundle stores most anchors as a 16-byte digest of the subject
// name (the device needs no more), so the bundle alone cannot say which root expires.
// `pack` writes BUNDLE.names.json next to the bundle, with each kept anchor's subject text;
// `inspect` and `check` read it when it is there. It never goes to the device and is not
// part of the bundle format: an anchor is found in it by subject digest and key digest,
// and the file names the bundle it belongs to by the bundle's trailer digest, so a stale
// file is noticed and ignored.

import Foundation
import IoTCert

public struct AnchorNameEntry: Codable, Equatable {
    /// First 16 bytes of SHA-256 over the subject name DER, hex (what the bundle stores).
    public let subjectDigest: String
    /// SHA-256 over the key bytes as the bundle stores them, hex.
    public let keySHA256: String
    public let subject: String
    /// The input the anchor came from ("roots/a.pem", "ca-certificates.crt#17").
    public let source: String
}

public struct AnchorNames: Codable, Equatable {
    public var schema = "iotcert.names"
    public var version = reportSchemaVersion
    /// The bundle's trailer digest (SHA-256 over everything before the trailer), hex.
    public let bundleDigest: String
    public let anchors: [AnchorNameEntry]

    public init(bundleDigest: String, anchors: [AnchorNameEntry]) {
        self.bundleDigest = bundleDigest
        self.anchors = anchors
    }

    /// The companion's path for a bundle at `bundlePath`.
    public static func path(besides bundlePath: String) -> String { bundlePath + ".names.json" }

    public func subject(digest: String, key: [UInt8]) -> String? {
        let keyDigest = sha256Hex(key)
        return anchors.first { $0.subjectDigest == digest && $0.keySHA256 == keyDigest }?.subject
    }

    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8]((try? encoder.encode(self)) ?? Data()) + [0x0A]
    }

    /// The companion of the bundle at `bundlePath` when there is one that belongs to
    /// `opened`; nil when there is none. A file that is unreadable or belongs to another
    /// bundle is reported through `warn` and ignored: names are a convenience, the bundle
    /// is the truth.
    public static func load(besides bundlePath: String, for opened: OpenedBundle,
                            warn: (String) -> Void) throws -> AnchorNames? {
        let file = path(besides: bundlePath)
        guard bundlePath != FileIO.standardStream, FileManager.default.fileExists(atPath: file)
        else { return nil }
        guard let names = try? JSONDecoder().decode(AnchorNames.self,
                                                    from: Data(FileIO.read(file)))
        else {
            warn("\(file): not an iotcert names file; anchors are shown by digest")
            return nil
        }
        guard names.bundleDigest == opened.digest.hexString else {
            warn("\(file): belongs to another bundle (digest \(names.bundleDigest.prefix(16))..."
                + "); ignored")
            return nil
        }
        return names
    }
}

extension AnchorSpec {
    /// This anchor's line in the names file.
    func nameEntry(subject: String, source: String) -> AnchorNameEntry {
        AnchorNameEntry(subjectDigest: Array(sha256(self.subject).prefix(subjectDigestLength))
                            .hexString,
                        keySHA256: sha256Hex(key), subject: subject, source: source)
    }
}
