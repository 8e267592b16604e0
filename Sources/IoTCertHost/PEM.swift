// Strict PEM (RFC 7468) decoding for the host tool: every block is
//   -----BEGIN <label>-----
//   base64 lines
//   -----END <label>-----
// with matching labels, base64 that decodes (RFC 7468's strict form: no headers, no stray
// characters, padding only at the end), and nothing but whitespace between blocks. A file
// that breaks any of this is refused with an error naming where the input came from, so
// that a garbled input never turns silently into "no certificates". (In IoTCertHost so that
// `limbo`, `pack`, `verify` and the tests read files the same way.)

import Foundation

public struct PEMError: Error, CustomStringConvertible {
    /// Where the text came from: a file name, or a JSON field such as "trusted_certs[1]".
    public let source: String
    public let line: Int
    public let reason: String

    public var description: String { "\(source): line \(line): \(reason)" }
}

/// One decoded block.
public struct PEMBlock {
    public let label: String
    public let der: [UInt8]
}

public enum PEM {
    /// Longest label accepted: RFC 7468 labels are short words ("CERTIFICATE", "X509 CRL").
    public static let labelLengthMax = 64

    /// Every block of `text`, in order. `source` names the input in errors.
    public static func decodeAll(_ text: String, source: String) throws -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var label: String?
        var body = ""
        var beginLine = 0
        // "\r\n" is one Character in Swift, and a newline like "\n".
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (n, line) in lines.enumerated() {
            let lineNumber = n + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let open = label {
                if let end = try boundary(trimmed, "END", source, lineNumber) {
                    guard end == open else {
                        throw PEMError(source: source, line: lineNumber,
                                       reason: "END label \"\(end)\" does not match BEGIN "
                                           + "label \"\(open)\" of line \(beginLine)")
                    }
                    blocks.append(PEMBlock(label: open,
                                           der: try decodeBase64(body, source, beginLine)))
                    label = nil
                    body = ""
                } else if trimmed.hasPrefix("-----") {
                    throw PEMError(source: source, line: lineNumber,
                                   reason: "boundary inside the block opened on line "
                                       + "\(beginLine)")
                } else {
                    body += trimmed
                }
            } else if let begin = try boundary(trimmed, "BEGIN", source, lineNumber) {
                label = begin
                beginLine = lineNumber
            } else if !trimmed.isEmpty {
                throw PEMError(source: source, line: lineNumber,
                               reason: "text outside a BEGIN/END block")
            }
        }
        if let open = label {
            throw PEMError(source: source, line: beginLine,
                           reason: "block \"\(open)\" has no END line")
        }
        return blocks
    }

    /// The DER of every block of `text`, which must all carry `label` and be at least one.
    public static func decode(_ text: String, label: String, source: String) throws -> [[UInt8]] {
        let blocks = try decodeAll(text, source: source)
        guard !blocks.isEmpty else {
            throw PEMError(source: source, line: 1, reason: "no PEM block found")
        }
        for block in blocks where block.label != label {
            throw PEMError(source: source, line: 1,
                           reason: "expected \"\(label)\", found \"\(block.label)\"")
        }
        return blocks.map(\.der)
    }

    /// Exactly one block with `label`.
    public static func decodeOne(_ text: String, label: String, source: String) throws -> [UInt8] {
        let ders = try decode(text, label: label, source: source)
        guard ders.count == 1 else {
            throw PEMError(source: source, line: 1,
                           reason: "expected one \"\(label)\" block, found \(ders.count)")
        }
        return ders[0]
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

    private static func decodeBase64(_ body: String, _ source: String, _ line: Int) throws
        -> [UInt8]
    {
        let isBase64 = body.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
                || $0 == "+" || $0 == "/" || $0 == "="
        }
        guard isBase64 else {
            throw PEMError(source: source, line: line,
                           reason: "block body holds characters outside base64 (headers are "
                               + "not accepted)")
        }
        guard let data = Data(base64Encoded: body), !data.isEmpty else {
            throw PEMError(source: source, line: line, reason: "block body is not valid base64")
        }
        return [UInt8](data)
    }
}
