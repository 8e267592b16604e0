// Running a simulation (see Simulation.swift): the grid of verdicts by date and server,
// and the events, each located to the second by bisection between two steps.

import Foundation
import IoTCert

public struct SimulationReport {
    public let dates: [Int64]
    public let servers: [String]
    /// verdicts[date][server].
    public let verdicts: [[SimulationVerdict]]
    public let events: [SimulationEvent]

    /// Whether some deployed server fails at some step.
    public var anyFailure: Bool {
        verdicts.contains { row in row.contains { if case .fail = $0 { true } else { false } } }
    }

    /// The verdict of `server` at step `i`.
    public func verdict(_ server: String, at i: Int) -> SimulationVerdict? {
        servers.firstIndex(of: server).map { verdicts[i][$0] }
    }
}

public enum Simulation {
    public static func run(_ bundle: OpenedBundle, servers: [ServerChains],
                           options: SimulationOptions) throws -> SimulationReport {
        if let refusal = options.refusal { throw InputError("simulate", refusal) }
        let dates = Array(stride(from: options.from, through: options.to,
                                 by: Int(options.step)))
        let runner = SimulationRunner(bundle: bundle, options: options)
        var grid = [[SimulationVerdict]](repeating: [], count: dates.count)
        var events: [SimulationEvent] = []
        for server in servers {
            let column = dates.map { runner.verdict(server, at: $0).verdict }
            for (i, v) in column.enumerated() { grid[i].append(v) }
            events += runner.events(server, dates: dates, column: column)
        }
        return SimulationReport(dates: dates, servers: servers.map(\.name), verdicts: grid,
                                events: events.sorted { ($0.at, $0.server) < ($1.at, $1.server) })
    }
}

struct SimulationRunner {
    let bundle: OpenedBundle
    let options: SimulationOptions

    func verdict(_ server: ServerChains, at t: Int64)
        -> (verdict: SimulationVerdict, detail: String)
    {
        guard let chain = server.chain(at: t) else { return (.notDeployed, "") }
        var request = VerifyRequest(chain: chain.ders, time: t)
        request.purpose = options.purpose
        request.strict = options.strict
        request.peer = server.peer
        request.limits = options.limits
        request.workspaceBytes = options.workspaceBytes
        request.target = options.target
        let report = bundle.verify(request)
        guard let error = report.error else {
            return (.pass, "via \(report.path.map(\.origin).joined(separator: ", ")) to anchor "
                + (report.anchor ?? "?"))
        }
        let concerning = report.failing.map { " (\($0.origin): \($0.subject))" } ?? ""
        return (.fail(error), error.explained + concerning)
    }

    /// The changes of verdict along `column`, the first state included when it fails.
    func events(_ server: ServerChains, dates: [Int64], column: [SimulationVerdict])
        -> [SimulationEvent]
    {
        var out: [SimulationEvent] = []
        if case .fail = column[0] { out.append(event(server, at: dates[0], note: "")) }
        for i in 1..<max(dates.count, 1) where column[i] != column[i - 1] {
            out += locate(server, from: dates[i - 1], column[i - 1], to: dates[i])
        }
        return out
    }

    /// Where, in (a, b], the verdict changes from `va`: at a chain switch, or by bisection.
    func locate(_ server: ServerChains, from a: Int64, _ va: SimulationVerdict, to b: Int64)
        -> [SimulationEvent]
    {
        var out: [SimulationEvent] = []
        var start = a
        var startVerdict = va
        let before = server.chain(at: a)?.source
        if let switched = server.chain(at: b), switched.source != before {
            let v = verdict(server, at: switched.from).verdict
            let file = (switched.source as NSString).lastPathComponent
            if v != va {
                out.append(event(server, at: switched.from, note: "presents \(file) from then"))
            }
            start = switched.from
            startVerdict = v
        }
        if verdict(server, at: b).verdict != startVerdict {
            out.append(event(server, at: bisect(server, start, startVerdict, b), note: ""))
        }
        return out
    }

    /// The first second in (lo, hi] whose verdict differs from `vlo` (the verdict can change
    /// only at instants where some certificate's validity starts or ends).
    func bisect(_ server: ServerChains, _ lo: Int64, _ vlo: SimulationVerdict, _ hi: Int64)
        -> Int64
    {
        var lo = lo
        var hi = hi
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if verdict(server, at: mid).verdict == vlo { lo = mid } else { hi = mid }
        }
        return hi
    }

    func event(_ server: ServerChains, at t: Int64, note: String) -> SimulationEvent {
        let (v, detail) = verdict(server, at: t)
        return SimulationEvent(server: server.name, at: t, verdict: v,
                               detail: [note, detail].filter { !$0.isEmpty }
                                   .joined(separator: "; "))
    }
}

extension SimulationReport {
    /// The timeline as text: one row per step, one column per server, then the events.
    public func text(header: String) -> String {
        let width = max(servers.map(\.count).max() ?? 0, 12)
        var lines = [header,
                     "date        " + servers.map { pad($0, width) }.joined(separator: "  ")]
        for (i, date) in dates.enumerated() {
            let row = TimeText.date(date) + "  "
                + verdicts[i].map { pad($0.text, width) }.joined(separator: "  ")
            lines.append(String(row.reversed().drop { $0 == " " }.reversed()))
        }
        lines.append("events:")
        if events.isEmpty { lines.append("  none: every server's verdict holds throughout") }
        for e in events {
            let verdict = e.verdict == .pass ? "ok" : e.verdict == .notDeployed ? "-" : "FAIL"
            lines.append("  \(TimeText.format(e.at)) \(e.server): \(verdict)"
                + (e.detail.isEmpty ? "" : ": \(e.detail)"))
        }
        let failing = servers.indices.filter { s in
            verdicts.contains { if case .fail = $0[s] { true } else { false } }
        }
        lines.append("\(servers.count) server(s); \(failing.count) fail at some step")
        return lines.joined(separator: "\n") + "\n"
    }

    func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
