// libFuzzer entry of fuzz-verify: the input goes to FuzzHarness.verify
// (Tests/IoTCertTests/FuzzHarness.swift), which the regression tests replay too.
// Built by Tests/Fuzz/run.sh into one module with the core.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = FuzzHarness.verify(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
