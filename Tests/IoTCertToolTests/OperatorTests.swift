import Foundation
import IoTCert
import IoTCertHost
import XCTest

/// The tool as a PKI operator uses it, run as a process (exit status and message): the
/// device's workspace, dates, real PEM files, pipes, hostile files, JSON, file-system
/// errors, keys, exit codes, anchor names, large inputs, --anchors, C output, reproducible
/// gen. Each test is a finding of the tool's review that failed before and passes now.
final class OperatorTests: XCTestCase {
    static let dir: String = {
        let dir = temporaryDirectory("operator")
        let run = try? Tool.run(["gen", "--out", dir], in: dir)
        precondition(run?.status == 0, "iotcert gen failed: \(run?.stderr ?? "not run")")
        return dir
    }()

    static let debianRoots = "/etc/ssl/certs/ca-certificates.crt"
    static let mozillaDirectory = "/usr/share/ca-certificates/mozilla"

    func iotcert(_ arguments: String..., input: Data? = nil) throws -> Tool.Run {
        try Tool.run(arguments, in: Self.dir, input: input)
    }

    func path(_ relative: String) -> String { Self.dir + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        try text.write(toFile: path(relative), atomically: true, encoding: .utf8)
    }

    func bytes(_ relative: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path(relative)))
    }

    /// The demo packed for 2025, unsigned unless `extra` says otherwise.
    @discardableResult
    func pack(_ output: String, _ extra: String...) throws -> Tool.Run {
        let run = try Tool.run(["pack", "--anchors", "roots", "--intermediates", "intermediates",
                                "--crls", "crls", "--device-chain", "leaves/client-chain.pem",
                                "--valid-from", "2025-01-01", "--valid-until", "2026-01-01",
                                "-o", output] + extra, in: Self.dir)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        return run
    }

    func debianRoots() throws -> String {
        guard FileManager.default.fileExists(atPath: Self.debianRoots) else {
            throw XCTSkip("\(Self.debianRoots) is missing: apt-get install ca-certificates")
        }
        return try String(contentsOfFile: Self.debianRoots, encoding: .utf8)
    }

    /// Each PEM block of `text`, in order.
    func blocks(_ text: String) -> [String] {
        text.components(separatedBy: "-----END CERTIFICATE-----").compactMap { part in
            guard let begin = part.range(of: "-----BEGIN CERTIFICATE-----") else { return nil }
            return String(part[begin.lowerBound...]) + "-----END CERTIFICATE-----\n"
        }
    }

    // MARK: - Workspace

    func testWorkspaceIsBoundedAndStatedInTheDevicesBytes() throws {
        try pack("ws.iotb")
        // Formerly a Swift fatal error (an allocation of 100 TB).
        for command in [["verify", "--bundle", "ws.iotb", "leaves/api-chain.pem"],
                        ["simulate", "--bundle", "ws.iotb", "--chains", "servers", "--from",
                         "2025-01-01", "--to", "2025-02-01"]] {
            let run = try Tool.run(command + ["--workspace", "99999999999999"], in: Self.dir)
            XCTAssertEqual(run.status, 64, command[0] + run.stderr)
            XCTAssertTrue(run.stderr.contains("more than the 1,048,576 bytes accepted"),
                          run.stderr)
            XCTAssertFalse(run.stderr.contains("Fatal error"), run.stderr)
        }
        XCTAssertEqual(try iotcert("verify", "--bundle", "ws.iotb", "--workspace", "1048576",
                                   "--time", "2025-03-01", "leaves/api-chain.pem").status, 0)
        XCTAssertEqual(try iotcert("verify", "--bundle", "ws.iotb", "--workspace", "1048577",
                                   "leaves/api-chain.pem").status, 64)

        // The firmware's IOTCERT_WORKSPACE_BYTES(4) = 1,032 bytes is enough on the Cortex-M4
        // at depth 4 (iotcert_workspace_size: 871); on the host's 64-bit frames it is not.
        func verify(_ workspace: Int, _ extra: String...) throws -> Tool.Run {
            try Tool.run(["verify", "--bundle", "ws.iotb", "--time", "2025-03-01",
                          "--depth-max", "4", "--workspace", String(workspace),
                          "--host", "api.demo.iotcert.test", "leaves/api-old-chain.pem"] + extra,
                         in: Self.dir)
        }
        let firmware = try verify(1032)
        XCTAssertEqual(firmware.status, 0, firmware.stdout)
        XCTAssertTrue(firmware.stdout.contains("workspace on cortex-m (Cortex-M class, 32-bit): "
            + "needed 871 bytes (4 frame(s) of 216 + 7 alignment), given 1,032 bytes"),
                      firmware.stdout)
        XCTAssertEqual(try verify(871).status, 0)
        let short = try verify(870)
        XCTAssertEqual(short.status, 1)
        XCTAssertTrue(short.stdout.contains("INVALID: workspaceExhausted"), short.stdout)
        XCTAssertTrue(short.stdout.contains("given 870 bytes: NOT ENOUGH"), short.stdout)
        let host = try verify(1032, "--target", "host")
        XCTAssertEqual(host.status, 1, host.stdout)
        XCTAssertTrue(host.stdout.contains("workspace on host"), host.stdout)
        XCTAssertEqual(try verify(1032, "--target", "pdp-11").status, 64)
        let simulate = try iotcert("simulate", "--bundle", "ws.iotb", "--chains", "servers",
                                   "--from", "2025-01-01", "--to", "2025-02-01",
                                   "--workspace", "1032")
        XCTAssertTrue(simulate.stdout.contains("needed 1,735 bytes (8 frame(s) of 216 + 7 "
            + "alignment), given 1,032 bytes: NOT ENOUGH"), simulate.stdout)
        XCTAssertTrue(simulate.stdout.contains("FAIL workspaceExhausted"), simulate.stdout)
    }

    /// Every numeric option: a negative, an overflowing and a non-numeric value are usage
    /// errors naming the option. Formerly "--max-bytes=-1" packed and failed with exit 3,
    /// "--warn-bytes=-1" warned about every bundle, and "--workspace -5" was "Missing value".
    func testEveryNumericOptionRefusesNegativeAndOverflowingValues() throws {
        try pack("numbers.iotb")
        let verify = ["verify", "--bundle", "numbers.iotb", "leaves/api-chain.pem"]
        let simulate = ["simulate", "--bundle", "numbers.iotb", "--chains", "servers",
                        "--from", "2025-01-01", "--to", "2025-02-01"]
        let pack = ["pack", "--anchors", "roots", "--valid-from", "2025-01-01", "-o", "n.iotb"]
        let options: [([String], String)] = [
            (verify, "--workspace"), (verify, "--depth-max"), (verify, "--current-sequence"),
            (simulate, "--workspace"), (pack, "--depth-max"), (pack, "--signatures-max"),
            (pack, "--max-bytes"), (pack, "--warn-bytes"), (pack, "--sequence"),
        ]
        for (command, option) in options {
            for value in ["-1", "99999999999999999999999", "x"] {
                for form in [[option, value], [option + "=" + value]] {
                    let run = try Tool.run(command + form, in: Self.dir)
                    let what = "\(command[0]) \(form.joined(separator: " "))"
                    XCTAssertEqual(run.status, 64, what + run.stderr)
                    XCTAssertTrue(run.stderr.hasPrefix("Error: "), what + run.stderr)
                    XCTAssertTrue(run.stderr.contains(option), what + run.stderr)
                    XCTAssertFalse(run.stderr.contains("Missing value"), what + run.stderr)
                }
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("n.iotb")))
        let duration = try iotcert("check", "--expiring-within", "-1d", "numbers.iotb")
        XCTAssertEqual(duration.status, 64)
        XCTAssertTrue(duration.stderr.contains("expected a positive duration"), duration.stderr)
        // 0 is a figure: no bytes of budget, or none of workspace.
        XCTAssertEqual(try Tool.run(pack + ["--max-bytes", "0"], in: Self.dir).status, 3)
        let none = try Tool.run(verify + ["--workspace", "0", "--time", "2025-03-01"],
                                in: Self.dir)
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stdout.contains("INVALID: workspaceExhausted"), none.stdout)
    }

    /// simulate's period is counted before it is listed: "--step 1s" over a century formerly
    /// built billions of dates (minutes of work and gigabytes) before refusing them with exit
    /// 2; now it and a reversed period are usage errors at once, and the limit is exact.
    func testSimulateRefusesTooManyStepsBeforeListingThem() throws {
        try pack("steps.iotb")
        func simulate(_ from: String, _ to: String, _ step: String) throws -> Tool.Run {
            try iotcert("simulate", "--bundle", "steps.iotb", "--chains", "servers", "--from",
                        from, "--to", to, "--step", step)
        }
        let start = Date()
        let century = try simulate("2000-01-01", "2100-12-31", "1s")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(century.status, 64, century.stderr)
        XCTAssertTrue(century.stderr.contains("more than 3660 steps"), century.stderr)
        XCTAssertEqual(try simulate("2025-01-01", "2024-01-01", "1d").status, 64)
        // 2025-01-01 to 2035-01-08 by the day is 3,660 steps; one day more is one too many.
        XCTAssertEqual(try simulate("2025-01-01", "2035-01-08", "1d").status, 1)
        XCTAssertEqual(try simulate("2025-01-01", "2035-01-09", "1d").status, 64)
    }

    func testTheDeviceModelAgreesWithTheHeadersMacro() throws {
        // IOTCERT_WORKSPACE_BYTES(d) with 4-byte pointers: d * (52 * 4 + 48) + 8, an upper
        // bound; the Cortex-M4's measured figure at depth 4 is in the README's footprint table,
        // which `make readme-tables` writes from the emulated device (a changed frame shows up
        // here).
        let footprint = try String(contentsOfFile: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md").path, encoding: .utf8)
        let row = footprint.components(separatedBy: "\n").first {
            $0.contains("workspace needed, depth 4 (iotcert_workspace_size)")
        }
        let measured = try XCTUnwrap(row?.components(separatedBy: "|").dropFirst(2).first
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }, "no footprint row")
        XCTAssertEqual(DeviceTarget.cortexM.bytesNeeded(depth: 4), measured)
        for depth in 1...Int(Limits.depthCeiling) {
            XCTAssertLessThanOrEqual(DeviceTarget.cortexM.bytesNeeded(depth: depth),
                                     depth * (52 * 4 + 48) + 8)
            var limits = Limits()
            limits.depthMax = UInt8(depth)
            XCTAssertEqual(DeviceTarget.host.bytesNeeded(depth: depth),
                           workspaceBytesNeeded(limits))
        }
    }

    // MARK: - Dates

    func testTimesOnlyInDocumentedForms() throws {
        try pack("time.iotb")
        for bad in ["20250101", "1735689600", "2023-02-29", "2025-03-01T24:00:00Z"] {
            let run = try iotcert("verify", "--bundle", "time.iotb", "--time", bad,
                                  "leaves/api-chain.pem")
            XCTAssertEqual(run.status, 64, bad)
            XCTAssertTrue(run.stderr.contains("expected a date (2025-01-01"), run.stderr)
        }
        let bare = try iotcert("verify", "--bundle", "time.iotb", "--time", "20250101",
                               "leaves/api-chain.pem")
        XCTAssertTrue(bare.stderr.contains("or the date as 2025-01-01"), bare.stderr)
        for good in ["@1740787200", "2025-03-01", "2025-03-01T01:00:00+01:00"] {
            let run = try iotcert("verify", "--bundle", "time.iotb", "--time", good,
                                  "--host", "api.demo.iotcert.test", "leaves/api-chain.pem")
            XCTAssertEqual(run.status, 0, good + run.stdout + run.stderr)
            XCTAssertTrue(run.stdout.contains("time: 2025-03-01T00:00:00Z"), run.stdout)
        }
    }

    /// Times beyond the years 1600 to 9999 and durations longer than that span are usage
    /// errors: formerly `check --now @9223372036854775807` and `pack --valid-from` with it
    /// trapped on an overflowing sum (signal 4 and a backtrace).
    func testExtremeTimesAndDurationsAreUsageErrors() throws {
        try pack("extreme.iotb")
        let commands: [[String]] = [
            ["check", "--expiring-within", "1w", "--now", "@9223372036854775807", "extreme.iotb"],
            ["check", "--expiring-within", "1w", "--now", "@-9223372036854775808", "extreme.iotb"],
            ["check", "--expiring-within", "438291w", "extreme.iotb"],
            ["check", "--expiring-within", "9223372036854775807s", "extreme.iotb"],
            ["pack", "--anchors", "roots", "--valid-from", "@9223372036854775807", "-o", "e.iotb"],
            ["pack", "--anchors", "roots", "--valid-from", "2025-01-01", "--build-time",
             "@253402300800", "-o", "e.iotb"],
            ["verify", "--bundle", "extreme.iotb", "--time", "@-11676096001",
             "leaves/api-chain.pem"],
            ["simulate", "--bundle", "extreme.iotb", "--chains", "servers", "--from",
             "@9223372036854775000", "--to", "@9223372036854775807"],
        ]
        for arguments in commands {
            let run = try Tool.run(arguments, in: Self.dir)
            XCTAssertEqual(run.status, 64, arguments.joined(separator: " ") + run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("Error: --"), run.stderr)
            XCTAssertFalse(run.stderr.contains("Backtracing"), run.stderr)
        }
        let seconds = try iotcert("check", "--expiring-within", "1w", "--now",
                                  "@9223372036854775807", "extreme.iotb")
        XCTAssertTrue(seconds.stderr.contains("@seconds must lie from @-11676096000 to "
            + "@253402300799"), seconds.stderr)
        // The edges themselves are times, and the longest duration is one.
        let latest = try iotcert("check", "--expiring-within", "438290w", "--now",
                                 "@253402300799", "extreme.iotb")
        XCTAssertEqual(latest.status, 1, latest.stderr)
        XCTAssertTrue(latest.stdout.contains("now 9999-12-31T23:59:59Z"), latest.stdout)
        let earliest = try iotcert("verify", "--bundle", "extreme.iotb", "--time",
                                   "@-11676096000", "leaves/api-chain.pem")
        XCTAssertEqual(earliest.status, 1, earliest.stderr)
        XCTAssertTrue(earliest.stdout.contains("time: 1600-01-01T00:00:00Z"), earliest.stdout)
    }

    func testABuildTimeAfterTheWindowIsWarnedAbout() throws {
        func pack(_ output: String, _ extra: String...) throws -> Tool.Run {
            let run = try Tool.run(["pack", "--anchors", "roots", "--valid-from", "2025-01-01",
                                    "--valid-until", "2026-01-01", "-o", output] + extra,
                                   in: Self.dir)
            XCTAssertEqual(run.status, 0, run.stderr)
            return run
        }
        let late = try pack("late.iotb", "--build-time", "2026-06-01")
        XCTAssertTrue(late.stderr.contains("iotcert: warning: --build-time 2026-06-01T00:00:00Z "
            + "is after the window ends"), late.stderr)
        let inside = try pack("inside.iotb", "--build-time", "2025-01-01")
        XCTAssertFalse(inside.stderr.contains("--build-time"), inside.stderr)
    }

    // MARK: - PEM as operators have it

    func testCertifiAndCurlStyleCACertFilesPackLikeTheRawStore() throws {
        let roots = blocks(try debianRoots())
        XCTAssertGreaterThan(roots.count, 100)
        // certifi: "# Issuer/Subject/Label/Serial/Fingerprint" lines above each root.
        var certifi = ""
        // curl: a licence header, then a title and a "=====" line above each root.
        var curl = "##\n## Bundle of CA Root Certificates\n##\n## Converted at: today\n##\n\n"
        for (i, root) in roots.enumerated() {
            certifi += "\n# Issuer: CN=Root \(i)\n# Subject: CN=Root \(i)\n# Label: \"Root \(i)\"\n"
                + "# Serial: \(i)\n# SHA256 Fingerprint: 00:11:22\n" + root
            curl += "Root \(i)\n" + String(repeating: "=", count: 6 + "\(i)".count) + "\n" + root
                + "\n"
        }
        try write("cacert-certifi.pem", certifi)
        try write("cacert-curl.pem", curl)
        let window = ["--valid-from", "2025-06-01"]
        XCTAssertEqual(try Tool.run(["pack", "--anchors", Self.debianRoots, "-o", "debian.iotb"]
                                        + window, in: Self.dir).status, 0)
        for file in ["cacert-certifi.pem", "cacert-curl.pem"] {
            let run = try Tool.run(["pack", "--anchors", file, "-o", file + ".iotb"] + window,
                                   in: Self.dir)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(try bytes(file + ".iotb"), try bytes("debian.iotb"), file)
        }
    }

    func testOpenSSLTextOutputAndPKCS12DumpsAreRead() throws {
        // The P-384 root is the one api-chain.pem's issuing CA chains to.
        let root = try String(contentsOfFile: path("roots/root-p384.pem"), encoding: .utf8)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["x509", "-text", "-in", path("roots/root-p384.pem"), "-out",
                             path("root-text.pem")]
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") {
            try openssl.run()
            openssl.waitUntilExit()
            XCTAssertEqual(openssl.terminationStatus, 0)
            XCTAssertTrue(try String(contentsOfFile: path("root-text.pem"), encoding: .utf8)
                .contains("Signature Algorithm"))
        } else {
            try write("root-text.pem", "Certificate:\n    Data:\n        Version: 3 (0x2)\n" + root)
        }
        let leaf = ["--time", "2025-03-01", "--host", "api.demo.iotcert.test",
                    "leaves/api-chain.pem"]
        let text = try Tool.run(["verify", "--anchors", "root-text.pem"] + leaf, in: Self.dir)
        XCTAssertEqual(text.status, 0, text.stdout + text.stderr)

        let key = try String(contentsOfFile: path("keys/bundle-signing.pem"), encoding: .utf8)
        let certificatePart = "Bag Attributes\n    localKeyID: 01 00 00 00\n    friendlyName: "
            + "demo\nsubject=O = iotcert demo, CN = iotcert Demo Root P-384\nissuer=O = iotcert "
            + "demo, CN = iotcert Demo Root P-384\n" + root + "Key Attributes\n    localKeyID: "
            + "01 00 00 00\n"
        try write("bag.pem", certificatePart + key)
        let keyLine = certificatePart.filter { $0 == "\n" }.count + 1
        let bag = try Tool.run(["verify", "--anchors", "bag.pem"] + leaf, in: Self.dir)
        XCTAssertEqual(bag.status, 0, bag.stdout + bag.stderr)
        XCTAssertTrue(bag.stderr.contains("bag.pem: line \(keyLine): \"PRIVATE KEY\" block left "
            + "out"), bag.stderr)
    }

    func testAPEMErrorNamesItsRealLine() throws {
        let roots = try String(contentsOfFile: path("roots/root-p256.pem"), encoding: .utf8)
            + (try String(contentsOfFile: path("roots/root-p384.pem"), encoding: .utf8))
        var lines = roots.components(separatedBy: "\n")
        let second = lines.lastIndex(of: "-----BEGIN CERTIFICATE-----")!
        lines[second + 3] = String(lines[second + 3].dropFirst(4)) + "*!?%"
        try write("garbled.pem", "Two roots\n" + lines.joined(separator: "\n"))
        let run = try iotcert("pack", "--anchors", "garbled.pem", "-o", "garbled.iotb")
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("garbled.pem: line \(second + 5): characters outside "
            + "base64 in the block opened on line \(second + 2)"), run.stderr)
        lines[second + 3] = String(lines[second + 3].dropLast(10))  // a short line mid-block
        try write("short.pem", lines.joined(separator: "\n"))
        let short = try iotcert("pack", "--anchors", "short.pem", "-o", "short.iotb")
        XCTAssertEqual(short.status, 2)
        XCTAssertTrue(short.stderr.contains("short.pem: line \(second + 1): the block does not "
            + "decode"), short.stderr)
    }

    func testCRLFAndDERFilesPackLikePEM() throws {
        let pem = try String(contentsOfFile: path("roots/root-p384.pem"), encoding: .utf8)
        try write("crlf.pem", pem.replacingOccurrences(of: "\n", with: "\r\n"))
        let der = try InputFiles.certificates([path("roots/root-p384.pem")])[0].der
        try Data(der).write(to: URL(fileURLWithPath: path("root.der")))
        for file in ["roots/root-p384.pem", "crlf.pem", "root.der"] {
            let run = try iotcert("pack", "--anchors", file, "--valid-from", "2025-01-01",
                                  "-o", "one-\((file as NSString).lastPathComponent).iotb")
            XCTAssertEqual(run.status, 0, file + run.stderr)
        }
        XCTAssertEqual(try bytes("one-crlf.pem.iotb"), try bytes("one-root-p384.pem.iotb"))
        XCTAssertEqual(try bytes("one-root.der.iotb"), try bytes("one-root-p384.pem.iotb"))
    }

    func testTheDebianStoreAndTheMozillaDirectory() throws {
        _ = try debianRoots()
        guard FileManager.default.fileExists(atPath: Self.mozillaDirectory) else {
            throw XCTSkip("\(Self.mozillaDirectory) is missing")
        }
        for input in [Self.debianRoots, Self.mozillaDirectory, "/etc/ssl/certs"] {
            let run = try iotcert("pack", "--anchors", input, "--valid-from", "2025-06-01",
                                  "-o", "store.iotb")
            XCTAssertEqual(run.status, 0, input + run.stderr)
            XCTAssertTrue(run.stdout.contains("wrote store.iotb"), run.stdout)
            let check = try iotcert("check", "--expiring-within", "5000w", "--now", "2025-06-01",
                                    "store.iotb")
            // Every root is named (from store.iotb.names.json), none by its digest.
            XCTAssertFalse(check.stdout.contains("subject digest"), check.stdout)
            XCTAssertTrue(check.stdout.contains("anchor 0: "), check.stdout)
        }
    }

    // MARK: - Standard input and output, hostile files

    func testPipesAndStandardStreams() throws {
        let roots = try bytes("roots/root-p256.pem") + (try bytes("roots/root-rsa.pem"))
        try roots.write(to: URL(fileURLWithPath: path("two.pem")))
        XCTAssertEqual(try iotcert("pack", "--anchors", "two.pem", "--valid-from", "2025-01-01",
                                   "-o", "two.iotb").status, 0)
        let piped = try Tool.runRaw(["pack", "--anchors", "-", "--valid-from", "2025-01-01",
                                     "-o", "-"], in: Self.dir, input: roots)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout, try bytes("two.iotb"))
        XCTAssertTrue(piped.stderr.contains("wrote standard output"), piped.stderr)
        let inspect = try iotcert("inspect", "-", input: try bytes("two.iotb"))
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("standard input: iotcert bundle"), inspect.stdout)
        // "-" before --anchors (or after --): --anchors takes every value up to the next option.
        let chain = try iotcert("verify", "-", "--anchors", "roots", "--time", "2025-03-01",
                                input: try bytes("leaves/api-chain.pem"))
        XCTAssertEqual(chain.status, 0, chain.stdout + chain.stderr)
        XCTAssertEqual(try iotcert("verify", "--bundle", "-", "-", input: Data()).status, 64)
        // A named pipe (what a shell's <(...) hands over) is read as it comes.
        let fifo = path("roots.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let content = try bytes("roots/root-p384.pem")
        Thread.detachNewThread {
            if let handle = FileHandle(forWritingAtPath: fifo) {
                try? handle.write(contentsOf: content)
                try? handle.close()
            }
        }
        let named = try iotcert("verify", "leaves/api-chain.pem", "--anchors", "roots.fifo",
                                "--time", "2025-03-01")
        XCTAssertEqual(named.status, 0, named.stdout + named.stderr)
        let empty = try iotcert("verify", "--anchors", "roots", "--", "-", input: Data())
        XCTAssertEqual(empty.status, 2)
        XCTAssertTrue(empty.stderr.contains("standard input: is empty"), empty.stderr)
    }

    func testHostileFilesGetTheirOwnMessages() throws {
        var random = SystemRandomNumberGenerator()
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) })
            .write(to: URL(fileURLWithPath: path("random.bin")))
        let noise = try iotcert("pack", "--anchors", "random.bin", "-o", "r.iotb")
        XCTAssertEqual(noise.status, 2)
        XCTAssertTrue(noise.stderr.contains("random.bin: neither PEM nor DER"), noise.stderr)
        let asBundle = try iotcert("inspect", "random.bin")
        XCTAssertEqual(asBundle.status, 2)
        XCTAssertTrue(asBundle.stderr.contains("the device would refuse this bundle"))

        let big = path("big.pem")
        FileManager.default.createFile(atPath: big, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        let block = Data(repeating: 0x41, count: 1 << 20)
        for _ in 0..<50 { handle.write(block) }
        try handle.close()
        for command in [["pack", "--anchors", "big.pem", "-o", "big.iotb"],
                        ["inspect", "big.pem"]] {
            let run = try Tool.run(command, in: Self.dir)
            XCTAssertEqual(run.status, 2, command[0])
            XCTAssertTrue(run.stderr.contains("big.pem: larger than 16,777,216 bytes"),
                          run.stderr)
        }
        let fifty = try Tool.run(["verify", "-", "--anchors", "roots"], in: Self.dir,
                                 input: Data(repeating: 0x30, count: 50 << 20))
        XCTAssertEqual(fifty.status, 2)
        XCTAssertTrue(fifty.stderr.contains("standard input: larger than"), fifty.stderr)
        try? FileManager.default.removeItem(atPath: big)

        let directory = try iotcert("inspect", "roots")
        XCTAssertEqual(directory.status, 2)
        XCTAssertTrue(directory.stderr.contains("roots: is a directory"), directory.stderr)
    }

    /// A limbo suite is input too: a hostile max_chain_depth (Int.max) formerly trapped on
    /// "+ 1"; now it is clamped to the device's ceiling like any other large depth.
    func testLimboCaseWithAHugeChainDepth() throws {
        func pem(_ relative: String) throws -> String {
            try String(contentsOfFile: path(relative), encoding: .utf8)
        }
        func suite(_ depth: String) throws -> String {
            let strings = try [pem("roots/root-p384.pem"),
                               pem("intermediates/issuing-ca-by-p384.pem"),
                               pem("leaves/api.pem")].map { text -> String in
                String(data: try JSONEncoder().encode(text), encoding: .utf8) ?? ""
            }
            return """
                {"version": 1, "testcases": [{"id": "depth", "validation_kind": "SERVER",
                 "trusted_certs": [\(strings[0])], "untrusted_intermediates": [\(strings[1])],
                 "peer_certificate": \(strings[2]), "validation_time": "2025-03-01T00:00:00Z",
                 "extended_key_usage": ["serverAuth"], "expected_result": "SUCCESS",
                 "max_chain_depth": \(depth)}]}
                """
        }
        for (depth, result) in [("9223372036854775807", "\"SUCCESS\""),
                                ("-9223372036854775808", "\"FAILURE\""), ("1", "\"SUCCESS\""),
                                ("0", "\"FAILURE\"")] {
            try write("limbo-depth.json", try suite(depth))
            let run = try iotcert("limbo", "limbo-depth.json")
            XCTAssertEqual(run.status, 0, depth + run.stderr)
            XCTAssertFalse(run.stderr.contains("overflow"), run.stderr)
            XCTAssertTrue(run.stdout.replacingOccurrences(of: " ", with: "")
                .contains("\"actual_result\":" + result), depth + run.stdout)
        }
    }

    func testACorruptCertificateInAnAnchorsFileIsAnError() throws {
        var der = try InputFiles.certificates([path("roots/root-p256.pem")])[0].der
        der[4...9] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]  // inside the TBS header
        let corrupt = PEMText.encode(der, label: "CERTIFICATE")
        try write("with-corrupt.pem",
                  try String(contentsOfFile: path("roots/root-p384.pem"), encoding: .utf8)
                      + corrupt)
        let run = try iotcert("pack", "--anchors", "with-corrupt.pem", "--valid-from",
                              "2025-01-01", "-o", "c.iotb")
        XCTAssertEqual(run.status, 2, run.stdout)
        XCTAssertTrue(run.stderr.contains("with-corrupt.pem#2: anchor: the device cannot read "
            + "it"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("c.iotb")))
        let skip = try iotcert("pack", "--anchors", "with-corrupt.pem", "--valid-from",
                               "2025-01-01", "--skip-unreadable", "-o", "c.iotb")
        XCTAssertEqual(skip.status, 0, skip.stderr)
        XCTAssertTrue(skip.stderr.contains("warning: with-corrupt.pem#2"), skip.stderr)
        let verify = try iotcert("verify", "leaves/api-chain.pem", "--anchors",
                                 "with-corrupt.pem", "--time", "2025-03-01")
        XCTAssertEqual(verify.status, 2, verify.stdout)
        XCTAssertTrue(verify.stderr.contains("with-corrupt.pem#2: the device cannot read it"),
                      verify.stderr)
    }

    // MARK: - Output

    func testVersion() throws {
        let run = try iotcert("--version")
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.stdout.hasPrefix("iotcert \(String(cString: iotcert_version())) "
            + "(bundle format \(BundleLayout.formatVersion)"), run.stdout)
    }

    func testJSONOnEveryReportingSubcommand() throws {
        try pack("json.iotb", "--sign-key", "keys/bundle-signing.pem")
        let verify = try iotcert("verify", "--bundle", "json.iotb", "--time", "2025-03-01",
                                 "--host", "wrong.example", "--json", "leaves/api-chain.pem")
        XCTAssertEqual(verify.status, 1)
        let v = try JSONDecoder().decode(VerifyJSON.self, from: Data(verify.stdout.utf8))
        XCTAssertEqual([v.schema, v.status, v.bundle?.signature],
                       ["iotcert.verify", "pathPeerNameMismatch", "not-checked"])
        XCTAssertEqual(v.version, 1)
        XCTAssertEqual(v.statusCode, IoTCertError.pathPeerNameMismatch.rawValue)
        XCTAssertEqual(v.workspace.target, "cortex-m")
        XCTAssertEqual(v.workspace.needed, DeviceTarget.cortexM.bytesNeeded(depth: 8))

        let check = try iotcert("check", "--expiring-within", "160w", "--now", "2025-01-01",
                                "--json", "json.iotb")
        XCTAssertEqual(check.status, 1)
        let c = try JSONDecoder().decode(CheckJSON.self, from: Data(check.stdout.utf8))
        XCTAssertEqual(c.schema, "iotcert.check")
        XCTAssertFalse(c.ok)
        XCTAssertTrue(c.expiring.contains { $0.what == "device 0" && !$0.expired })

        let simulate = try iotcert("simulate", "--bundle", "json.iotb", "--chains", "servers",
                                   "--from", "2025-01-01", "--to", "2026-12-01", "--json")
        XCTAssertEqual(simulate.status, 1)
        let s = try JSONDecoder().decode(SimulateJSON.self, from: Data(simulate.stdout.utf8))
        XCTAssertEqual(s.schema, "iotcert.simulate")
        XCTAssertEqual(s.failingServers, ["legacy.demo.iotcert.test"])
        XCTAssertTrue(s.events.contains { $0.status == "pathExpired" })

        let inspect = try iotcert("inspect", "--json", "json.iotb")
        XCTAssertEqual(inspect.status, 0)
        let i = try JSONDecoder().decode(BundleInspection.self, from: Data(inspect.stdout.utf8))
        XCTAssertEqual([i.schema, i.digestStatus, i.signatureStatus],
                       ["iotcert.inspect", "verified", "not-checked"])
        XCTAssertTrue(i.anchors.allSatisfy { $0.keySHA256.count == 64 })
        XCTAssertTrue(i.anchors.allSatisfy { $0.subjectSource == "names-file" })
    }

    /// Every field name the reports print is in the document's JSON section, and no value
    /// is null (a field that does not apply is left out, as the document says). Formerly
    /// the anchors' notBefore, pathLength and purposes were undocumented and the document
    /// promised nulls that never came.
    func testEveryJSONFieldIsDocumentedAndNoneIsNull() throws {
        let document = try String(contentsOfFile: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/iotcert-tool.md").path, encoding: .utf8)
        let section = try XCTUnwrap(document.components(separatedBy: "## JSON output").last?
            .components(separatedBy: "\n## ").first)
        try pack("fields.iotb", "--depth-max", "6")
        let outputs = [
            try iotcert("verify", "--json", "--bundle", "fields.iotb", "--time", "2025-03-01",
                        "leaves/api-chain.pem"),
            try iotcert("verify", "--json", "--bundle", "fields.iotb", "--time", "unknown",
                        "--host", "wrong.example", "leaves/api-chain.pem"),
            try iotcert("verify", "--json", "--anchors", "roots", "--time", "2025-03-01",
                        "leaves/api-chain.pem"),
            try iotcert("check", "--json", "--expiring-within", "2000w", "--now", "2025-01-01",
                        "fields.iotb"),
            try iotcert("simulate", "--json", "--bundle", "fields.iotb", "--chains", "servers",
                        "--from", "2025-01-01", "--to", "2026-12-01"),
            try iotcert("inspect", "--json", "fields.iotb"),
        ]
        var keys: Set<String> = []
        var pending: [Any] = try outputs.map {
            try JSONSerialization.jsonObject(with: Data($0.stdout.utf8))
        }
        while let value = pending.popLast() {
            if let object = value as? [String: Any] {
                keys.formUnion(object.keys)
                pending += Array(object.values)
            } else if let array = value as? [Any] {
                pending += array
            } else {
                XCTAssertFalse(value is NSNull, "a null value in a report")
            }
        }
        XCTAssertGreaterThan(keys.count, 60)
        for key in keys where !section.contains("\"\(key)\"") && !section.contains("`\(key)`") {
            XCTFail("JSON field \(key) is not in docs/iotcert-tool.md, JSON output")
        }
    }

    func testACorruptedSignatureNeverPassesSilently() throws {
        try pack("sig.iotb", "--sign-key", "keys/bundle-signing.pem")
        var b = [UInt8](try bytes("sig.iotb"))
        b[b.count - 72 + 10] ^= 0x01  // inside the signature (the trailer's last 72 bytes)
        try Data(b).write(to: URL(fileURLWithPath: path("sig-bad.iotb")))
        let unchecked = try iotcert("verify", "--bundle", "sig-bad.iotb", "--time", "2025-03-01",
                                    "leaves/api-chain.pem")
        XCTAssertTrue(unchecked.stdout.contains("signature: present, NOT CHECKED"),
                      unchecked.stdout)
        XCTAssertTrue(unchecked.stderr.contains("signature was not checked"), unchecked.stderr)
        for command in ["verify", "inspect", "check"] {
            var arguments = [command, "--signing-key", "keys/bundle-signing.pub.pem"]
            switch command {
            case "verify": arguments += ["--bundle", "sig-bad.iotb", "leaves/api-chain.pem"]
            case "check": arguments += ["--expiring-within", "1d", "sig-bad.iotb"]
            default: arguments += ["sig-bad.iotb"]
            }
            let run = try Tool.run(arguments, in: Self.dir)
            XCTAssertEqual(run.status, 2, command)
            XCTAssertTrue(run.stderr.contains("bundleBadSignature"), run.stderr)
        }
    }

    func testFileSystemErrorsAreSentences() throws {
        try FileManager.default.createDirectory(atPath: path("out-dir"),
                                                withIntermediateDirectories: true)
        let cases: [(String, String)] = [("out-dir", "out-dir: is a directory"),
                                         ("missing/x.iotb", "its directory missing does not exist")]
        for (output, message) in cases {
            let run = try iotcert("pack", "--anchors", "roots", "--valid-from", "2025-01-01",
                                  "-o", output)
            XCTAssertEqual(run.status, 4, output)
            XCTAssertTrue(run.stderr.contains(message), run.stderr)
            XCTAssertFalse(run.stderr.contains("NSCocoaErrorDomain"), run.stderr)
        }
        // A names file that cannot be written stops pack before the bundle is written.
        try FileManager.default.createDirectory(atPath: path("half.iotb.names.json"),
                                                withIntermediateDirectories: true)
        let names = try iotcert("pack", "--anchors", "roots", "--valid-from", "2025-01-01",
                                "-o", "half.iotb")
        XCTAssertEqual(names.status, 4, names.stderr)
        XCTAssertTrue(names.stderr.contains("half.iotb.names.json: is a directory"), names.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("half.iotb")))
        let header = try iotcert("pack", "--anchors", "roots", "--valid-from", "2025-01-01",
                                 "--format", "c", "-o", "h.c", "--header", "out-dir")
        XCTAssertEqual(header.status, 4)
        let sizes = try iotcert("sizes", "demo=roots", "--at", "2025-01-01", "-o", "out-dir")
        XCTAssertEqual(sizes.status, 4, sizes.stderr)
        if getuid() != 0 {  // root writes anywhere
            try FileManager.default.createDirectory(atPath: path("locked"),
                                                    withIntermediateDirectories: true)
            chmod(path("locked"), 0o500)
            let locked = try iotcert("pack", "--anchors", "roots", "--valid-from", "2025-01-01",
                                     "-o", "locked/x.iotb")
            XCTAssertEqual(locked.status, 4)
            XCTAssertTrue(locked.stderr.contains("permission denied"), locked.stderr)
        }
    }

    /// A full disk on standard output is an output error (exit 4) naming it, for the bytes
    /// of `pack -o -` (formerly a trap in FileHandle.write), for JSON (also a trap) and for a
    /// text report longer than the C library's buffer (formerly exit 0, the report lost);
    /// a full standard error loses the message but not the exit code (formerly a trap).
    func testAFullDiskOnStandardOutputIsAnOutputError() throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/full") else {
            throw XCTSkip("no /dev/full here")
        }
        try pack("full.iotb")
        func run(_ arguments: [String], errorsToFull: Bool = false) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = Tool.url
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: Self.dir)
            let full = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
            let err = Pipe()
            process.standardOutput = errorsToFull ? FileHandle.nullDevice : full
            process.standardError = errorsToFull ? full : err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let text = errorsToFull ? Data() : err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: text, as: UTF8.self))
        }
        var commands = [["pack", "--anchors", "roots", "--valid-from", "2025-01-01", "-o", "-"],
                        ["inspect", "full.iotb"], ["inspect", "--json", "full.iotb"],
                        ["verify", "--json", "--bundle", "full.iotb", "--time", "2025-03-01",
                         "leaves/api-chain.pem"],
                        ["check", "--expiring-within", "1d", "full.iotb"]]
        if FileManager.default.fileExists(atPath: Self.debianRoots) {
            XCTAssertEqual(try iotcert("pack", "--anchors", Self.debianRoots, "--valid-from",
                                       "2025-01-01", "-o", "full-debian.iotb").status, 0)
            let inspect = try iotcert("inspect", "full-debian.iotb")
            XCTAssertGreaterThan(inspect.stdout.utf8.count, 1 << 15, "past the C buffer")
            commands.append(["inspect", "full-debian.iotb"])
        }
        for arguments in commands {
            let (status, stderr) = try run(arguments)
            XCTAssertEqual(status, 4, arguments.joined(separator: " ") + stderr)
            XCTAssertTrue(stderr.contains("iotcert: error: standard output: cannot be written: "
                + "no space left on device"), stderr)
        }
        let (status, _) = try run(["inspect", "nope.iotb"], errorsToFull: true)
        XCTAssertEqual(status, 2)
    }

    /// Key files and simulate's host files get the same sentences as certificate inputs
    /// (formerly "cannot be read as text" for a missing file, a directory and noise alike).
    func testKeyAndHostFilesGetFileSystemSentences() throws {
        try pack("keys.iotb", "--sign-key", "keys/bundle-signing.pem")
        try FileManager.default.createDirectory(atPath: path("key-dir"),
                                                withIntermediateDirectories: true)
        try Data([0xFF, 0xFE, 0x00, 0x80]).write(to: URL(fileURLWithPath: path("key.bin")))
        let cases = [("nowhere/k.pem", "nowhere/k.pem: no such file or directory"),
                     ("key-dir", "key-dir: is a directory, not a file"),
                     ("key.bin", "key.bin: is not text (not UTF-8)")]
        for (key, message) in cases {
            for arguments in [["verify", "--bundle", "keys.iotb", "--signing-key", key,
                               "leaves/api-chain.pem"],
                              ["inspect", "--signing-key", key, "keys.iotb"],
                              ["pack", "--anchors", "roots", "--sign-key", key, "-o", "k2.iotb"]] {
                let run = try Tool.run(arguments, in: Self.dir)
                XCTAssertEqual(run.status, 2, arguments.joined(separator: " ") + run.stderr)
                XCTAssertTrue(run.stderr.contains("iotcert: error: " + message), run.stderr)
            }
        }
        let servers = temporaryDirectory("host-dir")
        try FileManager.default.createDirectory(atPath: servers + "/a.example/host",
                                                withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path("leaves/api-chain.pem"),
                                         toPath: servers + "/a.example/2025-01-01.pem")
        let simulate = try iotcert("simulate", "--bundle", "keys.iotb", "--chains", servers,
                                   "--from", "2025-01-01", "--to", "2025-02-01")
        XCTAssertEqual(simulate.status, 2, simulate.stderr)
        XCTAssertTrue(simulate.stderr.contains("a.example/host: is a directory, not a file"),
                      simulate.stderr)
    }

    /// sizes' LABEL=ANCHORS[:INTERMEDIATES][@TIME]: "x=:roots" formerly took the
    /// intermediates as anchors, "=roots" printed a row without a label, and an @seconds
    /// time ("@@1735689600") was cut at its own "@" and refused as a bare number.
    func testSizesSetsAreReadAsDocumented() throws {
        for bad in ["x=:roots", "=roots", "x=", "x=roots@"] {
            let run = try iotcert("sizes", bad, "--at", "2025-01-01")
            XCTAssertEqual(run.status, 64, bad + run.stdout)
            XCTAssertTrue(run.stderr.hasPrefix("Error: set"), run.stderr)
        }
        let seconds = try iotcert("sizes", "x=roots@@1735689600")
        XCTAssertEqual(seconds.status, 0, seconds.stderr)
        let date = try iotcert("sizes", "x=roots@2025-01-01")
        XCTAssertEqual(seconds.stdout, date.stdout.replacingOccurrences(
            of: "x=roots@2025-01-01", with: "x=roots@@1735689600"))
        XCTAssertTrue(date.stdout.contains("| x | 4 | 0 |"), date.stdout)
    }

    func testGenNeverReplacesAKeyWithoutForce() throws {
        let dir = temporaryDirectory("gen-keys")
        XCTAssertEqual(try Tool.run(["gen", "--out", dir], in: dir).status, 0)
        let key = try Data(contentsOf: URL(fileURLWithPath: dir + "/keys/bundle-signing.pem"))
        let again = try Tool.run(["gen", "--out", dir, "--seed", "other"], in: dir)
        XCTAssertEqual(again.status, 4)
        XCTAssertTrue(again.stderr.contains("bundle-signing.pem: exists; a key is not replaced "
            + "without --force"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/keys/bundle-signing.pem")),
                       key)
        XCTAssertEqual(try Tool.run(["gen", "--out", dir, "--seed", "other", "--force"],
                                    in: dir).status, 0)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: dir
            + "/keys/bundle-signing.pem")), key)
        let file = dir + "/keys/bundle-signing.pem"
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions]
        XCTAssertEqual(mode as? Int, 0o600)
        let onFile = try Tool.run(["gen", "--out", file], in: dir)
        XCTAssertEqual(onFile.status, 4)
        XCTAssertTrue(onFile.stderr.contains("is a file") || onFile.stderr.contains("not a "
            + "directory"), onFile.stderr)
    }

    /// A demonstration clock after 2049 writes its CRL with GeneralizedTime (RFC 5280
    /// 5.1.2.4; formerly swift-asn1's "Invalid year for UTCTime 2099", exit 2), and a clock
    /// whose certificates would leave the years the tool reads is a usage error.
    func testGenWorksForEveryClockItAccepts() throws {
        let dir = temporaryDirectory("gen-2100")
        let gen = try Tool.run(["gen", "--out", dir, "--now", "2100-01-01"], in: dir)
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let pack = try Tool.run(["pack", "--anchors", "roots", "--intermediates", "intermediates",
                                 "--crls", "crls", "--valid-from", "2100-01-01", "-o", "b.iotb"],
                                in: dir)
        XCTAssertEqual(pack.status, 0, pack.stderr)
        let crl = try InputFiles.crls([dir + "/crls"])
        XCTAssertEqual(crl.count, 1)
        let revoked = try Tool.run(["verify", "--bundle", "b.iotb", "--time", "2100-03-01",
                                    "leaves/revoked-chain.pem"], in: dir)
        XCTAssertEqual(revoked.status, 1, revoked.stdout + revoked.stderr)
        XCTAssertTrue(revoked.stdout.contains("INVALID: pathRevoked"), revoked.stdout)
        for clock in ["1615-01-01", "9990-01-01"] {
            let run = try Tool.run(["gen", "--out", dir + "/x", "--now", clock], in: dir)
            XCTAssertEqual(run.status, 64, clock + run.stderr)
            XCTAssertTrue(run.stderr.contains("must lie from 1615-12-28 to 9979-01-05"),
                          run.stderr)
        }
    }

    func testGenIsByteIdenticalAcrossRuns() throws {
        let a = temporaryDirectory("gen-a")
        let b = temporaryDirectory("gen-b")
        for dir in [a, b] {
            XCTAssertEqual(try Tool.run(["gen", "--out", dir, "--seed", "same"], in: dir).status, 0)
        }
        let files = try FileManager.default.subpathsOfDirectory(atPath: a).sorted()
        XCTAssertGreaterThan(files.count, 15)
        for file in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: a + "/" + file,
                                                 isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { continue }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a + "/" + file)),
                           try Data(contentsOf: URL(fileURLWithPath: b + "/" + file)), file)
        }
        // Signed bundles repeat too (RFC 6979).
        for dir in [a, b] {
            XCTAssertEqual(try Tool.run(["pack", "--anchors", "roots", "--valid-from",
                                         "2025-01-01", "--sign-key", "keys/bundle-signing.pem",
                                         "-o", "s.iotb"], in: dir).status, 0)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a + "/s.iotb")),
                       try Data(contentsOf: URL(fileURLWithPath: b + "/s.iotb")))
    }

    func testOneExitCodeTableForEverySubcommand() throws {
        let table = try String(contentsOfFile: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/exit-codes.md").path, encoding: .utf8)
        for code in ["| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", "| 64 |"] {
            XCTAssertTrue(table.contains(code), code)
        }
        // A missing input is 2 everywhere.
        let missing: [[String]] = [
            ["pack", "--anchors", "nope.pem", "-o", "x.iotb"],
            ["inspect", "nope.iotb"],
            ["verify", "--bundle", "nope.iotb", "leaves/api-chain.pem"],
            ["verify", "--anchors", "nope.pem", "--time", "2025-01-01", "leaves/api-chain.pem"],
            ["check", "--expiring-within", "1d", "nope.iotb"],
            ["simulate", "--bundle", "nope.iotb", "--chains", "servers", "--from", "2025-01-01",
             "--to", "2025-02-01"],
            ["sizes", "x=nope.pem"],
            ["limbo", "nope.json"],
        ]
        for arguments in missing {
            let run = try Tool.run(arguments, in: Self.dir)
            XCTAssertEqual(run.status, 2, arguments.joined(separator: " ") + run.stderr)
            XCTAssertTrue(run.stderr.contains("iotcert: error: nope."), run.stderr)
        }
        // Each help page points to the table once instead of repeating it.
        for command in ["pack", "verify", "limbo"] {
            let help = try iotcert(command, "--help").stdout
            XCTAssertEqual(help.components(separatedBy: "docs/exit-codes.md").count, 2, command)
        }
    }

    /// Every option a help page lists is documented in docs/iotcert-tool.md, and every
    /// `--option` the document names exists in some help page.
    func testTheDocumentMatchesTheHelpPages() throws {
        let document = try String(contentsOfFile: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/iotcert-tool.md").path, encoding: .utf8)
        func options(_ text: String) -> Set<String> {
            let pattern = try? NSRegularExpression(pattern: "--[a-z][a-z-]*[a-z]")
            let range = NSRange(text.startIndex..., in: text)
            return Set((pattern?.matches(in: text, range: range) ?? []).compactMap {
                Range($0.range, in: text).map { String(text[$0]) }
            })
        }
        var helped: Set<String> = ["--help", "--version"]
        for command in ["gen", "pack", "inspect", "verify", "check", "simulate", "sizes",
                        "limbo"] {
            let help = try iotcert(command, "--help")
            XCTAssertEqual(help.status, 0)
            let listed = options(help.stdout)
            helped.formUnion(listed)
            for option in listed where !document.contains(option) {
                XCTFail("\(command) \(option) is not in docs/iotcert-tool.md")
            }
        }
        for option in options(document).subtracting(helped) {
            XCTFail("docs/iotcert-tool.md names \(option), which no help page lists")
        }
    }

    // MARK: - Operator features

    func testCheckAndInspectNameEveryAnchor() throws {
        try pack("named.iotb")
        let check = try iotcert("check", "--expiring-within", "2000w", "--now", "2025-01-01",
                                "named.iotb")
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stdout.contains("anchor 0: O=iotcert demo, CN=iotcert Demo Root "
            + "P-256"), check.stdout)
        let inspect = try iotcert("inspect", "named.iotb")
        XCTAssertTrue(inspect.stdout.contains("CN=iotcert Demo Root RSA (subject digest"),
                      inspect.stdout)
        // Without the companion: digests; with another bundle's: a warning and digests.
        try FileManager.default.copyItem(atPath: path("named.iotb"), toPath: path("bare.iotb"))
        let bare = try iotcert("check", "--expiring-within", "2000w", "--now", "2025-01-01",
                               "bare.iotb")
        XCTAssertTrue(bare.stdout.contains("anchor 0: subject digest"), bare.stdout)
        try pack("other.iotb", "--sequence", "9")
        try FileManager.default.copyItem(atPath: path("other.iotb.names.json"),
                                         toPath: path("bare.iotb.names.json"))
        let stale = try iotcert("inspect", "bare.iotb")
        XCTAssertEqual(stale.status, 0)
        XCTAssertTrue(stale.stderr.contains("belongs to another bundle"), stale.stderr)
        XCTAssertTrue(stale.stdout.contains("its text is not known"), stale.stdout)
    }

    func testThousandsOfCopiesOfOneRootPackFastWithProgress() throws {
        let root = try String(contentsOfFile: path("roots/root-p256.pem"), encoding: .utf8)
        try write("copies.pem", String(repeating: root, count: 3000))
        let inputs = try InputFiles.certificates([path("copies.pem")])
        let start = Date()
        let result = try Packer.pack(PackInputs(anchors: inputs),
                                     options: PackOptions(validFrom: 1_735_689_600,
                                                          validUntil: 1_767_225_600))
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(result.kept.count, 1)
        XCTAssertLessThan(seconds, 1.0, "3,000 copies took \(seconds) s")
        let run = try iotcert("pack", "--anchors", "copies.pem", "--valid-from", "2025-01-01",
                              "-o", "copies.iotb")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("iotcert: read 2,000 of 3,000 anchors"), run.stderr)
        XCTAssertTrue(run.stdout.contains(": 3000 given, 1 kept, 2999 dropped"), run.stdout)
    }

    func testALargeBundleIsWarnedAbout() throws {
        let packed = try pack("warn.iotb")
        XCTAssertFalse(packed.stderr.contains("warning: the bundle takes"), packed.stderr)
        let length = try bytes("warn.iotb").count
        let at = try pack("warn-at.iotb", "--warn-bytes", String(length))
        XCTAssertFalse(at.stderr.contains("warning: the bundle takes"), at.stderr)
        let over = try pack("warn-over.iotb", "--warn-bytes", String(length - 1))
        XCTAssertTrue(over.stderr.contains("warning: the bundle takes \(grouped(length)) bytes, "
            + "more than --warn-bytes \(grouped(length - 1))"), over.stderr)
    }

    func testVerifyWithAnchorsInsteadOfABundle() throws {
        let chain = ["--time", "2025-03-01", "--host", "api.demo.iotcert.test",
                     "leaves/api-chain.pem"]
        let dir = try Tool.run(["verify", "--anchors", "roots"] + chain, in: Self.dir)
        XCTAssertEqual(dir.status, 0, dir.stdout + dir.stderr)
        XCTAssertTrue(dir.stdout.contains("anchors: 3 of 4 certificate(s) usable"), dir.stdout)
        let file = try Tool.run(["verify", "--anchors", "roots/root-p384.pem"] + chain,
                                in: Self.dir)
        XCTAssertEqual(file.status, 0, file.stdout)
        let wrong = try Tool.run(["verify", "--anchors", "roots/root-p256.pem"] + chain,
                                 in: Self.dir)
        XCTAssertEqual(wrong.status, 1, wrong.stdout)
        XCTAssertTrue(wrong.stdout.contains("INVALID: pathNoTrustAnchor"), wrong.stdout)
        let both = try Tool.run(["verify", "--anchors", "roots", "--bundle", "x.iotb"] + chain,
                                in: Self.dir)
        XCTAssertEqual(both.status, 64)
        let clockless = try iotcert("verify", "--anchors", "roots", "--time", "unknown",
                                    "leaves/api-chain.pem")
        XCTAssertEqual(clockless.status, 64)
    }

    func testCFormatWritesAHeaderAndThePinnedKey() throws {
        try pack("fw.c", "--format", "c", "--symbol", "fw_bundle", "--header", "fw.h",
             "--sign-key", "keys/bundle-signing.pem")
        let header = try String(contentsOfFile: path("fw.h"), encoding: .utf8)
        let source = try String(contentsOfFile: path("fw.c"), encoding: .utf8)
        XCTAssertTrue(header.contains("extern const uint8_t fw_bundle["), header)
        XCTAssertTrue(header.contains("extern const size_t fw_bundle_len;"), header)
        XCTAssertTrue(header.contains("extern const uint8_t fw_bundle_signing_key[65];"), header)
        let point = try readBundlePublicKey(path("keys/bundle-signing.pub.pem"))
        XCTAssertEqual(point.count, 65)
        let firstRow = point.prefix(12).map { String(format: "0x%02x,", $0) }
            .joined(separator: " ")
        XCTAssertTrue(source.contains("const uint8_t fw_bundle_signing_key[65] = {\n    "
            + firstRow), source)
        // The declarations agree with the definitions: the C compiler says so.
        for cc in ["/usr/bin/cc", "/usr/bin/gcc"]
        where FileManager.default.isExecutableFile(atPath: cc) {
            let compile = Process()
            compile.executableURL = URL(fileURLWithPath: cc)
            compile.arguments = ["-Wall", "-Werror", "-c", "-include", path("fw.h"), path("fw.c"),
                                 "-o", path("fw.o")]
            try compile.run()
            compile.waitUntilExit()
            XCTAssertEqual(compile.terminationStatus, 0)
            break
        }
        let unsigned = try pack("fw2.c", "--format", "c", "--header", "fw2.h")
        XCTAssertFalse(try String(contentsOfFile: path("fw2.h"), encoding: .utf8)
            .contains("signing_key"), unsigned.stdout)
        XCTAssertEqual(try iotcert("pack", "--anchors", "roots", "--header", "x.h",
                                   "-o", "x.iotb").status, 64)
    }
}
