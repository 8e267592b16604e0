// libFuzzer entry of fuzz-der: the input goes to FuzzHarness.der
// (Tests/IoTCertTests/FuzzHarness.swift), which the regression tests replay too.
// Built by Tests/Fuzz/run.sh into one module with the core.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = FuzzHarness.der(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
