import Foundation

/// The text and JSON reports of a conformance run.
public enum Report {
    /// One row per case: status, name, summary, and the greatest absolute and relative differences.
    public static func row(_ result: CaseResult, nameWidth: Int = 48) -> String {
        func figure(_ value: Double?) -> String { value.map { String(format: "%.2e", $0) } ?? "-" }
        let status = result.passed ? "PASS" : "FAIL"
        return "\(status)  \(result.name.padding(toLength: max(nameWidth, result.name.count), withPad: " ", startingAt: 0))  "
            + "abs \(figure(result.maxAbsoluteDifference).padding(toLength: 9, withPad: " ", startingAt: 0))  "
            + "rel \(figure(result.maxRelativeDifference).padding(toLength: 9, withPad: " ", startingAt: 0))  \(result.summary)"
    }

    /// Every failure's reports, under the case's name.
    public static func failureDetails(_ result: CaseResult) -> String {
        (["--- \(result.name): \(result.summary)"] + result.failures).joined(separator: "\n")
    }

    /// The closing line, `N passed, M failed`.
    public static func summaryLine(_ results: [CaseResult]) -> String {
        let passed = results.filter(\.passed).count
        return "\(passed) passed, \(results.count - passed) failed"
    }

    /// The results as JSON: the counts and every case with its figures and failure reports.
    public static func json(_ results: [CaseResult], context: [String: String] = [:]) throws -> Data {
        struct Document: Encodable {
            var context: [String: String]
            var passed: Int
            var failed: Int
            var cases: [CaseResult]
        }
        let passed = results.filter(\.passed).count
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(Document(context: context, passed: passed, failed: results.count - passed, cases: results))
    }
}
