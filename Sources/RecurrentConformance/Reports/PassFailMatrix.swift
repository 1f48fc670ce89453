/// The verdicts of a run tabulated over the configuration dimensions (``CaseDimension``): a cell per
/// combination of the row dimensions (module, dtype, what is checked, layers) and the column
/// dimensions (direction, batch_first, input), so that a failure shared by one value of a dimension
/// shows as a row or a column; and per dimension, the verdicts for each of its values.
public struct PassFailMatrix: Sendable {
    /// The passed and failed cases of a cell.
    public struct Tally: Hashable, Sendable {
        /// Cases that passed.
        public var passed = 0
        /// Cases that failed.
        public var failed = 0
        /// All cases.
        public var total: Int { passed + failed }

        mutating func count(_ result: CaseResult) {
            if result.passed { passed += 1 } else { failed += 1 }
        }
    }

    /// The value shown where a case does not have a dimension (a cell has no layers).
    public static let absent = "–"

    /// The dimensions that tell the rows apart.
    public static let rowDimensions: [CaseDimension] = [.module, .dtype, .result, .layers]
    /// The dimensions that tell the columns apart: few values each, so that the table stays narrow.
    public static let columnDimensions: [CaseDimension] = [.direction, .batchFirst, .input]

    /// Each row's values of ``rowDimensions``, in order; only combinations some case has.
    public let rows: [[String]]
    /// Each column's values of ``columnDimensions``, in order; only combinations some case has.
    public let columns: [[String]]
    /// The tally at `[row][column]`; `nil` where no case lies.
    public let cells: [[Tally?]]
    /// For every dimension the cases have (``CaseDimension``'s first, any other after), each value's
    /// tally.
    public let marginals: [(dimension: String, values: [(value: String, tally: Tally)])]

    /// Tabulates `results`.
    public init(_ results: [CaseResult]) {
        func key(_ result: CaseResult, _ dimensions: [CaseDimension]) -> [String] {
            dimensions.map { result.dimensions[$0.rawValue] ?? Self.absent }
        }
        rows = Self.ordered(Set(results.map { key($0, Self.rowDimensions) }))
        columns = Self.ordered(Set(results.map { key($0, Self.columnDimensions) }))
        let rowIndex = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        let columnIndex = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        var cells = [[Tally?]](repeating: [Tally?](repeating: nil, count: columns.count), count: rows.count)
        var marginal: [String: [String: Tally]] = [:]
        for result in results {
            let (row, column) = (rowIndex[key(result, Self.rowDimensions)]!, columnIndex[key(result, Self.columnDimensions)]!)
            var tally = cells[row][column] ?? Tally()
            tally.count(result)
            cells[row][column] = tally
            for (dimension, value) in result.dimensions {
                marginal[dimension, default: [:]][value, default: Tally()].count(result)
            }
        }
        self.cells = cells
        let known = CaseDimension.allCases.map(\.rawValue)
        let others = marginal.keys.filter { !known.contains($0) }.sorted()
        marginals = (known + others).compactMap { dimension in
            guard let tallies = marginal[dimension] else { return nil }
            return (dimension, Self.orderedValues(tallies.keys).map { ($0, tallies[$0]!) })
        }
    }

    /// Keys sorted dimension by dimension, each by ``CaseDimension/ordered(_:)`` with ``absent`` last.
    private static func ordered(_ keys: Set<[String]>) -> [[String]] {
        let width = keys.first?.count ?? 0
        var rank: [[String: Int]] = []
        for position in 0..<width {
            let values = orderedValues(Set(keys.map { $0[position] }))
            rank.append(Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, $0) }))
        }
        return keys.sorted { a, b in
            for position in 0..<width where a[position] != b[position] {
                return rank[position][a[position]]! < rank[position][b[position]]!
            }
            return false
        }
    }

    private static func orderedValues(_ values: some Collection<String>) -> [String] {
        CaseDimension.ordered(values.filter { $0 != absent }) + (values.contains(absent) ? [absent] : [])
    }
}
