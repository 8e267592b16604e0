// The trust store's C API (Include/iotcert_store.h), exported with @_cdecl. The Swift
// `Store` lives inside the caller's iotcert_store; each entry point checks what C can get
// wrong (NULL, struct sizes, a store never opened) and answers with a status code.

import CIoTCert

/// Marks an iotcert_store as open; anything else in `state` reads as not.
let storeOpened: UInt32 = 0x5354_4F52  // "STOR"

/// Where the Swift Store lives inside an iotcert_store: the opaque words, used in place
/// (a copy would cost their size in stack).
private func storage(_ s: UnsafeMutablePointer<iotcert_store>) -> UnsafeMutableRawPointer {
    UnsafeMutableRawPointer(s) + MemoryLayout<iotcert_store>.offset(of: \.opaque)!
}

/// The Store inside an opened iotcert_store, or nil.
private func storeIn(_ s: UnsafeMutablePointer<iotcert_store>?)
    -> UnsafeMutablePointer<Store>?
{
    guard let s, s.pointee.state == storeOpened,
        s.pointee.struct_size == UInt32(MemoryLayout<iotcert_store>.size)
    else { return nil }
    return storage(s).assumingMemoryBound(to: Store.self)
}

private func storeIn(_ s: UnsafePointer<iotcert_store>?) -> UnsafePointer<Store>? {
    let mutable: UnsafeMutablePointer<iotcert_store>? = s.map { UnsafeMutablePointer(mutating: $0) }
    return storeIn(mutable).map { UnsafePointer($0) }
}

@_cdecl("iotcert_store_open")
public func iotcert_store_open(
    _ store: UnsafeMutablePointer<iotcert_store>?, _ flash: UnsafePointer<iotcert_flash>?,
    _ signingKey: UnsafePointer<UInt8>?, _ signingKeyLength: Int,
    _ buffer: UnsafeMutablePointer<UInt8>?, _ bufferLength: Int
) -> Int32 {
    precondition(MemoryLayout<Store>.size <= MemoryLayout<iotcert_store>.size
                     - MemoryLayout<iotcert_store>.offset(of: \.opaque)!
                     && MemoryLayout<Store>.alignment <= 8,
                 "iotcert_store too small for Store")
    guard let store else { return IoTCertError.invalidArgument.rawValue }
    store.pointee.state = 0
    guard let flash, signingKey == nil || signingKeyLength == 65, bufferLength >= 0 else {
        return IoTCertError.invalidArgument.rawValue
    }
    let key = signingKey.map { UnsafeRawBufferPointer(start: $0, count: signingKeyLength) }
    let ram = buffer.map { UnsafeMutableRawBufferPointer(start: $0, count: bufferLength) }
    do {
        let opened = try Store.open(flash: flash.pointee, signingKey: key, buffer: ram)
        store.pointee.struct_size = UInt32(MemoryLayout<iotcert_store>.size)
        storage(store).bindMemory(to: Store.self, capacity: 1).initialize(to: opened)
        store.pointee.state = storeOpened
        return 0
    } catch {
        return error.rawValue
    }
}

@_cdecl("iotcert_store_get_info")
public func iotcert_store_get_info(
    _ store: UnsafePointer<iotcert_store>?, _ info: UnsafeMutablePointer<iotcert_store_info>?
) -> Int32 {
    guard let s = storeIn(store), let info,
        info.pointee.struct_size == UInt32(MemoryLayout<iotcert_store_info>.size)
    else { return IoTCertError.invalidArgument.rawValue }
    var out = iotcert_store_info()
    out.struct_size = info.pointee.struct_size
    if let active = s.pointee.active {
        out.status = 0
        out.slot = UInt32(active.record.slot)
        out.sequence = active.record.sequence
        out.generation = active.record.generation
        out.length = active.record.length
    } else {
        out.status = s.pointee.absence.rawValue
    }
    if s.pointee.update.inProgress {
        out.update_length = s.pointee.update.length
        out.update_written = s.pointee.update.received
    }
    info.pointee = out
    return 0
}

@_cdecl("iotcert_store_bundle")
public func iotcert_store_bundle(
    _ store: UnsafePointer<iotcert_store>?, _ out: UnsafeMutablePointer<iotcert_buffer>?
) -> Int32 {
    guard let s = storeIn(store), let out else { return IoTCertError.invalidArgument.rawValue }
    out.pointee = iotcert_buffer(data: nil, len: 0)
    do {
        let bytes = try s.pointee.bundle().bytes
        out.pointee = iotcert_buffer(
            data: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), len: bytes.count)
        return 0
    } catch {
        return error.rawValue
    }
}

@_cdecl("iotcert_store_trust")
public func iotcert_store_trust(
    _ store: UnsafePointer<iotcert_store>?, _ trust: UnsafeMutablePointer<iotcert_trust>?
) -> Int32 {
    guard let trust else { return IoTCertError.invalidArgument.rawValue }
    trust.pointee.state = 0
    guard let s = storeIn(store) else { return IoTCertError.invalidArgument.rawValue }
    do {
        writeTrust(TrustStore(bundle: try s.pointee.bundle()), into: trust)
        return 0
    } catch {
        return error.rawValue
    }
}

@_cdecl("iotcert_store_update_begin")
public func iotcert_store_update_begin(_ store: UnsafeMutablePointer<iotcert_store>?,
                                       _ length: Int) -> Int32 {
    guard let s = storeIn(store) else { return IoTCertError.invalidArgument.rawValue }
    do {
        try s.pointee.beginUpdate(length: length)
        return 0
    } catch {
        return error.rawValue
    }
}

@_cdecl("iotcert_store_update_write")
public func iotcert_store_update_write(_ store: UnsafeMutablePointer<iotcert_store>?,
                                       _ data: UnsafePointer<UInt8>?, _ length: Int) -> Int32 {
    guard let s = storeIn(store) else { return IoTCertError.invalidArgument.rawValue }
    guard length >= 0, data != nil || length == 0 else {
        s.pointee.abortUpdate()
        return IoTCertError.invalidArgument.rawValue
    }
    do {
        try s.pointee.writeUpdate(UnsafeRawBufferPointer(start: data, count: length))
        return 0
    } catch {
        return error.rawValue
    }
}

@_cdecl("iotcert_store_update_finish")
public func iotcert_store_update_finish(_ store: UnsafeMutablePointer<iotcert_store>?)
    -> Int32
{
    guard let s = storeIn(store) else { return IoTCertError.invalidArgument.rawValue }
    do {
        _ = try s.pointee.finishUpdate()
        return 0
    } catch {
        return error.rawValue
    }
}

@_cdecl("iotcert_store_update_abort")
public func iotcert_store_update_abort(_ store: UnsafeMutablePointer<iotcert_store>?) {
    storeIn(store)?.pointee.abortUpdate()
}
