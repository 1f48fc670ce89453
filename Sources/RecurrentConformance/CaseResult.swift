import Foundation
import Recurrent

/// The result of running one conformance case.
public struct CaseResult: Hashable, Sendable, Codable {
    /// The case's name.
    public var name: String
    /// The module, dtype and input in brief.
    public var summary: String
    /// The greatest absolute difference over the compared outputs, when values were compared.
    public var maxAbsoluteDifference: Double?
    /// The greatest relative difference over the compared outputs, when values were compared.
    public var maxRelativeDifference: Double?
    /// One report per failed check; empty when the case passed.
    public var failures: [String]
    /// The error injected into our output for this run (``FixtureRunner/Options/injectedError``).
    var injectedError: Double?

    /// Whether every check of the case passed.
    public var passed: Bool { failures.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case name, summary, maxAbsoluteDifference, maxRelativeDifference, failures, passed, injectedError
    }

    /// Decodes a result written by ``encode(to:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        summary = try container.decode(String.self, forKey: .summary)
        maxAbsoluteDifference = try container.decodeIfPresent(Double.self, forKey: .maxAbsoluteDifference)
        maxRelativeDifference = try container.decodeIfPresent(Double.self, forKey: .maxRelativeDifference)
        failures = try container.decode([String].self, forKey: .failures)
        injectedError = try container.decodeIfPresent(Double.self, forKey: .injectedError)
    }

    /// Encodes the result with its `passed` verdict, for readers of the JSON report.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(summary, forKey: .summary)
        try container.encodeIfPresent(maxAbsoluteDifference, forKey: .maxAbsoluteDifference)
        try container.encodeIfPresent(maxRelativeDifference, forKey: .maxRelativeDifference)
        try container.encode(failures, forKey: .failures)
        try container.encode(passed, forKey: .passed)
        try container.encodeIfPresent(injectedError, forKey: .injectedError)
    }

    /// Creates a result.
    public init(
        name: String, summary: String, maxAbsoluteDifference: Double? = nil, maxRelativeDifference: Double? = nil,
        failures: [String] = []
    ) {
        self.name = name
        self.summary = summary
        self.maxAbsoluteDifference = maxAbsoluteDifference
        self.maxRelativeDifference = maxRelativeDifference
        self.failures = failures
    }

    mutating func record(_ comparison: Closeness, for label: String) {
        maxAbsoluteDifference = greatest(maxAbsoluteDifference, comparison.maxAbsoluteDifference)
        maxRelativeDifference = greatest(maxRelativeDifference, comparison.maxRelativeDifference)
        if !comparison.passed { failures.append("\(label):\n\(comparison.report)") }
    }

    /// The greater of two figures, NaN when either is NaN (`Swift.max` would drop a NaN second
    /// argument, hiding the worst difference of all).
    private func greatest(_ current: Double?, _ new: Double?) -> Double? {
        guard let new else { return current }
        guard let current else { return new }
        return current.isNaN || new.isNaN ? .nan : Swift.max(current, new)
    }
}
