// The libFuzzer entry points of the four targets, in one binary: run.sh builds
// build/fuzz/fuzz-iotcert once and links fuzz-der, fuzz-certificate, fuzz-bundle and
// fuzz-verify to it; the name it is started by picks the harness function
// (Tests/IoTCertTests/FuzzHarness.swift, which the regression tests replay too). One build of
// the core with sanitizers instead of four keeps `make fuzz-smoke` short.

/// 0 until LLVMFuzzerInitialize has read the program name; then 1...4.
nonisolated(unsafe) private var fuzzTarget = 0

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    let path = argv.pointee?[0].map { String(cString: $0) } ?? ""
    let name = path.split(separator: "/").last.map(String.init) ?? path
    switch name {
    case "fuzz-der": fuzzTarget = 1
    case "fuzz-certificate": fuzzTarget = 2
    case "fuzz-bundle": fuzzTarget = 3
    case "fuzz-verify": fuzzTarget = 4
    default:
        fatalError("start this binary as fuzz-der, fuzz-certificate, fuzz-bundle or fuzz-verify")
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    switch fuzzTarget {
    case 1: _ = FuzzHarness.der(input)
    case 2: _ = FuzzHarness.certificate(input)
    case 3: _ = FuzzHarness.bundle(input)
    case 4: _ = FuzzHarness.verify(input)
    default: fatalError("LLVMFuzzerInitialize did not run")
    }
    return 0
}
