import Foundation
import IoTCertHost
import XCTest

/// The `iotcert` binary, run as a process: gen → pack → inspect → verify → check →
/// simulate → sizes, with their exit codes, on a PKI `gen` writes at test time.
final class ToolEndToEndTests: XCTestCase {
    /// A fresh `iotcert gen` directory.
    static let dir: String = {
        let dir = temporaryDirectory("tool")
        let run = try? Tool.run(["gen", "--out", dir, "--seed", "tool-tests"], in: dir)
        precondition(run?.status == 0, "iotcert gen failed: \(run?.stderr ?? "not run")")
        return dir
    }()

    func iotcert(_ arguments: String...) throws -> Tool.Run {
        try Tool.run(arguments, in: Self.dir)
    }

    func packDemo(_ extra: String...) throws -> Tool.Run {
        try Tool.run(["pack", "--anchors", "roots", "--intermediates", "intermediates",
                      "--crls", "crls", "--device-chain", "leaves/client-chain.pem",
                      "--valid-from", "2025-01-01", "--valid-until", "2026-01-01"] + extra,
                     in: Self.dir)
    }

    func testGenWritesTheDemonstrationPKI() throws {
        for file in ["roots/root-p256.pem", "roots/root-p384.pem", "roots/root-old.pem",
                     "roots/root-rsa.pem", "intermediates/issuing-ca-by-p256.pem",
                     "leaves/api-chain.pem", "leaves/client-chain.pem", "crls/issuing-ca.crl.pem",
                     "keys/bundle-signing.pem", "servers/api.demo.iotcert.test/2024-12-02.pem",
                     "README.txt"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.dir + "/" + file), file)
        }
        // Same seed, same names and keys: the public key files are byte-identical.
        let again = temporaryDirectory("gen-again")
        XCTAssertEqual(try Tool.run(["gen", "--out", again, "--seed", "tool-tests"]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: again + "/keys/bundle-signing.pub.pem",
                                  encoding: .utf8),
                       try String(contentsOfFile: Self.dir + "/keys/bundle-signing.pub.pem",
                                  encoding: .utf8))
    }

    func testPackInspectVerify() throws {
        let pack = try packDemo("--sign-key", "keys/bundle-signing.pem", "--sequence", "3",
                                "-o", "signed.iotb")
        XCTAssertEqual(pack.status, 0, pack.stderr)
        XCTAssertTrue(pack.stdout.contains("intermediates: 4 given, 1 kept, 3 dropped"),
                      pack.stdout)
        XCTAssertTrue(pack.stdout.contains("bytes given (DER) ->"), pack.stdout)

        let inspect = try iotcert("inspect", "--signing-key", "keys/bundle-signing.pub.pem",
                                  "signed.iotb")
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("signature: verified with the given key"))
        // pack wrote signed.iotb.names.json: the digest-only anchors are named from it.
        XCTAssertTrue(inspect.stdout.contains("name from the names file"), inspect.stdout)
        XCTAssertFalse(inspect.stdout.contains("its text is not known"), inspect.stdout)
        XCTAssertTrue(inspect.stdout.contains("device chain: 2"), inspect.stdout)

        let json = try iotcert("inspect", "--json", "signed.iotb")
        let decoded = try JSONDecoder().decode(BundleInspection.self,
                                               from: Data(json.stdout.utf8))
        XCTAssertEqual(decoded.sequence, 3)
        XCTAssertEqual(decoded.anchors.count, 3)
        XCTAssertEqual(decoded.certificates.count, 1)
        XCTAssertEqual(decoded.revocations.first?.serials.count, 1)

        let valid = try iotcert("verify", "--bundle", "signed.iotb", "--time", "2025-03-01",
                                "--host", "api.demo.iotcert.test",
                                "--signing-key", "keys/bundle-signing.pub.pem",
                                "leaves/api-old-chain.pem")
        XCTAssertEqual(valid.status, 0, valid.stdout + valid.stderr)
        XCTAssertTrue(valid.stdout.contains("VALID: path of 2"), valid.stdout)
        XCTAssertTrue(valid.stdout.contains("workspace high-water mark"), valid.stdout)

        let wrongHost = try iotcert("verify", "--bundle", "signed.iotb", "--time", "2025-03-01",
                                    "--host", "other.example", "leaves/api-chain.pem")
        XCTAssertEqual(wrongHost.status, 1)
        XCTAssertTrue(wrongHost.stdout.contains("INVALID: pathPeerNameMismatch"))

        let tooSmall = try iotcert("verify", "--bundle", "signed.iotb", "--time", "2025-03-01",
                                   "--workspace", "64", "leaves/api-chain.pem")
        XCTAssertEqual(tooSmall.status, 1)
        XCTAssertTrue(tooSmall.stdout.contains("workspaceExhausted"), tooSmall.stdout)

        let clockless = try iotcert("verify", "--bundle", "signed.iotb", "--time", "unknown",
                                    "--purpose", "client", "leaves/client-chain.pem")
        XCTAssertEqual(clockless.status, 0, clockless.stdout)
    }

    func testSignedUpdateAndRollbackRefusal() throws {
        XCTAssertEqual(try packDemo("--sign-key", "keys/bundle-signing.pem", "--sequence", "5",
                                    "-o", "update.iotb").status, 0)
        func verify(_ current: String) throws -> Tool.Run {
            try iotcert("verify", "--bundle", "update.iotb", "--time", "2025-03-01",
                        "--signing-key", "keys/bundle-signing.pub.pem",
                        "--current-sequence", current, "leaves/api-chain.pem")
        }
        XCTAssertEqual(try verify("4").status, 0)
        for current in ["5", "6"] {
            let refused = try verify(current)
            XCTAssertEqual(refused.status, 2)
            XCTAssertTrue(refused.stderr.contains("update.iotb: the device would refuse this "
                + "bundle: bundleRollback"), refused.stderr)
        }
        XCTAssertEqual(try packDemo("-o", "unsigned.iotb").status, 0)
        let unsigned = try iotcert("inspect", "--signing-key", "keys/bundle-signing.pub.pem",
                                   "unsigned.iotb")
        XCTAssertEqual(unsigned.status, 2)
        XCTAssertTrue(unsigned.stderr.contains("bundleBadSignature"), unsigned.stderr)
    }

    func testMaxBytesFailsWithExitThree() throws {
        let run = try packDemo("--max-bytes", "700", "-o", "small.iotb")
        XCTAssertEqual(run.status, 3)
        XCTAssertTrue(run.stderr.contains("over --max-bytes 700"), run.stderr)
        XCTAssertTrue(run.stdout.contains("ways to fit"), run.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: Self.dir + "/small.iotb"))
    }

    func testMalformedPEMIsAnInputErrorNamingTheFile() throws {
        try "-----BEGIN CERTIFICATE-----\nMIIB\n".write(
            toFile: Self.dir + "/broken.pem", atomically: true, encoding: .utf8)
        let run = try iotcert("pack", "--anchors", "broken.pem", "-o", "x.iotb")
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("broken.pem: line 1"), run.stderr)
        let verify = try iotcert("verify", "--bundle", "broken.pem", "leaves/api.pem")
        XCTAssertEqual(verify.status, 2)
        XCTAssertTrue(verify.stderr.contains("broken.pem: the device would refuse"),
                      verify.stderr)
    }

    func testCFormat() throws {
        let run = try packDemo("--format", "c", "--symbol", "demo_bundle", "-o", "bundle.c")
        XCTAssertEqual(run.status, 0, run.stderr)
        let c = try String(contentsOfFile: Self.dir + "/bundle.c", encoding: .utf8)
        XCTAssertTrue(c.contains("const uint8_t demo_bundle["), c)
        XCTAssertTrue(c.contains("__attribute__((aligned(4)))"))
    }

    func testCheckExpiringWithin() throws {
        XCTAssertEqual(try packDemo("-o", "check.iotb").status, 0)
        let quiet = try iotcert("check", "--expiring-within", "30d", "--now", "2025-01-01",
                                "check.iotb")
        XCTAssertEqual(quiet.status, 0, quiet.stdout)
        // The device's client certificate expires three years on.
        let soon = try iotcert("check", "--expiring-within", "160w", "--now", "2025-01-01",
                               "check.iotb")
        XCTAssertEqual(soon.status, 1, soon.stdout)
        XCTAssertTrue(soon.stdout.contains("device 0: CN=device-0001.demo.iotcert.test"),
                      soon.stdout)
        let bad = try iotcert("check", "--expiring-within", "30 days", "check.iotb")
        XCTAssertEqual(bad.status, 64)
    }

    func testSimulateTheDemo() throws {
        XCTAssertEqual(try packDemo("-o", "sim.iotb").status, 0)
        let run = try iotcert("simulate", "--bundle", "sim.iotb", "--chains", "servers",
                              "--from", "2025-01-01", "--to", "2026-12-01", "--step", "30d")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)  // legacy's leaf expires
        XCTAssertTrue(run.stdout.contains("legacy.demo.iotcert.test: FAIL: pathExpired"),
                      run.stdout)
        XCTAssertFalse(run.stdout.contains("api.demo.iotcert.test: FAIL"), run.stdout)
    }

    func testEverySubcommandHasHelpWithExitCodes() throws {
        for command in ["pack", "inspect", "verify", "check", "simulate", "gen", "sizes",
                        "limbo"] {
            let run = try iotcert(command, "--help")
            XCTAssertEqual(run.status, 0, command)
            XCTAssertTrue(run.stdout.contains("Exit status: see docs/exit-codes.md"), command)
        }
        let simulate = try iotcert("simulate", "--help")
        XCTAssertTrue(simulate.stdout.contains("DIR/<server>/<YYYY-MM-DD>.pem"))
        let gen = try iotcert("gen", "--help")
        XCTAssertTrue(gen.stdout.contains("Byte-reproducible"))
        XCTAssertEqual(try iotcert("--help").status, 0)
    }
}
