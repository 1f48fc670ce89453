import Foundation

/// How far into their tolerance the cases of a run went: a histogram of each case's
/// ``CaseResult/toleranceRatio``, `|difference| / (atol + rtol * |expected|)`, in bins of equal width
/// on a log scale. A case at or below 1 is within tolerance; the bins reach from the decade of the
/// smallest ratio to the decade past the largest, always taking in 1, and clamp at 1e-12 and 1e12
/// (the outermost bins hold what lies beyond).
public struct ToleranceHistogram: Hashable, Sendable {
    /// Bins per decade.
    public static let binsPerDecade = 4
    /// The decades the bins can reach: 1e-12 to 1e12.
    public static let decadeLimits = -12...12

    /// The bins cover `10^lowestDecade ..< 10^highestDecade`.
    public let lowestDecade: Int
    /// See ``lowestDecade``.
    public let highestDecade: Int
    /// The number of cases in each bin, lowest first.
    public let counts: [Int]
    /// Cases whose ratio is 0: every compared value equal to PyTorch's.
    public let exact: Int
    /// Cases whose ratio is infinite or NaN: a difference that is not finite, or one where nothing
    /// was allowed.
    public let nonFinite: Int
    /// Cases that compared no values (an expected error, a state), which the histogram leaves out.
    public let withoutRatio: Int

    /// The histogram of `results`' ratios.
    public init(_ results: [CaseResult]) {
        let ratios = results.compactMap(\.toleranceRatio)
        let positive = ratios.filter { $0 > 0 && $0.isFinite }
        let limits = Self.decadeLimits
        let low = positive.min().map { Int(log10($0).rounded(.down)) } ?? -1
        let high = positive.max().map { Int(log10($0).rounded(.down)) + 1 } ?? 1
        lowestDecade = min(max(low, limits.lowerBound), -1)
        highestDecade = max(min(high, limits.upperBound), 1)
        var counts = [Int](repeating: 0, count: (highestDecade - lowestDecade) * Self.binsPerDecade)
        for ratio in positive {
            let bin = Int(((log10(ratio) - Double(lowestDecade)) * Double(Self.binsPerDecade)).rounded(.down))
            counts[min(max(bin, 0), counts.count - 1)] += 1
        }
        self.counts = counts
        exact = ratios.count { $0 == 0 }
        nonFinite = ratios.count { !$0.isFinite }
        withoutRatio = results.count - ratios.count
    }

    /// The ratios bin `index` holds: `lower ..< upper` (the first bin also holds everything below,
    /// the last everything above).
    public func bounds(ofBin index: Int) -> (lower: Double, upper: Double) {
        func edge(_ i: Int) -> Double { pow(10, Double(lowestDecade) + Double(i) / Double(Self.binsPerDecade)) }
        return (edge(index), edge(index + 1))
    }

    /// Whether bin `index` lies above the tolerance (its ratios exceed 1).
    public func isAboveTolerance(_ index: Int) -> Bool {
        index >= -lowestDecade * Self.binsPerDecade
    }
}
