import Foundation

/// The text and JSON reports of a conformance run. ``HTMLReport`` and ``JUnitReport`` render the same
/// ``Document`` for a browser and for CI; ``ReportMerge`` joins the documents of a sharded run.
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

    /// What the run was, in a report's `context`: the keys `conform` writes. Values are strings; a
    /// key a run does not have is absent.
    public enum ContextKey: String, CaseIterable, Sendable {
        /// `fixtures` or `live`.
        case mode
        /// The live run's `--seed`.
        case seed
        /// The torch version the cases were recorded with (fixtures: every distinct `torch_version`).
        case torch
        /// The embedded Python's version (live runs).
        case python
        /// What identifies the set of cases a run draws its shard from; shards merge only when it is
        /// the same.
        case caseSet
        /// The number of cases in the whole set, before sharding.
        case total
        /// This run's part of the set, `K/N` (absent: the whole set).
        case shard
        /// How many shards a merged report joined.
        case shards
        /// The machine: its host name.
        case host
        /// The machine: operating system.
        case os
        /// The machine: CPU model and cores.
        case cpu
        /// The BLAS library our side computes with.
        case blas
        /// When the run started, `yyyy-MM-ddTHH:mm:ss` in UTC.
        case started
        /// The command line that ran.
        case command
        /// The fixture directory of a fixtures run.
        case fixtures
        /// The `--filter` of a fixtures run.
        case filter
        /// The live run's `--cases`.
        case cases
        /// The live run's `--dtype`.
        case dtype
        /// The `--inject-error` amount, when one was injected.
        case injectError
    }

    /// A run's report: what the run was (`context`), the counts, and every case.
    public struct Document: Codable, Sendable {
        /// What the run was, by ``ContextKey`` raw values (other keys are kept as they are).
        public var context: [String: String]
        /// The number of cases that passed.
        public var passed: Int
        /// The number of cases that failed.
        public var failed: Int
        /// Every case, in the order they ran.
        public var cases: [CaseResult]

        /// A report of `cases`, counted.
        public init(cases: [CaseResult], context: [String: String] = [:]) {
            self.context = context
            self.cases = cases
            passed = cases.filter(\.passed).count
            failed = cases.count - passed
        }

        /// The context value for `key`.
        public subscript(_ key: ContextKey) -> String? {
            get { context[key.rawValue] }
            set { context[key.rawValue] = newValue }
        }

        /// The document as JSON (pretty-printed, keys sorted; a non-finite figure as `"inf"`,
        /// `"-inf"` or `"nan"`).
        public func json() throws -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try encoder.encode(self)
        }

        /// Reads a document that ``json()`` wrote; the counts are taken from the cases, not the file.
        ///
        /// - Throws: `DecodingError` when `data` is not such a document.
        public init(json data: Data) throws {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            let decoded = try decoder.decode(Document.self, from: data)
            self.init(cases: decoded.cases, context: decoded.context)
        }
    }
}
