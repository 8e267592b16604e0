// libFuzzer entry of fuzz-certificate: the input goes to FuzzHarness.certificate
// (Tests/IoTCertTests/FuzzHarness.swift), which the regression tests replay too.
// Built by Tests/Fuzz/run.sh into one module with the core.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = FuzzHarness.certificate(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
