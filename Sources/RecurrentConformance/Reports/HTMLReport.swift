import Foundation

/// The report of a conformance run as one self-contained HTML page (`--html FILE`): nothing is
/// fetched, the charts are inline SVG.
///
/// The page shows, in order: the versions and the machine; the totals; the failing cases, each with
/// its `assert_close` report and the command that replays it; the pass/fail matrix over the
/// configuration dimensions (``PassFailMatrix``) and the verdicts per dimension; the histogram of the
/// cases' worst `|difference| / (atol + rtol * |expected|)` on a log scale with the tolerance at 1
/// (``ToleranceHistogram``); and the passing cases nearest their tolerance.
///
/// ```swift
/// let page = HTMLReport.page(Report.Document(cases: results, context: context))
/// try Data(page.utf8).write(to: url)
/// ```
public enum HTMLReport {
    /// The failing cases shown in full; the rest are counted (the JSON and JUnit files hold them all).
    public static let shownFailures = 500
    /// The failing cases whose report is open when the page loads.
    static let openFailures = 5
    /// The passing cases listed by how near they came to their tolerance.
    static let nearestPasses = 15

    /// The page for `document`.
    public static func page(_ document: Report.Document) -> String {
        let title = title(document)
        var body = HTMLPage.header(title: title, facts: facts(document))
        body += totals(document)
        body += failures(document.cases)
        body += matrix(PassFailMatrix(document.cases))
        body += histogram(ToleranceHistogram(document.cases), cases: document.cases.count)
        body += nearest(document.cases)
        body += "<footer>Written by conform. Tolerance ratio: |actual − expected| / (atol + rtol·|expected|) "
            + "at the case's worst element; a value is close when it is at most 1 (torch.testing.assert_close's rule).</footer>"
        return HTMLPage.page(title: title, body: body)
    }

    /// `conform live: seed 11, 2000 cases`, from the context.
    static func title(_ document: Report.Document) -> String {
        var parts: [String] = []
        if let seed = document[.seed] { parts.append("seed \(seed)") }
        parts.append("\(document.cases.count) cases")
        if let shard = document[.shard] { parts.append("shard \(shard)") }
        if let shards = document[.shards], shards != "1" { parts.append("merged from \(shards) shards") }
        return "conform \(document[.mode] ?? "run"): " + parts.joined(separator: ", ")
    }

    /// The context's versions and machine, in reading order, and whatever other keys it has after.
    static func facts(_ document: Report.Document) -> [(label: String, value: String)] {
        let labels: [(Report.ContextKey, String)] = [
            (.torch, "torch"), (.python, "Python"), (.seed, "seed"), (.total, "cases in the set"), (.shard, "shard"),
            (.shards, "shards merged"), (.dtype, "dtype"), (.injectError, "injected error"), (.fixtures, "fixtures"),
            (.filter, "filter"), (.caseSet, "case set"), (.os, "system"), (.cpu, "CPU"), (.blas, "BLAS"),
            (.host, "host"), (.started, "started (UTC)"), (.command, "command"),
        ]
        var facts = labels.compactMap { key, label in document[key].map { (label, $0) } }
        let known = Set(labels.map(\.0.rawValue) + [Report.ContextKey.mode.rawValue, Report.ContextKey.cases.rawValue])
        facts += document.context.keys.filter { !known.contains($0) }.sorted().map { ($0, document.context[$0]!) }
        return facts
    }

    private static func totals(_ document: Report.Document) -> String {
        let seconds = document.cases.compactMap(\.seconds).reduce(0, +)
        let worst = document.cases.compactMap(\.toleranceRatio).max { a, b in a.isNaN ? false : (b.isNaN || a < b) }
        var details = ["\(document.cases.count) cases", String(format: "%.1f s of case time", seconds)]
        if let worst { details.append("worst tolerance ratio \(HTMLPage.figure(worst))") }
        return """
            <section id="totals" class="totals \(document.failed == 0 ? "pass" : "fail")">
            <div class="verdict"><span class="pass-count">\(document.passed) passed</span>, \
            <span class="fail-count">\(document.failed) failed</span></div>
            <div>\(Markup.escape(details.joined(separator: " · ")))</div>
            <nav>\(document.failed > 0 ? "<a href=\"#failures\">failing cases</a> · " : "")<a href="#matrix">matrix</a> · \
            <a href="#histogram">histogram</a></nav>
            </section>

            """
    }

    private static func failures(_ cases: [CaseResult]) -> String {
        let failing = cases.filter { !$0.passed }
        guard !failing.isEmpty else { return "" }
        var out = "<section id=\"failures\">\n<h2>Failing cases (\(failing.count))</h2>\n"
        for (position, result) in failing.prefix(shownFailures).enumerated() {
            let ratio = result.toleranceRatio.map { " · ratio \(HTMLPage.figure($0))" } ?? ""
            out += "<details class=\"failure\"\(position < openFailures ? " open" : "")>"
            out += "<summary><code>\(Markup.escape(result.name))</code> · \(Markup.escape(result.summary))\(ratio)</summary>\n"
            out += "<pre>\(Markup.escape(result.failures.joined(separator: "\n\n")))</pre>\n"
            if let replay = result.replay {
                out += "<div class=\"replay\">replay: <code>\(Markup.escape(replay))</code></div>\n"
            }
            out += "</details>\n"
        }
        if failing.count > shownFailures {
            out += "<p class=\"note\">\(failing.count - shownFailures) more failing cases are not shown; the JSON and JUnit reports list them all.</p>\n"
        }
        return out + "</section>\n"
    }

    private static func matrix(_ matrix: PassFailMatrix) -> String {
        guard !matrix.rows.isEmpty else { return "" }
        let rowWidth = PassFailMatrix.rowDimensions.count
        var out = "<section id=\"matrix\">\n<h2>Pass/fail matrix</h2>\n"
        out += "<p class=\"note\">Cases per configuration: a cell counts the cases, or the failed of all cases "
            + "where one failed. A failure that follows one value of a dimension fills a row or a column.</p>\n"
        out += "<div class=\"scroll\"><table class=\"matrix\">\n<thead>\n"
        for (level, dimension) in PassFailMatrix.columnDimensions.enumerated() {
            out += "<tr><th class=\"level\" colspan=\"\(rowWidth)\">\(Markup.escape(dimension.rawValue))</th>"
            // Columns that share their values down to this level share a heading.
            var column = 0
            while column < matrix.columns.count {
                var span = 1
                while column + span < matrix.columns.count
                    && matrix.columns[column + span][...level] == matrix.columns[column][...level]
                {
                    span += 1
                }
                let value = matrix.columns[column][level]
                out += "<th colspan=\"\(span)\" title=\"\(Markup.escape(dimension.rawValue))\">"
                    + "\(Markup.escape(value))</th>"
                column += span
            }
            out += "</tr>\n"
        }
        out += "<tr>" + PassFailMatrix.rowDimensions.map { "<th>\(Markup.escape($0.rawValue))</th>" }.joined()
            + "<th colspan=\"\(matrix.columns.count)\"></th></tr>\n"
        out += "</thead>\n<tbody>\n"
        for (index, row) in matrix.rows.enumerated() {
            out += "<tr>"
            for (level, value) in row.enumerated() {
                // A heading spans the rows below that share it.
                if index > 0 && matrix.rows[index - 1][...level] == row[...level] { continue }
                let span = matrix.rows[index...].prefix(while: { $0[...level] == row[...level] }).count
                out += "<th rowspan=\"\(span)\">\(Markup.escape(value))</th>"
            }
            for (column, tally) in zip(matrix.columns, matrix.cells[index]) {
                guard let tally else {
                    out += "<td class=\"cell empty\"></td>"
                    continue
                }
                let place = zip(PassFailMatrix.rowDimensions + PassFailMatrix.columnDimensions, row + column)
                    .map { "\($0.rawValue) \($1)" }.joined(separator: ", ")
                out += "<td class=\"cell \(tallyClass(tally))\" title=\"\(Markup.escape(place)): "
                    + "\(tally.passed) passed, \(tally.failed) failed\">\(tallyText(tally))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table></div>\n"
        out += "<h2>By dimension</h2>\n"
        for (dimension, values) in matrix.marginals {
            out += "<div class=\"marginal\"><span class=\"dimension\">\(Markup.escape(dimension))</span>"
            for (value, tally) in values {
                out += "<span class=\"tally \(tallyClass(tally))\" title=\"\(tally.passed) passed, \(tally.failed) failed\">"
                    + "\(Markup.escape(value)): \(tallyText(tally))</span>"
            }
            out += "</div>\n"
        }
        return out + "</section>\n"
    }

    private static func tallyClass(_ tally: PassFailMatrix.Tally) -> String {
        tally.failed == 0 ? "pass" : (tally.passed == 0 ? "fail" : "mixed")
    }

    private static func tallyText(_ tally: PassFailMatrix.Tally) -> String {
        tally.failed == 0 ? "\(tally.total)" : "\(tally.failed)/\(tally.total)"
    }

    private static func histogram(_ histogram: ToleranceHistogram, cases: Int) -> String {
        var out = "<section id=\"histogram\">\n<h2>How close: worst |difference| / (atol + rtol·|expected|) per case</h2>\n"
        out += "<p class=\"note\">Each case counted once, at its worst compared element, on a log scale; "
            + "right of the dashed line at 1 a value is outside its tolerance.</p>\n"
        out += ToleranceHistogramChart(histogram: histogram).svg()
        var notes: [String] = []
        if histogram.exact > 0 { notes.append("\(histogram.exact) cases matched PyTorch exactly (ratio 0, the bar on the left)") }
        if histogram.nonFinite > 0 { notes.append("\(histogram.nonFinite) had a difference that is not finite (the bar on the right)") }
        if histogram.withoutRatio > 0 {
            notes.append("\(histogram.withoutRatio) of \(cases) compared no values (expected errors, states) and are not counted")
        }
        if !notes.isEmpty { out += "<p class=\"note\">\(Markup.escape(notes.joined(separator: "; "))).</p>\n" }
        return out + "</section>\n"
    }

    private static func nearest(_ cases: [CaseResult]) -> String {
        let near = cases.filter { $0.passed && ($0.toleranceRatio ?? 0) > 0 }
            .sorted { ($0.toleranceRatio ?? 0) > ($1.toleranceRatio ?? 0) }.prefix(nearestPasses)
        guard !near.isEmpty else { return "" }
        var out = "<section id=\"nearest\">\n<h2>Passing cases nearest their tolerance</h2>\n<table class=\"cases\">\n"
        out += "<tr><th>case</th><th>ratio</th><th>max abs</th><th>time</th><th>configuration</th></tr>\n"
        for result in near {
            out += "<tr><td><code>\(Markup.escape(result.name))</code></td>"
                + "<td class=\"n\">\(HTMLPage.figure(result.toleranceRatio ?? 0))</td>"
                + "<td class=\"n\">\(result.maxAbsoluteDifference.map(HTMLPage.figure) ?? "–")</td>"
                + "<td class=\"n\">\(result.seconds.map(HTMLPage.duration) ?? "–")</td>"
                + "<td>\(Markup.escape(result.summary))</td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }
}

/// The SVG drawing of a ``ToleranceHistogram``: bars of equal width per bin, green within tolerance
/// and red beyond, decades marked on the axis, the tolerance as a dashed line at 1, and separate bars
/// for exact matches (left) and non-finite differences (right).
struct ToleranceHistogramChart {
    let histogram: ToleranceHistogram
    let width = 860.0
    let height = 300.0
    let left = 56.0, right = 16.0, top = 16.0, bottom = 46.0

    func svg() -> String {
        let bins = histogram.counts.count
        // Exact matches and non-finite differences stand apart, left and right of the log axis.
        let apart = 44.0
        let plotLeft = left + (histogram.exact > 0 ? apart : 0)
        let plotRight = width - right - (histogram.nonFinite > 0 ? apart : 0)
        let slot = (plotRight - plotLeft) / Double(bins)
        let ceiling = niceCeiling(max(histogram.counts.max() ?? 0, histogram.exact, histogram.nonFinite, 1))
        let plotHeight = height - top - bottom
        func y(_ count: Int) -> Double { top + plotHeight * (1 - Double(count) / Double(ceiling)) }
        func x(_ bin: Int) -> Double { plotLeft + slot * Double(bin) }
        var out = "<svg id=\"histogram-chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" "
            + "height=\"\(Int(height))\" role=\"img\" aria-label=\"histogram of tolerance ratios\">\n"
        for tick in 0...4 {
            let count = ceiling * tick / 4
            out += "<line class=\"grid\" x1=\"\(c(left))\" x2=\"\(c(width - right))\" y1=\"\(c(y(count)))\" y2=\"\(c(y(count)))\"/>"
            out += "<text class=\"label\" x=\"\(c(left - 6))\" y=\"\(c(y(count) + 4))\" text-anchor=\"end\">\(count)</text>\n"
        }
        func bar(_ x: Double, _ width: Double, _ count: Int, _ kind: String, _ tip: String) -> String {
            guard count > 0 else { return "" }
            return "<rect class=\"bar \(kind)\" x=\"\(c(x))\" y=\"\(c(y(count)))\" width=\"\(c(max(width, 1)))\" "
                + "height=\"\(c(y(0) - y(count)))\"><title>\(Markup.escape(tip))</title></rect>\n"
        }
        if histogram.exact > 0 {
            out += bar(left + 6, apart - 18, histogram.exact, "exact", "ratio 0 (equal to PyTorch): \(histogram.exact) cases")
            out += label(left + 6 + (apart - 18) / 2, "0")
        }
        for (index, count) in histogram.counts.enumerated() {
            let (lower, upper) = histogram.bounds(ofBin: index)
            let kind = histogram.isAboveTolerance(index) ? "fail" : "pass"
            out += bar(x(index) + 0.5, slot - 1, count, kind, "ratio \(HTMLPage.figure(lower)) to \(HTMLPage.figure(upper)): \(count) cases")
        }
        for decade in histogram.lowestDecade...histogram.highestDecade {
            let position = x((decade - histogram.lowestDecade) * ToleranceHistogram.binsPerDecade)
            out += "<line class=\"axis\" x1=\"\(c(position))\" x2=\"\(c(position))\" y1=\"\(c(y(0)))\" y2=\"\(c(y(0) + 5))\"/>"
            out += label(position, HTMLPage.powerOfTen(decade))
        }
        if histogram.nonFinite > 0 {
            out += bar(plotRight + 12, apart - 18, histogram.nonFinite, "fail", "not finite: \(histogram.nonFinite) cases")
            out += label(plotRight + 12 + (apart - 18) / 2, "∞")
        }
        let tolerance = x(-histogram.lowestDecade * ToleranceHistogram.binsPerDecade)
        out += "<line class=\"tolerance\" x1=\"\(c(tolerance))\" x2=\"\(c(tolerance))\" y1=\"\(c(top - 4))\" y2=\"\(c(y(0)))\"/>"
        out += "<text class=\"label\" x=\"\(c(tolerance + 4))\" y=\"\(c(top + 8))\">tolerance (1)</text>\n"
        out += "<line class=\"axis\" x1=\"\(c(left))\" x2=\"\(c(width - right))\" y1=\"\(c(y(0)))\" y2=\"\(c(y(0)))\"/>"
        out += "<text class=\"label\" x=\"\(c((left + width - right) / 2))\" y=\"\(c(height - 6))\" text-anchor=\"middle\">"
            + "|difference| / (atol + rtol·|expected|)</text>"
        out += "<text class=\"label\" transform=\"rotate(-90)\" x=\"\(c(-(top + plotHeight / 2)))\" y=\"14\" "
            + "text-anchor=\"middle\">cases</text>\n</svg>\n"
        return out
    }

    private func label(_ x: Double, _ text: String) -> String {
        "<text class=\"label\" x=\"\(c(x))\" y=\"\(c(height - bottom + 18))\" text-anchor=\"middle\">\(Markup.escape(text))</text>\n"
    }

    private func c(_ value: Double) -> String { HTMLPage.coordinate(value) }

    /// The smallest of 1, 2, 5 times a power of ten, times 4 ticks, at or above `count`.
    private func niceCeiling(_ count: Int) -> Int {
        var step = 1
        while true {
            for multiple in [1, 2, 5] where multiple * step * 4 >= count { return multiple * step * 4 }
            step *= 10
        }
    }
}
