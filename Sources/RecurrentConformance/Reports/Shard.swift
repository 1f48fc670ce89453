/// One of `count` disjoint parts of a run's cases, `index` counted from 1 (`--shard K/N`).
///
/// Cases are numbered in the order the whole run takes them (a live run's case indices, a fixture
/// directory's sorted case files), and shard `K` of `N` takes the `K`-th of `N` consecutive blocks:
/// every case is in exactly one shard, sizes differ by at most one, and the split depends on nothing
/// but the number of cases, so every machine of a CI matrix computes the same one. Joining the shards'
/// reports in shard order gives the whole run's order.
///
/// ```swift
/// let shard = Shard("2/4")!
/// shard.range(in: 10)   // 2..<5; the four shards take 0..<2, 2..<5, 5..<7, 7..<10
/// ```
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    /// Which part, from 1 to ``count``.
    public let index: Int
    /// How many parts.
    public let count: Int

    /// The whole run as one part, `1/1`.
    public static let whole = Shard(validIndex: 1, count: 1)

    private init(validIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Part `index` of `count`, or `nil` unless `1 <= index <= count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.init(validIndex: index, count: count)
    }

    /// Parses `K/N` (`2/4`), or `nil` when `text` is not that with `1 <= K <= N`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// The positions of this shard's cases among `total` cases numbered from 0.
    public func range(in total: Int) -> Range<Int> {
        let total = max(0, total)
        return boundary(index - 1, total)..<boundary(index, total)
    }

    /// `part * total / count`, without overflow for any `total`.
    private func boundary(_ part: Int, _ total: Int) -> Int {
        count.dividingFullWidth(part.multipliedFullWidth(by: total)).quotient
    }
}
