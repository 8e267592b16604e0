// `iotcert limbo`: runs the x509-limbo conformance suite (C2SP/x509-limbo) through the very
// same core the device runs, and writes limbo's LimboResult JSON.
//
// Mapping of a test case onto the core:
//  - trusted_certs → the trust store's anchors (each a trust anchor, self-signed or not);
//  - untrusted_intermediates → by default presented after the leaf, as a TLS peer sends them
//    (limbo's intermediates are what the peer supplies; this also exercises
//    Limits.presentedMax). `--intermediates stored` puts them in the store's stored list
//    instead, which is how a device holds intermediates from its bundle; the search treats
//    both alike, and the stored mode lets the denial-of-service cases reach the search
//    budgets instead of stopping at presentedMax. run-limbo.sh runs both.
//  - validation_time → options.time in whole seconds, the fraction dropped: certificate
//    times have one-second resolution, so an instant within the second of notAfter is still
//    valid and one within the second before notBefore is not yet (limbo's *-fractional
//    cases); null → now.
//  - extended_key_usage → purpose; empty → serverAuth for SERVER, clientAuth for CLIENT.
//  - expected_peer_name → the peer name; max_chain_depth (intermediates) → depthMax - 1.
//  - crls → judged on the host (CRL.swift) and turned into the core's revocation layout.

import ArgumentParser
import CIoTCert
import Foundation
import IoTCert
import IoTCertHost

struct LimboCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limbo",
        abstract: "Run an x509-limbo test suite and write LimboResult JSON.",
        discussion: "With --summary, exit status 1 when a case has a wrong result.\n\n"
            + ToolExit.helpText)

    enum Placement: String, ExpressibleByArgument, CaseIterable {
        case presented, stored
    }

    @Argument(help: "The limbo JSON file (limbo.json or a subset of it).")
    var file: String

    @Option(name: .shortAndLong, help: "Write the results JSON here instead of stdout.")
    var output: String?

    @Option(help: ArgumentHelp("Where untrusted_intermediates go: presented (after the "
            + "leaf) or stored (the trust store's stored certificates)."))
    var intermediates: Placement = .presented

    @Flag(help: ArgumentHelp("Compare with expected_result and print counts to stderr; "
          + "exit non-zero on any wrong result not listed in --exceptions."))
    var summary = false

    @Option(help: ArgumentHelp("JSON object {id: reason} of cases knowingly rejected "
            + "although limbo expects SUCCESS (implies --summary; stale entries fail)."))
    var exceptions: String?

    @Option(help: "Only run cases whose id contains this text.")
    var filter: String?

    @Flag(help: ArgumentHelp("Verify with the strict profile (issuance rules too)."))
    var strict = false

    @Option(help: ArgumentHelp("With --strict: JSON object {id: rule relaxed} of every case "
            + "whose verdict under the default profile differs from strict. Each case also "
            + "runs under the default profile; an unlisted difference or a listed case that "
            + "no longer differs fails."))
    var relaxations: String?

    @Option(help: "With --relaxations: write the default profile's results JSON here.")
    var defaultOutput: String?

    func run() throws {
        try reportingErrors(runSuite)
    }

    func runSuite() throws {
        let suite = try LimboSuite.load(file)
        if relaxations != nil && !strict {
            throw ValidationError("--relaxations compares the default profile with --strict")
        }
        var results: [LimboResult] = []
        var defaultResults: [LimboResult] = []
        for testCase in suite.testcases {
            if let filter, !testCase.id.contains(filter) { continue }
            let outcome = LimboRunner(testCase: testCase, placement: intermediates,
                                      strict: strict).run()
            results.append(LimboResult(id: testCase.id, actualResult: outcome.result,
                                       context: outcome.context))
            guard relaxations != nil else { continue }
            let relaxed = LimboRunner(testCase: testCase, placement: intermediates,
                                      strict: false).run()
            defaultResults.append(LimboResult(id: testCase.id, actualResult: relaxed.result,
                                              context: relaxed.context))
        }
        try write(results, to: output)
        if relaxations != nil, let defaultOutput { try write(defaultResults, to: defaultOutput) }
        guard summary || exceptions != nil || relaxations != nil else { return }
        let known = try exceptions.map(Self.readObject) ?? [:]
        let report = LimboSummary(suite: suite, results: results, exceptions: known,
                                  filtered: filter != nil)
        writeStandardError(report.text)
        var clean = report.isClean
        if let relaxations {
            let diff = ProfileDifferences(strict: results, relaxed: defaultResults,
                                          listed: try Self.readObject(relaxations),
                                          suite: suite, filtered: filter != nil)
            writeStandardError(diff.text)
            clean = clean && diff.isClean
        }
        if !clean { throw ExitCode(ToolExit.negative) }
    }

    private func write(_ results: [LimboResult], to path: String?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(LimboResults(results: results))
        if let path {
            try writeFile(path, [UInt8](json))
        } else {
            try writeFile(FileIO.standardStream, [UInt8](json) + [0x0A])
        }
    }

    static func readObject(_ path: String) throws -> [String: String] {
        let data = Data(try FileIO.read(path))
        guard let decoded = try? JSONDecoder().decode([String: String].self, from: data)
        else { throw InputError(path, "not a JSON object of {id: reason}") }
        return decoded
    }
}

// MARK: - The limbo format

struct LimboPeerName: Decodable {
    let kind: String
    let value: String
}

struct LimboCase: Decodable {
    let id: String
    let features: [String]?
    let validationKind: String
    let trustedCerts: [String]
    let untrustedIntermediates: [String]
    let peerCertificate: String
    let validationTime: String?
    let extendedKeyUsage: [String]?
    let expectedResult: String
    let expectedPeerName: LimboPeerName?
    let maxChainDepth: Int?
    let crls: [String]?
}

struct LimboSuite: Decodable {
    let version: Int
    let testcases: [LimboCase]

    static func load(_ path: String) throws -> LimboSuite {
        // A limbo suite is tens of MB: its own size limit, not the certificate files' one.
        let data = Data(try FileIO.read(path, limit: 1 << 30))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let suite: LimboSuite
        do {
            suite = try decoder.decode(LimboSuite.self, from: data)
        } catch {
            throw InputError(FileIO.displayName(path), "not an x509-limbo suite (\(error))")
        }
        guard suite.version == 1 else {
            throw InputError(path, "limbo format version \(suite.version) is not 1")
        }
        return suite
    }
}

struct LimboResult: Encodable {
    let id: String
    let actualResult: String
    let context: String

    enum CodingKeys: String, CodingKey {
        case id, context
        case actualResult = "actual_result"
    }
}

struct LimboResults: Encodable {
    let version = 1
    let harness = "iotcert"
    let results: [LimboResult]
}

// MARK: - Running one case

struct LimboOutcome {
    let result: String
    let context: String

    static func success(_ context: String) -> LimboOutcome {
        LimboOutcome(result: "SUCCESS", context: context)
    }
    static func failure(_ context: String) -> LimboOutcome {
        LimboOutcome(result: "FAILURE", context: context)
    }
    static func skipped(_ context: String) -> LimboOutcome {
        LimboOutcome(result: "SKIPPED", context: context)
    }
}

/// Features the product deliberately does not support, with the reason reported.
let limboSkippedFeatures: [(feature: String, reason: String)] = [
    ("has-policy-constraints",
     "has-policy-constraints: certificate policy processing is not implemented; critical "
        + "policy extensions are refused instead"),
    ("pedantic-webpki-eku",
     "pedantic-webpki-eku: RFC 5280 4.2.1.12 is followed: a leaf without EKU is valid and "
        + "anyExtendedKeyUsage is honoured"),
    ("pedantic-public-suffix-wildcard",
     "pedantic-public-suffix-wildcard: no public suffix list on a device; \"*.tld\" is "
        + "refused, multi-label public suffixes cannot be known"),
]

struct LimboRunner {
    let testCase: LimboCase
    let placement: LimboCommand.Placement
    var strict = false

    func run() -> LimboOutcome {
        for (feature, reason) in limboSkippedFeatures
        where testCase.features?.contains(feature) == true {
            return .skipped(reason)
        }
        do {
            return try verify()
        } catch let error as LimboSkip {
            return .skipped(error.reason)
        } catch {
            // Input the harness cannot turn into a verification is never accepted.
            return .failure("input refused: \(error)")
        }
    }

    private func verify() throws -> LimboOutcome {
        let id = testCase.id
        var anchors: [[UInt8]] = []
        for (i, pem) in testCase.trustedCerts.enumerated() {
            anchors += try PEM.decode(pem, label: "CERTIFICATE",
                                      source: "\(id): trusted_certs[\(i)]")
        }
        var intermediates: [[UInt8]] = []
        for (i, pem) in testCase.untrustedIntermediates.enumerated() {
            intermediates += try PEM.decode(pem, label: "CERTIFICATE",
                                            source: "\(id): untrusted_intermediates[\(i)]")
        }
        let leaf = try PEM.decodeOne(testCase.peerCertificate, label: "CERTIFICATE",
                                     source: "\(id): peer_certificate")
        let time = try validationTime()

        // Everything the core reads stays in the arena until the verification is over.
        let arena = Arena()
        let anchorViews = anchors.map(arena.copy)
        let intermediateViews = intermediates.map(arena.copy)
        var revoked: [(key: PublicKey, serial: [UInt8])] = []
        for (i, pem) in (testCase.crls ?? []).enumerated() {
            let source = "crls[\(i)]"
            for der in try PEM.decode(pem, label: "X509 CRL", source: "\(id): \(source)") {
                do {
                    revoked += try CRLImport.load(der, source: source,
                                                  issuers: anchorViews + intermediateViews,
                                                  time: time).revoked
                } catch let error as CRLError {
                    return .failure("CRL refused: \(error)")
                }
            }
        }
        let revocations = try RevocationList(arena.copy(try RevocationEncoder.encode(revoked)))

        var options = VerifyOptions(time: time, purpose: try purpose(),
                                    peerName: try peerName(arena))
        options.strict = strict
        if let depth = testCase.maxChainDepth {
            // max_chain_depth counts intermediates; depthMax counts the leaf too. The device
            // cannot go past depthCeiling, so a larger request is clamped (stricter only).
            // Clamped before the leaf is added, so that a hostile Int.max cannot overflow.
            options.limits.depthMax = UInt8(min(max(depth, 0), Int(Limits.depthCeiling) - 1) + 1)
        }
        let leafView = arena.copy(leaf)
        let presented = placement == .presented ? [leafView] + intermediateViews : [leafView]
        let stored = placement == .stored ? intermediateViews : []
        let store = TrustStore(anchors: CertificateList(arena.table(anchorViews)),
                               intermediates: CertificateList(arena.table(stored)),
                               revocations: revocations, buildTime: 0)
        let workspace = arena.workspace(workspaceBytesNeeded(options.limits))
        let result = IoTCert.verify(presented: CertificateList(arena.table(presented)),
                                    store: store, options: options, workspace: workspace)
        return withExtendedLifetime(arena) { describe(result) }
    }

    private func describe(_ result: VerifyResult) -> LimboOutcome {
        if let error = result.error {
            let at = result.failingIndex >= 0 ? " at certificate \(result.failingIndex)" : ""
            return .failure("\(error)\(at)")
        }
        let path = (0..<Int(result.pathLength)).map { String(result.path[$0]) }
        return .success("path \(path.joined(separator: ",")) to anchor \(result.anchorIndex)")
    }

    private func validationTime() throws -> Int64 {
        guard let text = testCase.validationTime else {
            return Int64(Date().timeIntervalSince1970)
        }
        // RFC 3339 through Foundation (TimeText), the fraction dropped.
        guard !text.hasPrefix("@"), let seconds = TimeText.parse(text) else {
            throw ValidationError("\(testCase.id): validation_time \"\(text)\" is not RFC 3339")
        }
        return seconds
    }

    private func purpose() throws -> Purpose {
        let ekus = testCase.extendedKeyUsage ?? []
        switch ekus {
        case []: return testCase.validationKind == "CLIENT" ? .clientAuth : .serverAuth
        case ["serverAuth"]: return .serverAuth
        case ["clientAuth"]: return .clientAuth
        default:
            throw LimboSkip(reason: "unsupported-eku: the core checks one purpose "
                                + "(serverAuth or clientAuth), asked for \(ekus)")
        }
    }

    private func peerName(_ arena: Arena) throws -> PeerName {
        guard let name = testCase.expectedPeerName else { return .none }
        switch name.kind {
        case "DNS": return .dns(arena.copy(Array(name.value.utf8)))
        case "RFC822": return .email(arena.copy(Array(name.value.utf8)))
        case "IP":
            guard let address = PeerSpec.ipAddress(name.value) else {
                throw ValidationError("\(testCase.id): \"\(name.value)\" is not an IP address")
            }
            return .ip(arena.copy(address))
        default:
            throw LimboSkip(reason: "unsupported-peer-name-kind: \(name.kind)")
        }
    }
}

struct LimboSkip: Error {
    let reason: String
}

/// Memory that stays put for the duration of one verification: copies of the DER, the
/// buffer tables that point into them, the peer name, the revocation list, the workspace.
final class Arena {
    private var releases: [() -> Void] = []

    deinit { for release in releases { release() } }

    func copy(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1),
                                                            alignment: 16)
        releases.append { memory.deallocate() }
        memory.copyBytes(from: bytes)
        return UnsafeRawBufferPointer(rebasing: memory[0..<bytes.count])
    }

    /// An `iotcert_buffer` table over views that live in this arena.
    func table(_ views: [UnsafeRawBufferPointer]) -> UnsafeBufferPointer<iotcert_buffer> {
        let table = UnsafeMutableBufferPointer<iotcert_buffer>.allocate(
            capacity: max(views.count, 1))
        releases.append { table.deallocate() }
        for (i, view) in views.enumerated() {
            table[i] = iotcert_buffer(data: view.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                      len: view.count)
        }
        return UnsafeBufferPointer(rebasing: table[0..<views.count])
    }

    func workspace(_ count: Int) -> UnsafeMutableRawBufferPointer {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1),
                                                            alignment: 16)
        releases.append { memory.deallocate() }
        return UnsafeMutableRawBufferPointer(rebasing: memory[0..<count])
    }
}

// MARK: - Comparing with the expected results

struct LimboSummary {
    var passed = 0
    var skipped = 0
    var wronglyAccepted: [String] = []
    var wronglyRejected: [(id: String, context: String)] = []
    var excepted = 0
    var stale: [String] = []

    init(suite: LimboSuite, results: [LimboResult], exceptions: [String: String],
         filtered: Bool) {
        var expected: [String: String] = [:]
        for c in suite.testcases { expected[c.id] = c.expectedResult }
        var seen = Set<String>()
        for r in results {
            seen.insert(r.id)
            let want = expected[r.id] ?? ""
            switch (r.actualResult, want) {
            case ("SKIPPED", _):
                skipped += 1
                if exceptions[r.id] != nil { stale.append(r.id) }
            case let (actual, want) where actual == want:
                passed += 1
                if exceptions[r.id] != nil { stale.append(r.id) }
            case ("SUCCESS", _):
                wronglyAccepted.append(r.id)
                if exceptions[r.id] != nil { stale.append(r.id) }
            default:
                if exceptions[r.id] != nil {
                    excepted += 1
                } else {
                    wronglyRejected.append((r.id, r.context))
                }
            }
        }
        // An exception for a case the suite no longer has is stale too (unless filtered).
        if !filtered {
            for id in exceptions.keys.sorted() where !seen.contains(id) { stale.append(id) }
        }
    }

    var failed: Int { wronglyAccepted.count + wronglyRejected.count + stale.count }
    var isClean: Bool { failed == 0 }

    var text: String {
        var lines: [String] = []
        for id in wronglyAccepted { lines.append("WRONGLY ACCEPTED \(id)") }
        for (id, context) in wronglyRejected { lines.append("WRONGLY REJECTED \(id): \(context)") }
        for id in stale { lines.append("STALE EXCEPTION \(id)") }
        lines.append("limbo: \(passed) passed, \(failed) failed, \(skipped) skipped, "
            + "\(excepted) known exceptions (wrongly accepted \(wronglyAccepted.count), "
            + "wrongly rejected \(wronglyRejected.count + excepted), stale exceptions "
            + "\(stale.count))")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The cases whose verdict the default profile changes against the strict one, checked
/// against the committed list of relaxations (each with the rule it relaxes).
struct ProfileDifferences {
    var agreeing = 0
    var differing = 0
    var unlisted: [(id: String, strict: String, relaxed: String)] = []
    var stale: [String] = []
    var relaxedAgreesWithSuite = 0

    init(strict: [LimboResult], relaxed: [LimboResult], listed: [String: String],
         suite: LimboSuite, filtered: Bool) {
        var expected: [String: String] = [:]
        for c in suite.testcases { expected[c.id] = c.expectedResult }
        var seen = Set<String>()
        for (s, r) in zip(strict, relaxed) {
            seen.insert(s.id)
            if r.actualResult == expected[r.id] { relaxedAgreesWithSuite += 1 }
            if s.actualResult == r.actualResult {
                agreeing += 1
                if listed[s.id] != nil { stale.append(s.id) }
            } else {
                differing += 1
                if listed[s.id] == nil {
                    unlisted.append((s.id, s.actualResult, r.actualResult))
                }
            }
        }
        if !filtered {
            for id in listed.keys.sorted() where !seen.contains(id) { stale.append(id) }
        }
    }

    var isClean: Bool { unlisted.isEmpty && stale.isEmpty }

    var text: String {
        var lines: [String] = []
        for u in unlisted {
            lines.append("UNLISTED PROFILE DIFFERENCE \(u.id): strict \(u.strict), default "
                + "\(u.relaxed)")
        }
        for id in stale { lines.append("STALE RELAXATION \(id)") }
        lines.append("default profile: \(relaxedAgreesWithSuite) agree with the suite, "
            + "\(differing) differ from strict (\(differing - unlisted.count) listed), "
            + "\(stale.count) stale relaxations")
        return lines.joined(separator: "\n") + "\n"
    }
}
