// `iotcert sizes`: a size comparison table (SizeReport in IoTCertHost); writes
// docs/bundle-sizes.md.

import ArgumentParser
import Foundation
import IoTCertHost

struct SizesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sizes",
        abstract: "Compare a certificate set's size as DER, PEM, ESP-IDF bundle and iotcert "
            + "bundle.",
        discussion: """
            Each SET is LABEL=ANCHORS[:INTERMEDIATES][@TIME], each part a comma-separated \
            list of files or directories. The iotcert columns are `pack` for the single \
            instant TIME (default --at; so that nothing valid then is dropped for the \
            window), anchors' expiry kept, \
            with 16-byte subject digests and with full subjects. ESP-IDF's layout holds \
            roots only: 4 + 4 + subject + SubjectPublicKeyInfo bytes per root.

            \(ToolExit.helpText)
            """)

    @Argument(help: "Sets to measure: LABEL=ANCHORS[:INTERMEDIATES][@TIME].")
    var sets: [String]

    @Option(help: ArgumentHelp("The instant to pack for (\(Arguments.timeHelp)).",
                               valueName: "time"))
    var at = "now"

    @Flag(help: "Also measure each set's anchors with EC keys alone.")
    var ecdsaSubsets = false

    @Option(name: .shortAndLong,
            help: ArgumentHelp("Write a Markdown document here instead of printing the table."))
    var output: String?

    func run() throws {
        try reportingErrors {
            let instant = try Arguments.time(at, "--at")
            var rows: [SizeRow] = []
            for set in sets {
                let (label, anchors, intermediates, time) = try parse(set)
                let when = time ?? instant
                rows.append(try SizeReport.row(label: label, anchors: anchors,
                                               intermediates: intermediates, at: when))
                if ecdsaSubsets && intermediates.isEmpty {
                    rows.append(try SizeReport.row(label: label + ", EC roots only",
                                                   anchors: anchors, at: when, ecdsaOnly: true))
                }
            }
            let table = SizeReport.markdown(rows)
            guard let output else { return print(table, terminator: "") }
            try writeFile(output, Array(document(table, instant: instant).utf8))
            print(table, terminator: "")
        }
    }

    func parse(_ set: String) throws -> (String, [InputObject], [InputObject], Int64?) {
        guard let equals = set.firstIndex(of: "=") else {
            throw ValidationError("set \"\(set)\": expected LABEL=ANCHORS[:INTERMEDIATES][@TIME]")
        }
        let label = String(set[..<equals])
        guard !label.isEmpty else { throw ValidationError("set \"\(set)\": no label") }
        var rest = set[set.index(after: equals)...]
        var time: Int64?
        // The last "@" starts the time, or the one before it when the time is @seconds
        // ("LABEL=roots@@1735689600"); a path may hold an "@" of its own.
        if var at = rest.lastIndex(of: "@") {
            if at > rest.startIndex, rest[rest.index(before: at)] == "@" {
                at = rest.index(before: at)
            }
            time = try Arguments.time(String(rest[rest.index(after: at)...]), "set \(label)")
            rest = rest[..<at]
        }
        // Empty parts kept: "x=:roots" has no anchors, not roots as anchors.
        let parts = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let paths = parts.map { $0.split(separator: ",").map(String.init) }
        guard let anchorPaths = paths.first, !anchorPaths.isEmpty else {
            throw ValidationError("set \"\(set)\": no anchors")
        }
        return (label, try InputFiles.certificates(anchorPaths),
                try InputFiles.certificates(paths.count > 1 ? paths[1] : []), time)
    }

    /// Shell quoting for the command line printed in the document.
    func quoted(_ argument: String) -> String {
        let plain = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@,".contains($0) }
        return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The whole Markdown document: what the columns mean, the command, the table.
    func document(_ table: String, instant: Int64) -> String {
        // One line for the options, one per set.
        var lines = ["iotcert"]
        for argument in CommandLine.arguments.dropFirst() {
            if argument.contains("=") && !argument.hasPrefix("-") { lines.append("   ") }
            lines[lines.count - 1] += " " + quoted(argument)
        }
        let command = lines.joined(separator: " \\\n    ")
        return """
            # Bundle sizes

            What a set of trust anchors takes on a device, by format. DER and PEM are the
            certificates as files (PEM with 64-column lines). ESP-IDF is its certificate
            bundle (`esp_crt_bundle`: 4 + 4 + subject + SubjectPublicKeyInfo bytes a root;
            it holds roots only). iotcert is `iotcert pack` with each anchor's expiry kept
            and subjects as 16-byte digests (then, in the next column, as full names),
            header, section table and 32-byte digest trailer included. Each set is packed
            for one instant (its @TIME, default \(TimeText.date(instant))) so that nothing valid
            then is dropped for the window. "kept" counts what pack kept (anchors and
            intermediates): roots the core cannot read and duplicates (same subject and key)
            are not kept. The demonstration PKI here is `iotcert gen --out
            /tmp/iotcert-demo`, default seed and clock (byte-reproducible: its ECDSA
            signatures are deterministic).

            Produced by:

                \(command)

            \(table)
            """
    }
}
