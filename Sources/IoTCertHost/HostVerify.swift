// `iotcert verify` as a library call: the device's validation (the core's `verify` over
// `TrustStore(bundle:)`) run on the host with a workspace of the device's size, and its
// result described: the path taken or the reason none was found, signatures checked and
// the workspace high-water mark.

import CIoTCert
import Foundation
import IoTCert

/// The identity the leaf must prove.
public enum PeerSpec: Equatable {
    case none
    case dns(String)
    /// 4 or 16 bytes, network order.
    case ip([UInt8])
    case email(String)

    /// "192.0.2.1" or "2001:db8::1" as bytes; nil when it is neither.
    public static func ipAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

public struct VerifyRequest {
    /// DER certificates, leaf first, as a peer would present them.
    public var chain: [[UInt8]]
    /// Seconds since 1970, or nil: the device does not know the time.
    public var time: Int64?
    public var purpose: Purpose = .serverAuth
    public var peer: PeerSpec = .none
    public var limits = Limits()
    /// Workspace bytes on `target`; nil: what the limits need there.
    public var workspaceBytes: Int?
    /// The strict profile (VerifyOptions.strict).
    public var strict = false
    /// The device the figures are for (DeviceWorkspace.swift).
    public var target = DeviceTarget.cortexM
    /// The bundle's names file, to name a digest-only anchor (AnchorNames.swift).
    public var names: AnchorNames?

    public init(chain: [[UInt8]], time: Int64?) {
        self.chain = chain
        self.time = time
    }
}

/// One certificate of a path, described.
public struct PathEntry: Codable, Equatable {
    /// "presented 0" or "stored 2" (the bundle's stored certificates).
    public let origin: String
    public let subject: String
}

public struct VerifyReport {
    public let error: IoTCertError?
    public let path: [PathEntry]
    /// The trust anchor that ended the path, described, and its index in the bundle.
    public let anchor: String?
    public let anchorIndex: Int?
    /// The certificate the failure concerns, when it is one.
    public let failing: PathEntry?
    public let signaturesChecked: Int
    public let steps: Int
    /// The workspace on the device: given, needed, and the high-water mark there.
    public let workspace: WorkspaceModel
    public let workspaceHighWater: Int

    public var isValid: Bool { error == nil }
}

extension OpenedBundle {
    /// Runs the device's validation of `request.chain` against this bundle.
    public func verify(_ request: VerifyRequest) -> VerifyReport {
        let presented = PinnedList(request.chain)
        let name = PinnedBytes(request.peer.bytes)
        var options = VerifyOptions(time: request.time, purpose: request.purpose)
        options.limits = request.limits
        options.strict = request.strict
        options.peerName = request.peer.core(name.buffer)
        let model = workspaceModel(request)
        // The host's core gets exactly the frames the device's bytes hold (never more than
        // the deepest path needs, whatever a caller asks for).
        let size = model.hostBytes
        let workspace = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1),
                                                               alignment: 16)
        defer { workspace.deallocate() }
        let result = IoTCert.verify(
            presented: CertificateList(presented.table), store: TrustStore(bundle: bundle),
            options: options,
            workspace: UnsafeMutableRawBufferPointer(rebasing: workspace[0..<size]))
        withExtendedLifetime((presented, name)) {}
        return describe(result, chain: request.chain, workspace: model, names: request.names)
    }

    /// The device's view of `request`'s workspace: the core allocates one frame per
    /// certificate of the deepest path the caller's limits and the bundle's policy allow.
    public func workspaceModel(_ request: VerifyRequest) -> WorkspaceModel {
        let depth = Int(min(request.limits.depthMax, bundle.policy.depthMax))
        let needed = request.target.bytesNeeded(depth: depth)
        return WorkspaceModel(target: request.target, depth: depth,
                              given: max(request.workspaceBytes ?? needed, 0), needed: needed)
    }

    func describe(_ r: VerifyResult, chain: [[UInt8]], workspace: WorkspaceModel,
                  names: AnchorNames?) -> VerifyReport
    {
        let path = (0..<Int(r.pathLength)).map { entry(Int(r.path[$0]), chain) }
        var anchor: String?
        if r.anchorIndex >= 0 {
            anchor = anchorText(Int(r.anchorIndex), issuedTop: path.isEmpty ? nil
                : topIssuer(Int(r.path[Int(r.pathLength) - 1]), chain), names: names)
        }
        return VerifyReport(
            error: r.error, path: path, anchor: anchor,
            anchorIndex: r.anchorIndex >= 0 ? Int(r.anchorIndex) : nil,
            failing: r.failingIndex >= 0 ? entry(Int(r.failingIndex), chain) : nil,
            signaturesChecked: Int(r.signaturesChecked), steps: Int(r.steps),
            workspace: workspace,
            workspaceHighWater: workspace.deviceHighWater(host: Int(r.workspaceHighWater)))
    }

    /// Certificate k in the core's numbering: presented first, then the stored ones.
    func der(_ k: Int, _ chain: [[UInt8]]) -> [UInt8] {
        k < chain.count ? chain[k] : [UInt8](bundle.certificate(k - chain.count))
    }

    func entry(_ k: Int, _ chain: [[UInt8]]) -> PathEntry {
        let origin = k < chain.count ? "presented \(k)" : "stored \(k - chain.count)"
        let subject = (try? HostCertificate(der: der(k, chain), source: origin))?.subjectText
            ?? "(a certificate the device cannot read)"
        return PathEntry(origin: origin, subject: subject)
    }

    func topIssuer(_ k: Int, _ chain: [[UInt8]]) -> String? {
        (try? HostCertificate(der: der(k, chain), source: ""))?.issuerText
    }

    /// The anchor's subject; for digest-only anchors, the name that matched the digest.
    func anchorText(_ i: Int, issuedTop: String?, names: AnchorNames?) -> String {
        let a = bundle.anchor(i)
        if a.subject.count > 0 { return "[\(i)] " + NameText.format(buffer: a.subject) }
        let digest = [UInt8](a.subjectDigest).hexString
        if let named = names?.subject(digest: digest, key: [UInt8](a.publicKey.key)) {
            return "[\(i)] \(named) (stored as subject digest \(digest); name from the names "
                + "file)"
        }
        return "[\(i)] \(issuedTop ?? "?") (stored as subject digest \(digest))"
    }
}

extension PeerSpec {
    var bytes: [UInt8] {
        switch self {
        case .none: return []
        case .dns(let s), .email(let s): return Array(s.utf8)
        case .ip(let b): return b
        }
    }

    func core(_ buffer: UnsafeRawBufferPointer) -> PeerName {
        switch self {
        case .none: return .none
        case .dns: return .dns(buffer)
        case .ip: return .ip(buffer)
        case .email: return .email(buffer)
        }
    }
}

/// DER buffers at fixed addresses and the iotcert_buffer table that lists them.
final class PinnedList {
    private let items: [PinnedBytes]
    private let storage: UnsafeMutableBufferPointer<iotcert_buffer>
    let table: UnsafeBufferPointer<iotcert_buffer>

    init(_ ders: [[UInt8]]) {
        items = ders.map { PinnedBytes($0) }
        storage = .allocate(capacity: max(ders.count, 1))
        for (i, item) in items.enumerated() {
            storage[i] = iotcert_buffer(
                data: item.buffer.baseAddress?.assumingMemoryBound(to: UInt8.self),
                len: item.count)
        }
        table = UnsafeBufferPointer(rebasing: storage[0..<ders.count])
    }

    deinit { storage.deallocate() }
}

extension VerifyReport {
    /// What `iotcert verify` prints.
    public var text: String {
        var lines: [String] = []
        if let error {
            lines.append("INVALID: \(error.explained)")
            if let f = failing { lines.append("  concerning \(f.origin): \(f.subject)") }
        } else {
            lines.append("VALID: path of \(path.count) certificate(s) to a trust anchor")
            for (i, p) in path.enumerated() { lines.append("  \(i) \(p.origin): \(p.subject)") }
            if let anchor { lines.append("  anchor \(anchor)") }
        }
        lines.append("signatures checked: \(signaturesChecked), search steps: \(steps)")
        lines.append(workspace.text)
        lines.append("workspace high-water mark: \(grouped(workspaceHighWater)) of "
            + "\(grouped(workspace.given)) bytes on \(workspace.target.name)")
        return lines.joined(separator: "\n") + "\n"
    }
}
