import Foundation

/// The progress of a long run (`conform fixtures`, `live`, `bench`): the count, the failures so far,
/// the rate and the time left, as a bar redrawn in place for a terminal or as plain lines now and then
/// for a log.
///
/// The meter only decides what to show and when; the caller writes it (and, on a terminal, the
/// carriage return and the escape code that clear the line). Times are seconds since the run started,
/// passed in, so the meter is the same on any clock.
///
/// ```swift
/// var meter = ProgressMeter(label: "live", total: 2000, style: .log(interval: 10))
/// if let line = meter.advance(failed: !result.passed, at: elapsed) { print(line) }
/// // live: 812/2000 cases (41%), 3 failed, 41.2 cases/s, 0:29 left
/// ```
public struct ProgressMeter: Sendable {
    /// Where the progress goes.
    public enum Style: Hashable, Sendable {
        /// A terminal `width` columns wide: a bar, redrawn at most every ``redrawInterval`` seconds.
        case terminal(width: Int)
        /// A log (a file, a pipe, a CI system): a plain line every `interval` seconds.
        case log(interval: Double)
    }

    /// The shortest time between two redraws of the bar, in seconds.
    public static let redrawInterval = 0.1

    /// What is running, at the start of each line (`live`).
    public let label: String
    /// How many items the run has.
    public let total: Int
    /// What an item is called (`cases`).
    public let unit: String
    /// Whether items can fail (a benchmark's cannot), and so whether failures are counted.
    public let countsFailures: Bool
    /// Where the progress goes.
    public let style: Style
    /// Items done so far.
    public private(set) var done = 0
    /// Items failed so far.
    public private(set) var failed = 0
    private var lastShown = 0.0

    /// A meter for `total` items called `unit`.
    public init(label: String, total: Int, unit: String = "cases", countsFailures: Bool = true, style: Style) {
        self.label = label
        self.total = max(0, total)
        self.unit = unit
        self.countsFailures = countsFailures
        self.style = style
    }

    /// Counts one more item, done `elapsed` seconds into the run, and returns what to show now: the bar
    /// when it is due for a redraw, a line when one is due in the log, or `nil`.
    public mutating func advance(failed: Bool = false, at elapsed: Double) -> String? {
        done += 1
        if failed { self.failed += 1 }
        switch style {
        case .terminal(let width):
            guard elapsed - lastShown >= Self.redrawInterval || done == total else { return nil }
            lastShown = elapsed
            return bar(at: elapsed, width: width)
        case .log(let interval):
            guard elapsed - lastShown >= interval, done < total else { return nil }
            lastShown = elapsed
            return "\(label): \(status(at: elapsed))"
        }
    }

    /// The count, the failures, the rate and the time left at `elapsed` seconds:
    /// `812/2000 cases (41%), 3 failed, 41.2 cases/s, 0:29 left`.
    public func status(at elapsed: Double) -> String {
        var parts = ["\(done)/\(total) \(unit)" + (total > 0 ? " (\(100 * done / total)%)" : "")]
        if countsFailures { parts.append("\(failed) failed") }
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        if rate > 0 {
            parts.append(String(format: rate < 10 ? "%.2f" : "%.1f", rate) + " \(unit)/s")
            parts.append("\(Self.clock(Double(total - done) / rate)) left")
        }
        return parts.joined(separator: ", ")
    }

    /// The bar and the status, fitted to `width` columns: `live [██████░░░░░░] 812/2000 cases (41%), ...`.
    public func bar(at elapsed: Double, width: Int) -> String {
        let status = status(at: elapsed)
        let barWidth = min(40, width - label.count - status.count - 4)
        guard barWidth >= 10 else { return String("\(label): \(status)".prefix(max(width - 1, 0))) }
        let filled = total > 0 ? barWidth * done / total : barWidth
        return "\(label) [" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
            + "] \(status)"
    }

    /// A duration as `m:ss` or `h:mm:ss` (`-:--` beyond a thousand days).
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 1e8 else { return "-:--" }
        let whole = Int(seconds.rounded(.up))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }
}
