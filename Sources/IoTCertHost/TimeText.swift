// Instants and durations as the tool reads and prints them. Everything is seconds since
// 1970-01-01T00:00:00Z in UTC, as the core counts (Certificate.notBefore/notAfter); the
// calendar arithmetic is the proleptic Gregorian "days from civil" of Howard Hinnant, so no
// time zone database or locale can change what a date means.

import Foundation

public enum TimeText {
    public static let secondsPerDay: Int64 = 86_400

    /// Days since 1970-01-01 of a Gregorian date (month 1...12, day 1...31).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// (year, month, day) of a day number since 1970-01-01.
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096)
            / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// "2025-01-31T12:00:00Z".
    public static func format(_ seconds: Int64) -> String {
        let days = floorDiv(seconds, secondsPerDay)
        let rest = seconds - days * secondsPerDay
        return date(seconds) + String(format: "T%02lld:%02lld:%02lldZ", rest / 3600,
                                      rest / 60 % 60, rest % 60)
    }

    /// "2025-01-31" (the UTC day that contains the instant).
    public static func date(_ seconds: Int64) -> String {
        let (y, m, d) = civil(days: floorDiv(seconds, secondsPerDay))
        return String(format: "%04lld-%02lld-%02lld", y, m, d)
    }

    /// The instant in `text`: "YYYY-MM-DD" (midnight UTC), RFC 3339
    /// "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" (fraction dropped: certificate times are whole
    /// seconds), or a number of seconds since 1970. Nil when it is none of these.
    public static func parse(_ text: String) -> Int64? {
        if let seconds = Int64(text) { return seconds }
        let s = Array(text.utf8)
        guard s.count >= 10, let year = number(s, 0, 4), s[4] == 0x2D,
            let month = number(s, 5, 2), s[7] == 0x2D, let day = number(s, 8, 2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let midnight = days(year: year, month: month, day: day) * secondsPerDay
        if s.count == 10 { return midnight }
        guard let timeOfDay = parseTimeOfDay(s) else { return nil }
        return midnight + timeOfDay
    }

    /// "THH:MM:SS[.frac](Z|±HH:MM)" from offset 10; the seconds it adds to midnight.
    private static func parseTimeOfDay(_ s: [UInt8]) -> Int64? {
        guard s.count >= 20, s[10] == 0x54 || s[10] == 0x74, let hour = number(s, 11, 2),
            s[13] == 0x3A, let minute = number(s, 14, 2), s[16] == 0x3A,
            let second = number(s, 17, 2), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var at = 19
        if s[at] == 0x2E {
            at += 1
            let start = at
            while at < s.count, s[at] >= 0x30, s[at] <= 0x39 { at += 1 }
            guard at > start, at < s.count else { return nil }
        }
        var offset: Int64 = 0
        if s[at] == 0x5A || s[at] == 0x7A {
            at += 1
        } else if s[at] == 0x2B || s[at] == 0x2D {
            guard let h = number(s, at + 1, 2), at + 3 < s.count, s[at + 3] == 0x3A,
                let m = number(s, at + 4, 2), h <= 23, m <= 59
            else { return nil }
            offset = (h * 60 + m) * 60 * (s[at] == 0x2D ? -1 : 1)
            at += 6
        } else {
            return nil
        }
        guard at == s.count else { return nil }
        return hour * 3600 + minute * 60 + second - offset
    }

    private static func number(_ s: [UInt8], _ at: Int, _ count: Int) -> Int64? {
        guard at + count <= s.count else { return nil }
        var n: Int64 = 0
        for c in s[at..<(at + count)] {
            guard c >= 0x30, c <= 0x39 else { return nil }
            n = n * 10 + Int64(c - 0x30)
        }
        return n
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// The current time, whole seconds.
    public static var now: Int64 { Int64(Date().timeIntervalSince1970) }
}

/// A length of time written "30d", "12h", "2w" or "3600s".
public enum DurationText {
    public static func parse(_ text: String) -> Int64? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n >= 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 7 * 86_400
        default: return nil
        }
        let (product, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    /// "30d", "12h", or seconds when not a whole number of hours.
    public static func format(_ seconds: Int64) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        return "\(seconds)s"
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal.
    public var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

/// 12,345 (thousands separated, for sizes in reports).
public func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}
