// Instants and durations as the tool reads and prints them. Everything is seconds since
// 1970-01-01T00:00:00Z in UTC, as the core counts (Certificate.notBefore/notAfter). Dates are
// read and written by Foundation's ISO 8601 formatter; the forms accepted are exactly those
// listed in `forms` (docs/iotcert-tool.md), so that "20250101" can never be taken for
// seconds since 1970.

import Foundation

public enum TimeText {
    public static let secondsPerDay: Int64 = 86_400

    /// The earliest and latest instant a time may name: 1600-01-01T00:00:00Z and
    /// 9999-12-31T23:59:59Z. The end is the last second RFC 3339's four-digit years can
    /// write; the start is after the Gregorian calendar's adoption, before which Foundation
    /// prints Julian dates that are not the (proleptic Gregorian) instant the core counts.
    /// Every accepted time then prints back as the date it is, and a time plus a duration
    /// (`DurationText.max`) stays far inside Int64, so no sum of them can overflow.
    public static let earliest: Int64 = -11_676_096_000
    public static let latest: Int64 = 253_402_300_799

    /// The documented forms, for help texts and error messages.
    public static let forms = "a date (2025-01-01, midnight UTC), RFC 3339 "
        + "(2025-01-01T00:00:00Z, 2025-01-01T01:00:00+01:00), or @seconds since 1970 "
        + "(@1735689600)"

    private static func formatter(_ options: ISO8601DateFormatter.Options,
                                  zone: TimeZone = utc) -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.timeZone = zone
        f.formatOptions = options
        return f
    }

    private static let utc = TimeZone(identifier: "UTC")!
    // Formatters are costly to make; the tool is single-threaded, so one each is shared.
    nonisolated(unsafe) private static let dateTime = formatter([.withInternetDateTime])
    nonisolated(unsafe) private static let fractional = formatter([.withInternetDateTime,
                                                                   .withFractionalSeconds])
    nonisolated(unsafe) private static let dateOnly = formatter([.withFullDate])

    /// "2025-01-31T12:00:00Z".
    public static func format(_ seconds: Int64) -> String {
        dateTime.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// "2025-01-31" (the UTC day that contains the instant).
    public static func date(_ seconds: Int64) -> String {
        dateOnly.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// The instant in `text`, one of `forms` (a fraction of a second is dropped: certificate
    /// times are whole seconds); nil when it is none of them.
    public static func parse(_ text: String) -> Int64? {
        if text.hasPrefix("@") {
            guard let seconds = Int64(text.dropFirst()), !text.dropFirst().hasPrefix("+")
            else { return nil }
            return inRange(seconds)
        }
        if text.count == 10 {
            guard let date = dateOnly.date(from: text), dateOnly.string(from: date) == text
            else { return nil }
            return inRange(Int64(date.timeIntervalSince1970))
        }
        return parseDateTime(text).flatMap(inRange)
    }

    private static func inRange(_ seconds: Int64) -> Int64? {
        (earliest...latest).contains(seconds) ? seconds : nil
    }

    /// RFC 3339 date-time. Foundation's parser is lenient (it rolls 2023-02-29 over to
    /// March 1, reads 24:00:00 as the next day, takes one-digit months and ignores trailing
    /// text), so the instant it returns must print back as the text it came from, in the
    /// text's own UTC offset.
    private static func parseDateTime(_ text: String) -> Int64? {
        let hasFraction = text.count > 19 && text[text.index(text.startIndex, offsetBy: 19)] == "."
        guard let date = (hasFraction ? fractional : dateTime).date(from: text),
            let zone = offsetZone(text)
        else { return nil }
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let printed = formatter([.withInternetDateTime], zone: zone)
            .string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        var whole = text
        if hasFraction, let dot = text.firstIndex(of: ".") {
            let end = text[dot...].firstIndex { $0 == "Z" || $0 == "+" || $0 == "-" }
            guard let end else { return nil }
            whole = String(text[..<dot] + text[end...])
        }
        return printed == whole || (whole.hasSuffix("+00:00") && printed.hasSuffix("Z")
            && printed.dropLast() == whole.dropLast(6)) ? seconds : nil
    }

    /// The zone of an RFC 3339 offset ("Z" or "±HH:MM" at the end), nil when there is none.
    private static func offsetZone(_ text: String) -> TimeZone? {
        if text.hasSuffix("Z") { return utc }
        let tail = Array(text.utf8.suffix(6))
        guard tail.count == 6, tail[0] == 0x2B || tail[0] == 0x2D, tail[3] == 0x3A,
            let h = Int(String(decoding: tail[1...2], as: UTF8.self)),
            let m = Int(String(decoding: tail[4...5], as: UTF8.self))
        else { return nil }
        return TimeZone(secondsFromGMT: (h * 3600 + m * 60) * (tail[0] == 0x2D ? -1 : 1))
    }

    /// a / b rounded towards minus infinity (whole days before 1970 too).
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// The current time, whole seconds.
    public static var now: Int64 { Int64(Date().timeIntervalSince1970) }
}

/// A length of time written "30d", "12h", "2w" or "3600s".
public enum DurationText {
    /// The longest duration: the span from `TimeText.earliest` to `TimeText.latest`
    /// (438,290 weeks), so that a time plus a duration cannot overflow.
    public static let max = TimeText.latest - TimeText.earliest

    /// The seconds in `text`, nil when it is not one of the forms or longer than `max`.
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
        return overflow || product > max ? nil : product
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
