// The workspace of the device the host tool stands in for. The core's workspace holds only
// the path search's frames (`workspaceBytesNeeded`: depthMax frames plus alignment slack),
// and a frame is views and integers, so its size follows the target's pointer width: the
// host's 64-bit frames are larger than a Cortex-M's 32-bit ones. `verify --workspace N`
// means N bytes on the device, so the host run is given exactly as many frames as N bytes
// hold on the device, and the figures it prints are the device's.

import IoTCert

/// A target's frame layout: bytes for `depth` frames are `depth * frameStride +
/// alignmentSlack` (the core's `Workspace.bytesNeeded`, worst-case padding included).
public struct DeviceTarget: Equatable, Sendable {
    public let name: String
    public let label: String
    public let frameStride: Int
    public let alignmentSlack: Int

    /// Cortex-M class, 32-bit (armv7em): 216-byte frames, 8-byte alignment. Measured on the
    /// emulated Cortex-M4 (`make -C Examples/cortex-m4 footprint`): iotcert_workspace_size
    /// for depth 4 is 871 = 4 * 216 + 7. IOTCERT_WORKSPACE_BYTES(d) with 4-byte pointers,
    /// d * 256 + 8, bounds it (a test checks both).
    public static let cortexM = DeviceTarget(name: "cortex-m", label: "Cortex-M class, 32-bit",
                                             frameStride: 216, alignmentSlack: 7)

    /// This machine, the core as the host tool links it (64-bit here).
    public static let host: DeviceTarget = {
        let one = workspaceBytesNeeded(limits(depth: 1))
        let stride = workspaceBytesNeeded(limits(depth: 2)) - one
        return DeviceTarget(name: "host", label: "this host, \(MemoryLayout<Int>.size * 8)-bit",
                            frameStride: stride, alignmentSlack: one - stride)
    }()

    public static let all = [cortexM, host]

    public static func named(_ name: String) -> DeviceTarget? {
        all.first { $0.name == name }
    }

    /// Workspace bytes a verification with at most `depth` certificates needs here.
    public func bytesNeeded(depth: Int) -> Int { depth * frameStride + alignmentSlack }

    /// Whole frames that `bytes` of workspace hold here, worst-case alignment assumed.
    public func frames(in bytes: Int) -> Int {
        bytes > alignmentSlack ? (bytes - alignmentSlack) / frameStride : 0
    }

    static func limits(depth: UInt8) -> Limits {
        var l = Limits()
        l.depthMax = depth
        return l
    }
}

public enum DeviceWorkspace {
    /// Largest `--workspace` accepted: 1 MiB, more RAM than a Cortex-M class device has and
    /// 600 times what the deepest path (16 certificates) needs; a larger figure is a typo.
    public static let bytesMax = 1 << 20

    /// Why `bytes` cannot be a workspace size, or nil.
    public static func refusal(_ bytes: Int) -> String? {
        if bytes < 0 { return "must be at least 0" }
        if bytes > bytesMax {
            return "\(grouped(bytes)) bytes is more than the \(grouped(bytesMax)) bytes "
                + "accepted (a device's whole RAM); the deepest path needs "
                + "\(grouped(DeviceTarget.cortexM.bytesNeeded(depth: Int(Limits.depthCeiling))))"
                + " bytes on \(DeviceTarget.cortexM.name)"
        }
        return nil
    }
}

/// A workspace as the device sees it, and as it is handed to the host's core.
public struct WorkspaceModel: Equatable {
    public let target: DeviceTarget
    /// Certificates in a path after the bundle's policy bounded the caller's limit: the
    /// frames the core allocates.
    public let depth: Int
    /// Bytes on the device.
    public let given: Int
    public let needed: Int

    public var isEnough: Bool { given >= needed }

    /// Host bytes that hold exactly the frames `given` holds on the target.
    public var hostBytes: Int {
        let frames = min(target.frames(in: given), Int(Limits.depthCeiling))
        return DeviceTarget.host.bytesNeeded(depth: frames)
    }

    /// The host's high-water mark in the target's bytes (whole frames).
    public func deviceHighWater(host: Int) -> Int {
        guard host > 0 else { return 0 }
        let frames = (host + DeviceTarget.host.frameStride - 1) / DeviceTarget.host.frameStride
        return frames * target.frameStride
    }

    /// "workspace on cortex-m (Cortex-M class, 32-bit): needed 1,735 bytes (8 frames of 216 +
    /// 7 alignment), given 871 bytes"
    public var text: String {
        "workspace on \(target.name) (\(target.label)): needed \(grouped(needed)) bytes "
            + "(\(depth) frame(s) of \(target.frameStride) + \(target.alignmentSlack) "
            + "alignment), given \(grouped(given)) bytes" + (isEnough ? "" : ": NOT ENOUGH")
    }
}
