// The C API (Include/iotcert.h), exported with @_cdecl. Every entry point validates what C
// can get wrong (NULL pointers, struct sizes, lengths) and answers with a status code; no
// input reaches a trap.

import CIoTCert

/// Version of the library, as "major.minor.patch".
@_cdecl("iotcert_version")
public func iotcert_version() -> UnsafePointer<CChar> {
    cString("0.1.0")
}

@inline(__always)
func cString(_ s: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Marks an iotcert_trust as initialised; anything else in `state` reads as not.
let trustInitialised: UInt32 = 0x5452_5354  // "TRST"

extension iotcert_trust {
    /// Where the Swift TrustStore lives inside the opaque words.
    static var capacity: Int { MemoryLayout<iotcert_trust>.size - 8 }
}

@_cdecl("iotcert_options_init")
public func iotcert_options_init(_ options: UnsafeMutablePointer<iotcert_options>?) {
    guard let options else { return }
    let defaults = Limits()
    options.initialize(to: iotcert_options(
        struct_size: UInt32(MemoryLayout<iotcert_options>.size), flags: 0, time: 0,
        purpose: IOTCERT_PURPOSE_SERVER_AUTH, peer_kind: IOTCERT_PEER_NONE, peer: nil,
        peer_len: 0, depth_max: UInt32(defaults.depthMax),
        presented_max: UInt32(defaults.presentedMax),
        candidates_max: UInt32(defaults.candidatesMax),
        signatures_max: UInt32(defaults.signaturesMax),
        name_comparisons_max: defaults.nameComparisonsMax, steps_max: defaults.stepsMax,
        memo: nil, memo_len: 0))
}

/// iotcert_trust_init_anchors: a store over caller certificates, without revocations (the
/// header's iotcert_trust_init_certs adds them with iotcert_trust_set_revocations).
@_cdecl("iotcert_trust_init_anchors")
public func iotcert_trust_init_anchors(
    _ trust: UnsafeMutablePointer<iotcert_trust>?,
    _ anchors: UnsafePointer<iotcert_buffer>?, _ anchorCount: Int,
    _ stored: UnsafePointer<iotcert_buffer>?, _ storedCount: Int,
    _ buildTime: Int64
) -> Int32 {
    guard let trust else { return IoTCertError.invalidArgument.rawValue }
    trust.pointee.state = 0
    guard anchorCount > 0, let anchors, storedCount >= 0, storedCount == 0 || stored != nil
    else { return IoTCertError.invalidArgument.rawValue }
    guard anchorCount < Int(UInt16.max), storedCount < Int(UInt16.max) else {
        return IoTCertError.tooManyTrustedCertificates.rawValue
    }
    let store = TrustStore(
        anchors: CertificateList(UnsafeBufferPointer(start: anchors, count: anchorCount)),
        intermediates: CertificateList(UnsafeBufferPointer(start: stored, count: storedCount)),
        buildTime: buildTime)
    writeTrust(store, into: trust)
    return 0
}

/// iotcert_trust_set_revocations: validates `revocations` and adds them to a store of
/// certificates. Its own entry point, so that only a product that calls it links the
/// revocation reader.
@_cdecl("iotcert_trust_set_revocations")
public func iotcert_trust_set_revocations(
    _ trust: UnsafeMutablePointer<iotcert_trust>?,
    _ revocations: UnsafePointer<UInt8>?, _ revocationsLength: Int
) -> Int32 {
    guard let trust else { return IoTCertError.invalidArgument.rawValue }
    guard let current = readTrust(trust),
        case .certificates(let anchors, let intermediates) = current.pointee.source,
        revocationsLength >= 0, revocationsLength == 0 || revocations != nil
    else {
        trust.pointee.state = 0
        return IoTCertError.invalidArgument.rawValue
    }
    let list: RevocationList
    do {
        list = try RevocationList(UnsafeRawBufferPointer(start: revocations,
                                                         count: revocationsLength))
    } catch {
        trust.pointee.state = 0
        return error.rawValue
    }
    let store = TrustStore(anchors: anchors, intermediates: intermediates, revocations: list,
                           buildTime: current.pointee.buildTime)
    writeTrust(store, into: trust)
    return 0
}

func writeTrust(_ store: TrustStore, into trust: UnsafeMutablePointer<iotcert_trust>) {
    precondition(MemoryLayout<TrustStore>.size <= iotcert_trust.capacity,
                 "iotcert_trust too small for TrustStore")
    trust.pointee.struct_size = UInt32(MemoryLayout<iotcert_trust>.size)
    withUnsafeMutablePointer(to: &trust.pointee.opaque) {
        UnsafeMutableRawPointer($0).bindMemory(to: TrustStore.self, capacity: 1)
            .initialize(to: store)
    }
    trust.pointee.state = trustInitialised
}

/// The TrustStore inside an initialised iotcert_trust, in place: neither the opaque words
/// nor the store are copied (a copy would cost their size in stack).
func readTrust(_ trust: UnsafePointer<iotcert_trust>) -> UnsafePointer<TrustStore>? {
    guard trust.pointee.state == trustInitialised,
        trust.pointee.struct_size == UInt32(MemoryLayout<iotcert_trust>.size)
    else { return nil }
    return (UnsafeRawPointer(trust) + MemoryLayout<iotcert_trust>.offset(of: \.opaque)!)
        .assumingMemoryBound(to: TrustStore.self)
}

/// Limits from C options, each checked against its documented range. The options come by
/// pointer: a value would be a copy of all of them in the caller's frame.
func limits(from options: UnsafePointer<iotcert_options>) throws(IoTCertError) -> Limits {
    let o = options.pointee
    var l = Limits()
    guard o.depth_max >= 1, o.depth_max <= UInt32(Limits.depthCeiling),
        o.presented_max >= 1, o.presented_max <= 255,
        o.candidates_max >= 1, o.candidates_max <= 255,
        o.signatures_max >= 1, o.signatures_max <= 65_535,
        o.name_comparisons_max >= 1, o.steps_max >= 1
    else { throw .limitOutOfRange }
    l.depthMax = UInt8(o.depth_max)
    l.presentedMax = UInt8(o.presented_max)
    l.candidatesMax = UInt8(o.candidates_max)
    l.signaturesMax = UInt16(o.signatures_max)
    l.nameComparisonsMax = o.name_comparisons_max
    l.stepsMax = o.steps_max
    return l
}

/// VerifyOptions from C options. Each field is read through the pointer (`options.pointee`
/// bound to a local would copy all 64 bytes of them into this frame first).
func verifyOptions(from o: UnsafePointer<iotcert_options>) throws(IoTCertError)
    -> VerifyOptions
{
    let flags = o.pointee.flags
    guard o.pointee.struct_size == UInt32(MemoryLayout<iotcert_options>.size),
        flags & ~(IOTCERT_FLAG_TIME_UNKNOWN | IOTCERT_FLAG_STRICT_PROFILE) == 0
    else { throw .invalidArgument }
    let time: Int64? = flags & IOTCERT_FLAG_TIME_UNKNOWN != 0 ? nil : o.pointee.time
    var purpose: Purpose
    switch o.pointee.purpose {
    case IOTCERT_PURPOSE_ANY: purpose = .any
    case IOTCERT_PURPOSE_SERVER_AUTH: purpose = .serverAuth
    case IOTCERT_PURPOSE_CLIENT_AUTH: purpose = .clientAuth
    default: throw .invalidArgument
    }
    let kind = o.pointee.peer_kind
    let start = o.pointee.peer
    guard kind == IOTCERT_PEER_NONE || start != nil, o.pointee.peer_len >= 0 else {
        throw .invalidArgument
    }
    let name = UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : o.pointee.peer_len)
    let peer: PeerName
    switch kind {
    case IOTCERT_PEER_NONE: peer = .none
    case IOTCERT_PEER_DNS: peer = .dns(name)
    case IOTCERT_PEER_IP: peer = .ip(name)
    case IOTCERT_PEER_EMAIL: peer = .email(name)
    default: throw .invalidArgument
    }
    var options = VerifyOptions(time: time, purpose: purpose, peerName: peer)
    options.limits = try limits(from: o)
    options.strict = flags & IOTCERT_FLAG_STRICT_PROFILE != 0
    if let memo = o.pointee.memo {
        // The memo's code is reached only through the functions iotcert_memo_init or
        // iotcert_memo_attach installed; before either was called there is no memo to use.
        guard let functions = memoFunctions,
            functions.attach(memo, o.pointee.memo_len, &options.memo)
        else { throw .invalidArgument }
    }
    return options
}

@_cdecl("iotcert_workspace_size")
public func iotcert_workspace_size(_ options: UnsafePointer<iotcert_options>?) -> Int {
    guard let options else { return workspaceBytesNeeded(Limits()) }
    guard let l = try? limits(from: options) else { return 0 }
    return workspaceBytesNeeded(l)
}

@_cdecl("iotcert_verify")
public func iotcert_verify(
    _ trust: UnsafePointer<iotcert_trust>?,
    _ chain: UnsafePointer<iotcert_buffer>?, _ chainLength: Int,
    _ options: UnsafePointer<iotcert_options>?,
    _ workspace: UnsafeMutableRawPointer?, _ workspaceLength: Int,
    _ result: UnsafeMutablePointer<iotcert_result>?
) -> Int32 {
    guard let result, result.pointee.struct_size == UInt32(MemoryLayout<iotcert_result>.size)
    else { return IoTCertError.invalidArgument.rawValue }
    let status = verifyChecked(trust, chain, chainLength, options, workspace, workspaceLength,
                               result)
    result.pointee.status = status
    return status
}

private func verifyChecked(
    _ trust: UnsafePointer<iotcert_trust>?, _ chain: UnsafePointer<iotcert_buffer>?,
    _ chainLength: Int, _ options: UnsafePointer<iotcert_options>?,
    _ workspace: UnsafeMutableRawPointer?, _ workspaceLength: Int,
    _ result: UnsafeMutablePointer<iotcert_result>
) -> Int32 {
    clear(result)
    guard let trust, let store = readTrust(trust), let chain, chainLength > 0, let options,
        let workspace, workspaceLength > 0
    else { return IoTCertError.invalidArgument.rawValue }
    // The options are written straight into this frame (a returned value assigned to a
    // local would be built elsewhere and copied).
    return withUnsafeTemporaryAllocation(of: VerifyOptions.self, capacity: 1) { buffer in
        let verifyOptions = buffer.baseAddress!
        do throws(IoTCertError) {
            verifyOptions.initialize(to: try IoTCert.verifyOptions(from: options))
        } catch {
            return error.rawValue
        }
        let r = verify(
            presented: CertificateList(UnsafeBufferPointer(start: chain, count: chainLength)),
            store: TrustStoreReference(store), options: verifyOptions,
            workspace: UnsafeMutableRawBufferPointer(start: workspace, count: workspaceLength))
        copy(r, into: result)
        return r.error?.rawValue ?? 0
    }
}

private func clear(_ result: UnsafeMutablePointer<iotcert_result>) {
    let size = result.pointee.struct_size
    UnsafeMutableRawPointer(result).initializeMemory(
        as: UInt8.self, repeating: 0, count: MemoryLayout<iotcert_result>.size)
    result.pointee.struct_size = size
    result.pointee.anchor_index = -1
    result.pointee.failing_index = -1
}

private func copy(_ r: VerifyResult, into c: UnsafeMutablePointer<iotcert_result>) {
    // Both are 16 UInt16s, unused entries zero: one block copy (element by element, each
    // read of PathIndices would copy the whole tuple).
    precondition(MemoryLayout<PathIndices>.size == MemoryLayout.size(ofValue: c.pointee.path),
                 "iotcert_result.path and PathIndices differ")
    var path = r.path
    withUnsafeMutablePointer(to: &c.pointee.path) { out in
        withUnsafePointer(to: &path) {
            UnsafeMutableRawPointer(out).copyMemory(from: $0,
                                                    byteCount: MemoryLayout<PathIndices>.size)
        }
    }
    c.pointee.path_len = UInt32(r.pathLength)
    c.pointee.anchor_index = r.anchorIndex
    c.pointee.failing_index = r.failingIndex
    c.pointee.signatures_checked = UInt32(r.signaturesChecked)
    c.pointee.memo_hits = UInt32(r.memoHits)
    c.pointee.steps = r.steps
    c.pointee.name_comparisons = r.nameComparisons
    c.pointee.workspace_high_water = r.workspaceHighWater
}

/// iotcert_bundle_open: opens a bundle in place into `trust` (see iotcert.h).
@_cdecl("iotcert_bundle_open")
public func iotcert_bundle_open(
    _ trust: UnsafeMutablePointer<iotcert_trust>?,
    _ bundle: UnsafePointer<UInt8>?, _ length: Int,
    _ signingKey: UnsafePointer<UInt8>?, _ signingKeyLength: Int,
    _ currentSequence: UnsafePointer<UInt32>?
) -> Int32 {
    guard let trust else { return IoTCertError.invalidArgument.rawValue }
    trust.pointee.state = 0
    guard let bundle, length > 0, signingKey == nil || signingKeyLength == 65 else {
        return IoTCertError.invalidArgument.rawValue
    }
    let key = signingKey.map { UnsafeRawBufferPointer(start: $0, count: signingKeyLength) }
    do {
        let opened = try Bundle.open(UnsafeRawBufferPointer(start: bundle, count: length),
                                     signingKey: key, currentSequence: currentSequence?.pointee)
        writeTrust(TrustStore(bundle: opened), into: trust)
        return 0
    } catch {
        return error.rawValue
    }
}

/// iotcert_bundle_get_info: the opened bundle's sequence number, build time and counts.
@_cdecl("iotcert_bundle_get_info")
public func iotcert_bundle_get_info(
    _ trust: UnsafePointer<iotcert_trust>?, _ info: UnsafeMutablePointer<iotcert_bundle_info>?
) -> Int32 {
    guard let trust, let info, let store = readTrust(trust),
        info.pointee.struct_size == UInt32(MemoryLayout<iotcert_bundle_info>.size),
        let b = store.pointee.bundle
    else { return IoTCertError.invalidArgument.rawValue }
    info.pointee.sequence = b.sequence
    info.pointee.build_time = b.buildTime
    info.pointee.anchors = UInt32(b.anchorCount)
    info.pointee.certificates = UInt32(b.certificateCount)
    info.pointee.device_chain = UInt32(b.deviceChainCount)
    info.pointee.is_signed = b.isSigned ? 1 : 0
    return 0
}

/// iotcert_bundle_device_certificate: the i-th certificate of the device's own chain.
@_cdecl("iotcert_bundle_device_certificate")
public func iotcert_bundle_device_certificate(
    _ trust: UnsafePointer<iotcert_trust>?, _ index: Int,
    _ out: UnsafeMutablePointer<iotcert_buffer>?
) -> Int32 {
    guard let trust, let out, let store = readTrust(trust), let b = store.pointee.bundle,
        index >= 0, index < b.deviceChainCount
    else { return IoTCertError.invalidArgument.rawValue }
    let der = b.deviceCertificate(index)
    out.pointee = iotcert_buffer(data: der.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                 len: der.count)
    return 0
}

@_cdecl("iotcert_memo_init")
public func iotcert_memo_init(_ memo: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
    guard let memo, length > 0 else { return IoTCertError.invalidArgument.rawValue }
    do {
        _ = try SignatureMemo.format(UnsafeMutableRawBufferPointer(start: memo, count: length))
        return 0
    } catch {
        return error.rawValue
    }
}

@_cdecl("iotcert_memo_attach")
public func iotcert_memo_attach(_ memo: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
    guard let memo, length > 0 else { return IoTCertError.invalidArgument.rawValue }
    do {
        _ = try SignatureMemo(attaching: UnsafeMutableRawBufferPointer(start: memo,
                                                                       count: length))
        return 0
    } catch {
        return error.rawValue
    }
}
