// libFuzzer entry of fuzz-bundle: the input goes to FuzzHarness.bundle
// (Tests/IoTCertTests/FuzzHarness.swift), which the regression tests replay too.
// Built by Tests/Fuzz/run.sh into one module with the core.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = FuzzHarness.bundle(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
