import Foundation

/// The report of a conformance run as JUnit XML (`--junit FILE`), the format CI systems read.
///
/// One `testsuite` holds one `testcase` per case: `classname` the case's module, `name` the case, and
/// `time` its seconds; a failed case has one `failure` whose message is the case's reports (each
/// `assert_close` report, and the command that replays it) and whose text repeats them. The run's
/// context (versions, machine, seed, shard) are the suite's `properties`. The document follows the
/// Apache Ant JUnit schema, the strictest of those CI systems read: the suite's
/// `name`, `package`, `id`, `timestamp` (no time zone), `hostname`, counts and `time`, then
/// `properties`, the test cases, `system-out` and `system-err`; times as plain decimals. `docs/REPORTS.md` says how it was checked.
///
/// ```swift
/// let xml = JUnitReport.xml(Report.Document(cases: results, context: context))
/// ```
public enum JUnitReport {
    /// The classname of a case whose module is unknown (a fixture that could not be read).
    public static let unknownModule = "unknown"

    /// The XML document for `document`.
    public static func xml(_ document: Report.Document) -> String {
        let time = document.cases.compactMap(\.seconds).reduce(0, +)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        out += "  <testsuite name=\"\(attribute(HTMLReport.title(document)))\" package=\"conform\" id=\"0\" "
            + "timestamp=\"\(attribute(timestamp(document[.started])))\" hostname=\"\(attribute(hostname(document[.host])))\" "
            + "tests=\"\(document.cases.count)\" failures=\"\(document.failed)\" errors=\"0\" skipped=\"0\" "
            + "time=\"\(decimal(time))\">\n"
        out += "    <properties>\n"
        for key in document.context.keys.sorted() where !key.isEmpty {
            out += "      <property name=\"\(attribute(key))\" value=\"\(attribute(document.context[key] ?? ""))\"/>\n"
        }
        out += "    </properties>\n"
        for result in document.cases {
            out += "    <testcase classname=\"\(attribute(result.module ?? unknownModule))\" name=\"\(attribute(result.name))\" "
                + "time=\"\(decimal(result.seconds ?? 0))\""
            guard !result.passed else {
                out += "/>\n"
                continue
            }
            let report = failureReport(result)
            out += ">\n      <failure message=\"\(attribute(report))\" type=\"AssertionError\">\(text(report))</failure>\n"
            out += "    </testcase>\n"
        }
        out += "    <system-out>\(text(Report.summaryLine(document.cases)))</system-out>\n"
        out += "    <system-err></system-err>\n"
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// A failed case's reports, with the command that replays it.
    static func failureReport(_ result: CaseResult) -> String {
        Report.failureDetails(result) + (result.replay.map { "\nreplay: \($0)" } ?? "")
    }

    /// `seconds` as an `xs:decimal` (no exponent), to the microsecond.
    static func decimal(_ seconds: Double) -> String {
        seconds.isFinite && seconds >= 0 ? String(format: "%.6f", seconds) : "0"
    }

    /// The run's start as the schema's `yyyy-MM-ddTHH:mm:ss`, or the Unix epoch when unknown.
    private static func timestamp(_ started: String?) -> String {
        guard let started, started.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}/) != nil else {
            return "1970-01-01T00:00:00"
        }
        return started
    }

    /// The host, or `localhost` when unknown (the schema asks for one); merged shards name several.
    private static func hostname(_ host: String?) -> String {
        guard let host, !host.isEmpty else { return "localhost" }
        return host
    }

    /// `value` escaped for a double-quoted attribute, line breaks and tabs kept as character references.
    static func attribute(_ value: String) -> String { Markup.escape(value, inAttribute: true) }

    /// `value` escaped for element content.
    static func text(_ value: String) -> String { Markup.escape(value) }
}
