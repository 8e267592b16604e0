// Sets of instants, as sorted disjoint closed intervals of seconds. The packer asks "when,
// inside the deployment window, can this certificate be on a valid path?": the answer is
// its own validity intersected with the union, over its issuers, of theirs, and unions of
// intervals are not intervals.

public struct TimeSet: Equatable {
    /// Sorted, disjoint, non-adjacent closed intervals.
    public private(set) var intervals: [ClosedRange<Int64>]

    public init(_ intervals: [ClosedRange<Int64>] = []) {
        self.intervals = []
        for i in intervals { formUnion(i) }
    }

    public static var empty: TimeSet { TimeSet() }

    public var isEmpty: Bool { intervals.isEmpty }
    public var first: Int64? { intervals.first?.lowerBound }
    public var last: Int64? { intervals.last?.upperBound }

    /// Seconds covered (saturating: the window is bounded, so this never matters).
    public var length: Int64 {
        intervals.reduce(0) { sum, r in
            let (d, o) = r.upperBound.subtractingReportingOverflow(r.lowerBound)
            let (total, o2) = sum.addingReportingOverflow(d)
            return o || o2 || total == Int64.max ? Int64.max : total + 1
        }
    }

    public func contains(_ t: Int64) -> Bool { intervals.contains { $0.contains(t) } }

    public mutating func formUnion(_ r: ClosedRange<Int64>) {
        var merged = r
        var kept: [ClosedRange<Int64>] = []
        for i in intervals {
            // Adjacent intervals (b + 1 == c) merge: instants are whole seconds.
            if gapBetween(i.upperBound, merged.lowerBound)
                || gapBetween(merged.upperBound, i.lowerBound)
            {
                kept.append(i)
            } else {
                merged = min(i.lowerBound, merged.lowerBound)...max(i.upperBound,
                                                                     merged.upperBound)
            }
        }
        kept.append(merged)
        intervals = kept.sorted { $0.lowerBound < $1.lowerBound }
    }

    public func union(_ other: TimeSet) -> TimeSet {
        var out = self
        for i in other.intervals { out.formUnion(i) }
        return out
    }

    public func intersection(_ r: ClosedRange<Int64>) -> TimeSet {
        var out = TimeSet()
        for i in intervals where i.overlaps(r) { out.formUnion(i.clamped(to: r)) }
        return out
    }

    public func intersection(_ other: TimeSet) -> TimeSet {
        other.intervals.reduce(TimeSet()) { $0.union(intersection($1)) }
    }

    /// The instants of `self` not in `other`.
    public func subtracting(_ other: TimeSet) -> TimeSet {
        var out = TimeSet()
        for i in intervals {
            var start = i.lowerBound
            var covered = false
            for o in other.intervals where o.overlaps(i) {
                if o.lowerBound > start { out.formUnion(start...(o.lowerBound - 1)) }
                if o.upperBound >= i.upperBound {
                    covered = true
                    break
                }
                start = max(start, o.upperBound + 1)  // < i.upperBound: no overflow
            }
            if !covered && start <= i.upperBound { out.formUnion(start...i.upperBound) }
        }
        return out
    }

    /// "2025-01-01 to 2026-01-01", intervals joined by "; ".
    public var text: String {
        guard !isEmpty else { return "never" }
        return intervals.map { r in
            "\(TimeText.date(r.lowerBound)) to \(TimeText.date(r.upperBound))"
        }.joined(separator: "; ")
    }
}

/// Whether at least one whole second lies strictly between a and b (no overflow: a < b).
private func gapBetween(_ a: Int64, _ b: Int64) -> Bool { a < b && a + 1 < b }
