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
    /// The greatest `|actual - expected| / (atol + rtol * |expected|)` over the compared outputs
    /// (``Closeness/maxToleranceRatio``): above 1 a result is not close; `nil` when no values were
    /// compared.
    public var toleranceRatio: Double?
    /// One report per failed check; empty when the case passed.
    public var failures: [String]
    /// Where the case stands in the configuration space (``CaseDimension``: module, dtype, layers,
    /// ...), by dimension name; a dimension the case does not have is absent.
    public var dimensions: [String: String]
    /// The torch version that recorded the case (its `torch_version` field), when it says.
    public var torchVersion: String?
    /// The wall-clock seconds the case took, from reading (or drawing) it to its verdict.
    public var seconds: Double?
    /// The one-line command that runs this case alone, when the run that made it knows one.
    public var replay: String?
    /// The error injected into our output for this run (``FixtureRunner/Options/injectedError``).
    var injectedError: Double?

    /// The case's module (its ``CaseDimension/module``), when known.
    public var module: String? { dimensions[CaseDimension.module.rawValue] }

    /// Whether every check of the case passed.
    public var passed: Bool { failures.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case name, summary, maxAbsoluteDifference, maxRelativeDifference, toleranceRatio, failures, passed
        case dimensions, torchVersion, seconds, replay, injectedError
    }

    /// Decodes a result written by ``encode(to:)``, or by an earlier `conform` (which wrote only the
    /// name, summary, differences and failures).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        summary = try container.decode(String.self, forKey: .summary)
        maxAbsoluteDifference = try container.decodeIfPresent(Double.self, forKey: .maxAbsoluteDifference)
        maxRelativeDifference = try container.decodeIfPresent(Double.self, forKey: .maxRelativeDifference)
        toleranceRatio = try container.decodeIfPresent(Double.self, forKey: .toleranceRatio)
        failures = try container.decode([String].self, forKey: .failures)
        dimensions = try container.decodeIfPresent([String: String].self, forKey: .dimensions) ?? [:]
        torchVersion = try container.decodeIfPresent(String.self, forKey: .torchVersion)
        seconds = try container.decodeIfPresent(Double.self, forKey: .seconds)
        replay = try container.decodeIfPresent(String.self, forKey: .replay)
        injectedError = try container.decodeIfPresent(Double.self, forKey: .injectedError)
    }

    /// Encodes the result with its `passed` verdict, for readers of the JSON report.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(summary, forKey: .summary)
        try container.encodeIfPresent(maxAbsoluteDifference, forKey: .maxAbsoluteDifference)
        try container.encodeIfPresent(maxRelativeDifference, forKey: .maxRelativeDifference)
        try container.encodeIfPresent(toleranceRatio, forKey: .toleranceRatio)
        try container.encode(failures, forKey: .failures)
        try container.encode(passed, forKey: .passed)
        if !dimensions.isEmpty { try container.encode(dimensions, forKey: .dimensions) }
        try container.encodeIfPresent(torchVersion, forKey: .torchVersion)
        try container.encodeIfPresent(seconds, forKey: .seconds)
        try container.encodeIfPresent(replay, forKey: .replay)
        try container.encodeIfPresent(injectedError, forKey: .injectedError)
    }

    /// Creates a result.
    public init(
        name: String, summary: String, maxAbsoluteDifference: Double? = nil, maxRelativeDifference: Double? = nil,
        toleranceRatio: Double? = nil, failures: [String] = [], dimensions: [String: String] = [:]
    ) {
        self.name = name
        self.summary = summary
        self.maxAbsoluteDifference = maxAbsoluteDifference
        self.maxRelativeDifference = maxRelativeDifference
        self.toleranceRatio = toleranceRatio
        self.failures = failures
        self.dimensions = dimensions
    }

    mutating func record(_ comparison: Closeness, for label: String) {
        maxAbsoluteDifference = greatest(maxAbsoluteDifference, comparison.maxAbsoluteDifference)
        maxRelativeDifference = greatest(maxRelativeDifference, comparison.maxRelativeDifference)
        toleranceRatio = greatest(toleranceRatio, comparison.maxToleranceRatio)
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
