// PEM (RFC 7468) for the host tool. Each block is
//   -----BEGIN <label>-----
//   base64 lines
//   -----END <label>-----
// and, as RFC 7468 section 5.2 allows, text outside the blocks is explanatory and skipped:
// curl's and certifi's cacert.pem (a title and a "=====" line above each root), `openssl
// x509 -text` output, the "Bag Attributes" lines of a PKCS#12 dump.
//
// Decoding a block (base64, 64-column lines, matching labels) is swift-asn1's PEMDocument.
// Written here, because the library cannot: finding where each block starts and ends with
// its line number (PEMDocument reports neither, and an operator needs "line 4113" in a
// 220 KB root store), and the label rule of RFC 7468 section 3 (PEMDocument takes any text
// as the label). A block that does not decode is an error naming the file and its line, so a
// garbled input never turns silently into "no certificates". (In IoTCertHost so that
// `limbo`, `pack`, `verify` and the tests read files the same way.)

import Foundation
import SwiftASN1

public struct PEMError: Error, CustomStringConvertible {
    /// Where the text came from: a file name, or a JSON field such as "trusted_certs[1]".
    public let source: String
    public let line: Int
    public let reason: String

    public var description: String { "\(source): line \(line): \(reason)" }
}

/// One decoded block and the line its BEGIN boundary is on.
public struct PEMBlock {
    public let label: String
    public let der: [UInt8]
    public let line: Int
}

public enum PEM {
    /// Longest label accepted: RFC 7468 labels are short words ("CERTIFICATE", "X509 CRL").
    public static let labelLengthMax = 64

    /// Every block of `text`, in order, explanatory text skipped. `source` names the input.
    public static func decodeAll(_ text: String, source: String) throws -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var open: (label: String, line: Int, text: [Substring])?
        // "\r\n" is one Character in Swift, and a newline like "\n": CRLF files read alike.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (n, line) in lines.enumerated() {
            let lineNumber = n + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard var block = open else {
                if let label = try boundary(trimmed, "BEGIN", source, lineNumber) {
                    open = (label, lineNumber, [Substring(trimmed)])
                }
                continue
            }
            block.text.append(Substring(trimmed))
            open = block
            if let end = try boundary(trimmed, "END", source, lineNumber) {
                guard end == block.label else {
                    throw PEMError(source: source, line: lineNumber,
                                   reason: "END label \"\(end)\" does not match BEGIN label "
                                       + "\"\(block.label)\" of line \(block.line)")
                }
                blocks.append(try decodeBlock(block.text, source, block.line))
                open = nil
            } else if trimmed.hasPrefix("-----") {
                throw PEMError(source: source, line: lineNumber,
                               reason: "boundary inside the block opened on line \(block.line)")
            } else if trimmed.contains(":") {
                throw PEMError(source: source, line: lineNumber,
                               reason: "header line inside a block (RFC 1421 headers such as "
                                   + "Proc-Type are not accepted)")
            } else if !trimmed.unicodeScalars.allSatisfy(isBase64) {
                // Found here rather than by PEMDocument, which cannot say which line it is.
                throw PEMError(source: source, line: lineNumber,
                               reason: "characters outside base64 in the block opened on line "
                                   + "\(block.line)")
            }
        }
        if let block = open {
            throw PEMError(source: source, line: block.line,
                           reason: "block \"\(block.label)\" has no END line")
        }
        return blocks
    }

    /// The DER of every block of `text` labelled `label`; there must be at least one. Blocks
    /// with other labels (a private key beside a certificate) are left out and counted in
    /// `skipped`.
    public static func decode(_ text: String, label: String, source: String,
                              skipped: inout [PEMBlock]) throws -> [[UInt8]] {
        let blocks = try decodeAll(text, source: source)
        let wanted = blocks.filter { $0.label == label }
        skipped = blocks.filter { $0.label != label }
        guard !wanted.isEmpty else {
            let found = skipped.first.map { ", only \"\($0.label)\" (line \($0.line))" } ?? ""
            throw PEMError(source: source, line: skipped.first?.line ?? 1,
                           reason: "no \"\(label)\" PEM block found\(found)")
        }
        return wanted.map(\.der)
    }

    /// The DER of every block labelled `label` (others left out), at least one.
    public static func decode(_ text: String, label: String, source: String) throws
        -> [[UInt8]]
    {
        var skipped: [PEMBlock] = []
        return try decode(text, label: label, source: source, skipped: &skipped)
    }

    /// Exactly one block with `label`.
    public static func decodeOne(_ text: String, label: String, source: String) throws
        -> [UInt8]
    {
        let ders = try decode(text, label: label, source: source)
        guard ders.count == 1 else {
            throw PEMError(source: source, line: 1,
                           reason: "expected one \"\(label)\" block, found \(ders.count)")
        }
        return ders[0]
    }

    static func isBase64(_ c: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c)
            || c == "+" || c == "/" || c == "="
    }

    /// One block, BEGIN to END line, through swift-asn1.
    private static func decodeBlock(_ lines: [Substring], _ source: String, _ line: Int) throws
        -> PEMBlock
    {
        do {
            let document = try PEMDocument(pemString: lines.joined(separator: "\n") + "\n")
            return PEMBlock(label: document.discriminator, der: document.derBytes, line: line)
        } catch let error as ASN1Error {
            throw PEMError(source: source, line: line,
                           reason: "the block does not decode: \(error.reasonText)")
        }
    }

    /// The label of a "-----BEGIN x-----" / "-----END x-----" line, nil for other lines.
    private static func boundary(_ line: String, _ kind: String, _ source: String,
                                 _ lineNumber: Int) throws -> String? {
        let prefix = "-----\(kind) "
        guard line.hasPrefix(prefix) else { return nil }
        guard line.hasSuffix("-----"), line.count >= prefix.count + 5 + 1 else {
            throw PEMError(source: source, line: lineNumber, reason: "malformed \(kind) line")
        }
        let label = String(line.dropFirst(prefix.count).dropLast(5))
        // RFC 7468 3: printable ASCII, single spaces or hyphens only between characters.
        let allowed = label.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E }
        let edges: Set<Character> = [" ", "-"]
        guard !label.isEmpty, label.count <= labelLengthMax, allowed,
            let first = label.first, let last = label.last,
            !edges.contains(first), !edges.contains(last),
            !label.contains("  "), !label.contains("--")
        else {
            throw PEMError(source: source, line: lineNumber, reason: "bad \(kind) label")
        }
        return label
    }
}

extension ASN1Error {
    /// The library's reason ("ASN1Error.invalidPEMDocument: <reason> <Swift file>:<line>")
    /// without its error name and the place in the library's source.
    var reasonText: String {
        var text = "\(self)"
        if let colon = text.range(of: ": ") { text = String(text[colon.upperBound...]) }
        if let space = text.lastIndex(of: " "), text[space...].contains(".swift:") {
            text = String(text[..<space])
        }
        return text
    }
}
