/// Text columns padded by characters, so that they line up whatever the cells hold (`µs` is two
/// bytes but one character; `String(format: "%10@")` pads by neither on Linux).
enum TextTable {
    /// `cells` padded to `widths`, the columns in `rightAligned` on the right, separated by two spaces;
    /// a cell wider than its column pushes the rest along rather than being cut.
    static func line(_ cells: [String], widths: [Int], rightAligned: Set<Int> = []) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            let padding = String(repeating: " ", count: max(0, (index < widths.count ? widths[index] : 0) - cell.count))
            if index > 0 { line += "  " }
            line += rightAligned.contains(index) ? padding + cell : cell + padding
        }
        return rightAligned.contains(cells.count - 1) ? line : String(line.reversed().drop { $0 == " " }.reversed())
    }

    /// The lines of a table whose columns are as wide as their widest cell (the header included).
    static func lines(_ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { line($0, widths: widths, rightAligned: rightAligned) }
    }
}
