// 64-bit integer helpers that stay allocation-free on 32-bit targets.
//
// On armv7em, Embedded Swift lowers the generic BinaryInteger conversions into or out of
// 64-bit types (Int64(x), Int(v)) and the non-masking shifts of 64-bit values (v << n) through
// `words`, which needs an array: `-no-allocations` refuses it. These helpers use the
// concrete paths instead; the core uses them for every 64-bit conversion and shifts 64-bit
// values only with &<< and &>>.

/// Sign-extends a machine Int to Int64.
@inline(__always)
func widen(_ x: Int) -> Int64 {
    if x >= 0 { return Int64(_truncatingBits: UInt(bitPattern: x)) }
    return 0 &- Int64(_truncatingBits: UInt(bitPattern: 0 &- x))
}

/// Zero-extends a byte to UInt64.
@inline(__always)
func widen64(_ b: UInt8) -> UInt64 {
    UInt64(_truncatingBits: UInt(b))
}

/// Zero-extends a UInt32 to Int64.
@inline(__always)
func widen(_ x: UInt32) -> Int64 {
    Int64(_truncatingBits: UInt(x))
}
