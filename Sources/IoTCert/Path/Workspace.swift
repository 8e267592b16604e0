// The caller's working memory. The core never allocates: everything that must outlive one
// function (the path-search stack) is carved from this buffer by bumping an offset, and the
// highest offset reached is reported so that firmware can size a static buffer from a
// measurement instead of a guess.

public struct Workspace {
    private let base: UnsafeMutableRawPointer?
    public let capacity: Int
    private var used = 0
    /// The most bytes in use at any time since creation.
    public private(set) var highWater = 0

    public init(_ memory: UnsafeMutableRawBufferPointer) {
        base = memory.baseAddress
        capacity = memory.count
    }

    /// Reserves room for `count` values of `T`, aligned for `T`, uninitialised.
    public mutating func allocate<T>(_ type: T.Type, count: Int) throws(IoTCertError)
        -> UnsafeMutablePointer<T>
    {
        guard let base, count >= 0 else { throw .workspaceExhausted }
        let alignment = MemoryLayout<T>.alignment
        let address = Int(bitPattern: base) + used
        let padding = (alignment - address % alignment) % alignment
        let stride = MemoryLayout<T>.stride
        guard count <= (capacity - used - padding) / max(stride, 1) else {
            throw .workspaceExhausted
        }
        let start = used + padding
        used = start + stride * count
        if used > highWater { highWater = used }
        return (base + start).bindMemory(to: T.self, capacity: count)
    }

    /// Bytes needed for `count` values of `T` including worst-case alignment padding.
    public static func bytesNeeded<T>(_ type: T.Type, count: Int) -> Int {
        MemoryLayout<T>.stride * count + MemoryLayout<T>.alignment - 1
    }
}
