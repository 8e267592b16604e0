// Reading certificates and CRLs from the files an operator names: each path is a file, "-"
// (standard input), a pipe, or a directory (its files with a certificate extension, in name
// order, not recursing), each file PEM (one or more blocks among explanatory text, LF or
// CRLF lines) or DER (one or more concatenated values), at most FileIO.inputBytesMax bytes.
// Every error names the file; a file that yields nothing is an error too, so a typo never
// packs an empty set.

import Foundation
import IoTCert

/// One DER object and where it came from ("roots/a.pem", "chain.pem#2").
public struct InputObject {
    public let source: String
    public let der: [UInt8]

    public init(source: String, der: [UInt8]) {
        self.source = source
        self.der = der
    }
}

public enum InputFiles {
    /// Most objects one file may hold: a root store in one PEM file has a few hundred.
    public static let objectsPerFileMax = 10_000

    public static let certificateExtensions: Set<String> = ["pem", "crt", "cer", "der"]
    public static let crlExtensions: Set<String> = ["pem", "crl", "der"]

    /// Where notes on what was left out of an input go (PEM blocks of another label); the
    /// tool prints them on standard error.
    nonisolated(unsafe) public static var note: (String) -> Void = { _ in }

    /// Certificates (PEM label CERTIFICATE) from files and directories.
    public static func certificates(_ paths: [String]) throws -> [InputObject] {
        try paths.flatMap { path in
            try files(path, extensions: certificateExtensions).flatMap {
                try objects($0, label: "CERTIFICATE")
            }
        }
    }

    /// CRLs (PEM label X509 CRL) from files and directories.
    public static func crls(_ paths: [String]) throws -> [InputObject] {
        try paths.flatMap { path in
            try files(path, extensions: crlExtensions).flatMap {
                try objects($0, label: "X509 CRL")
            }
        }
    }

    /// `path` itself, or the files of the directory `path` whose extension is listed.
    static func files(_ path: String, extensions: Set<String>) throws -> [String] {
        if path == FileIO.standardStream { return [path] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(path, "no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw InputError(path, "directory cannot be listed (permission denied?)")
        }
        let chosen = names.sorted().filter { name in
            !name.hasPrefix(".")
                && extensions.contains((name as NSString).pathExtension.lowercased())
        }
        guard !chosen.isEmpty else {
            throw InputError(path, "directory holds no file ending in "
                + extensions.sorted().map { "." + $0 }.joined(separator: ", "))
        }
        return chosen.map { (path as NSString).appendingPathComponent($0) }
    }

    /// The objects in one file, PEM or DER.
    public static func objects(_ path: String, label: String) throws -> [InputObject] {
        let bytes = try FileIO.read(path)
        let name = FileIO.displayName(path)
        guard !bytes.isEmpty else { throw InputError(name, "is empty") }
        let ders: [[UInt8]]
        if isPEM(bytes) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw InputError(name, "PEM file is not valid UTF-8 text")
            }
            var skipped: [PEMBlock] = []
            ders = try PEM.decode(text, label: label, source: name, skipped: &skipped)
            for block in skipped {
                note("\(name): line \(block.line): \"\(block.label)\" block left out "
                    + "(not \"\(label)\")")
            }
        } else {
            ders = try derValues(bytes, source: name)
        }
        guard ders.count <= objectsPerFileMax else {
            throw InputError(name, "more than \(objectsPerFileMax) objects")
        }
        if ders.count == 1 { return [InputObject(source: name, der: ders[0])] }
        return ders.enumerated().map {
            InputObject(source: "\(name)#\($0.offset + 1)", der: $0.element)
        }
    }

    /// PEM when the text has a BEGIN line: DER starts with a SEQUENCE tag (0x30), never "-".
    static func isPEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        for start in 0...(bytes.count - marker.count) where bytes[start] == 0x2D {
            if Array(bytes[start..<(start + marker.count)]) == marker { return true }
        }
        return false
    }

    /// Concatenated DER SEQUENCEs, each one whole object.
    static func derValues(_ bytes: [UInt8], source: String) throws -> [[UInt8]] {
        try bytes.withUnsafeBytes { buffer throws -> [[UInt8]] in
            var reader = DERReader(buffer)
            var out: [[UInt8]] = []
            while !reader.isAtEnd {
                do throws(IoTCertError) {
                    out.append([UInt8](try reader.read(.sequence).encoded))
                } catch {
                    throw InputError(source, "neither PEM nor DER: object \(out.count + 1) "
                        + "does not decode (\(error.explained))")
                }
            }
            return out
        }
    }
}
