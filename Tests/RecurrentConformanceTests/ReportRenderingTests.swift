import Foundation
import FoundationXML
import Testing
@testable import RecurrentConformance

@Suite("The histogram, the matrix, the HTML page, the JUnit XML and the progress meter")
struct ReportRenderingTests {
    func result(
        _ name: String, ratio: Double?, passed: Bool = true, _ dimensions: [String: String] = ["module": "RNN"]
    ) -> CaseResult {
        var result = CaseResult(
            name: name, summary: "RNN(2, 3) float32", toleranceRatio: ratio,
            failures: passed ? [] : ["output:\nTensor-likes are not close!\n\nMismatched elements: 1 / 6 (16.7%)"],
            dimensions: dimensions)
        result.seconds = 0.001
        return result
    }

    @Test("the histogram bins ratios by quarter decades, with exact and non-finite ones apart")
    func histogram() {
        let results = [0, 1e-3, 0.5, 2, .infinity, nil].enumerated().map { result("c\($0)", ratio: $1) }
        let histogram = ToleranceHistogram(results)
        #expect(histogram.lowestDecade == -3)
        #expect(histogram.highestDecade == 1)
        #expect(histogram.counts.count == 16)
        #expect(histogram.counts.reduce(0, +) == 3)
        #expect(histogram.exact == 1 && histogram.nonFinite == 1 && histogram.withoutRatio == 1)
        #expect(histogram.counts[0] == 1, "1e-3 opens the first bin")
        let half = 8 + 2  // 10^-0.5 <= 0.5 < 10^-0.25
        #expect(histogram.counts[half] == 1 && !histogram.isAboveTolerance(half))
        let two = 12 + 1  // 10^0.25 <= 2 < 10^0.5
        #expect(histogram.counts[two] == 1 && histogram.isAboveTolerance(two))
        #expect(!histogram.isAboveTolerance(11) && histogram.isAboveTolerance(12), "the bins meet at 1")
        #expect(histogram.bounds(ofBin: 12).lower == 1)
    }

    @Test("ratios beyond 1e-12 and 1e12 fall into the outermost bins")
    func histogramClamps() {
        let histogram = ToleranceHistogram([result("a", ratio: 1e-30), result("b", ratio: 1e30), result("c", ratio: 0.5)])
        #expect(histogram.lowestDecade == -12 && histogram.highestDecade == 12)
        #expect(histogram.counts.first == 1 && histogram.counts.last == 1)
    }

    /// Every RNN configuration over layers, direction and batch_first, failing where `fails` says.
    func grid(failing fails: ([String: String]) -> Bool) -> [CaseResult] {
        var results: [CaseResult] = []
        for layers in ["1", "2"] {
            for direction in ["unidirectional", "bidirectional"] {
                for batchFirst in ["true", "false"] {
                    for dtype in ["float32", "float64"] {
                        let dimensions = [
                            "module": "RNN", "dtype": dtype, "layers": layers, "direction": direction, "batch_first": batchFirst,
                            "input": "tensor", "result": "output",
                        ]
                        results.append(
                            result("rnn_\(layers)_\(direction)_\(batchFirst)_\(dtype)", ratio: 0.1, passed: !fails(dimensions), dimensions))
                    }
                }
            }
        }
        return results + [result("cell", ratio: 0.1, ["module": "RNNCell", "dtype": "float32", "result": "output"])]
    }

    @Test("a failure of every bidirectional case fills the bidirectional columns, and only them")
    func systematicColumn() throws {
        let matrix = PassFailMatrix(grid { $0["direction"] == "bidirectional" })
        let direction = try #require(PassFailMatrix.columnDimensions.firstIndex(of: .direction))
        #expect(matrix.columns.count == 5, "2 directions x 2 batch_first, and the cell's")
        #expect(matrix.columns.last == ["–", "–", "–"])
        #expect(matrix.rows.count == 5, "RNN: 2 dtypes x 2 layers; the cell")
        for (column, key) in matrix.columns.enumerated() {
            for row in matrix.cells.map({ $0[column] }) {
                guard let tally = row else { continue }
                if key[direction] == "bidirectional" {
                    #expect(tally.passed == 0 && tally.failed > 0)
                } else {
                    #expect(tally.failed == 0)
                }
            }
        }
        let marginal = try #require(matrix.marginals.first { $0.dimension == "direction" })
        #expect(marginal.values.map(\.value) == ["bidirectional", "unidirectional"])
        #expect(marginal.values[0].tally == PassFailMatrix.Tally(passed: 0, failed: 8))
    }

    @Test("a failure of every float64 case fills the float64 rows")
    func systematicRow() throws {
        let matrix = PassFailMatrix(grid { $0["dtype"] == "float64" })
        #expect(matrix.rows == [
            ["RNN", "float32", "output", "1"], ["RNN", "float32", "output", "2"], ["RNN", "float64", "output", "1"],
            ["RNN", "float64", "output", "2"], ["RNNCell", "float32", "output", "–"],
        ])
        for (row, cells) in zip(matrix.rows, matrix.cells) {
            let tallies = cells.compactMap { $0 }
            #expect(!tallies.isEmpty)
            #expect(tallies.allSatisfy { row[1] == "float64" ? $0.passed == 0 : $0.failed == 0 })
        }
        #expect(matrix.marginals.map(\.dimension) == ["module", "dtype", "layers", "direction", "batch_first", "input", "result"])
    }

    @Test("layers sort as numbers, absent values last")
    func ordering() {
        #expect(CaseDimension.ordered(["10", "2", "-1", "b", "a"]) == ["-1", "2", "10", "a", "b"])
    }

    func document(_ results: [CaseResult]) -> Report.Document {
        Report.Document(cases: results, context: [
            "mode": "live", "seed": "11", "torch": "2.15.0+cpu", "python": "3.11.2", "host": "ci-runner", "started": "2026-03-01T12:00:00",
            "caseSet": "live: seed 11, 3 cases", "total": "3",
        ])
    }

    @Test("the page leads with the versions and totals, lists the failures first, escapes what it shows and fetches nothing")
    func page() throws {
        var failing = result("live_s11_00002_<script>alert(1)</script>", ratio: 99, passed: false)
        failing.replay = "swift run conform live --seed 11 --case 2 --dtype all"
        let page = HTMLReport.page(document([result("live_s11_00000_rnn_float32", ratio: 0.2), result("live_s11_00001_cell", ratio: 0), failing]))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<title>conform live: seed 11, 3 cases</title>"))
        #expect(page.contains("<th>torch</th><td>2.15.0+cpu</td>"))
        #expect(page.contains("2 passed</span>, <span class=\"fail-count\">1 failed"))
        #expect(!page.contains("<script"), "the case name is escaped, and the page has no script")
        #expect(page.contains("live_s11_00002_&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("replay: <code>swift run conform live --seed 11 --case 2 --dtype all</code>"))
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("src="), "self-contained")
        let order = ["id=\"totals\"", "id=\"failures\"", "id=\"matrix\"", "id=\"histogram\""].map { page.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        #expect(page.contains("class=\"tolerance\""))
    }

    @Test("a run without failures has no failures section; one with very many shows the first and counts the rest")
    func failureList() {
        #expect(!HTMLReport.page(document([result("a", ratio: 0.5)])).contains("id=\"failures\""))
        let many = (0..<(HTMLReport.shownFailures + 3)).map { result("case\($0)", ratio: 5, passed: false) }
        let page = HTMLReport.page(document(many))
        #expect(page.components(separatedBy: "<details class=\"failure\"").count - 1 == HTMLReport.shownFailures)
        #expect(page.contains("3 more failing cases are not shown"))
    }

    @Test("the benchmark page charts both sides and the peak")
    func benchmarkPage() {
        let entries = [
            HTMLBenchmarkReport.Entry(name: "docs example", dtype: "float32", torchSeconds: 3e-5, oursSeconds: 1e-5, gflops: 2, peakGflops: 100),
            HTMLBenchmarkReport.Entry(name: "T35 <big>", dtype: "float64", torchSeconds: 1e-3, oursSeconds: 2e-3, gflops: 40, peakGflops: 50),
        ]
        let page = HTMLBenchmarkReport.page(title: "conform bench", facts: [("torch", "2.15.0")], entries: entries)
        #expect(page.components(separatedBy: "class=\"bar torch\"").count - 1 == 2)
        #expect(page.components(separatedBy: "class=\"bar ours\"").count - 1 == 4)
        #expect(page.contains("3.00×") && page.contains("0.50×"))
        #expect(page.contains("40.00 GFLOP/s: 80.0% of 50, the float64 peak"))
        #expect(page.contains("T35 &lt;big&gt;"))
        #expect(page.contains("faster than PyTorch in 1 of 2 configurations"))
    }

    @Test("the JUnit XML has what the Ant JUnit schema requires, one testcase per case, failures with their report")
    func junit() throws {
        var failing = result("live_s11_00002_rnn_float64", ratio: 99, passed: false, ["module": "RNN"])
        failing.failures.append("warnings differ:\n\tbell \u{7} & <tag>")
        failing.replay = "swift run conform live --seed 11 --case 2"
        var unreadable = result("broken", ratio: nil, passed: false, [:])
        unreadable.seconds = nil
        let xml = JUnitReport.xml(document([result("live_s11_00000_rnn_float32", ratio: 0.2, ["module": "RNNCell"]), failing, unreadable]))
        let root = try #require(try XMLDocument(xmlString: xml).rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attributes?.isEmpty ?? true, "the schema's testsuites has no attributes")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.count == 1)
        let suite = try #require(suites.first)
        func attribute(_ element: XMLElement, _ name: String) -> String? { element.attribute(forName: name)?.stringValue }
        let decimal = /[0-9]+(\.[0-9]+)?/
        for name in ["name", "package", "id", "timestamp", "hostname", "tests", "failures", "errors", "time"] {
            #expect(attribute(suite, name) != nil, "testsuite needs \(name)")
        }
        #expect(attribute(suite, "timestamp") == "2026-03-01T12:00:00")
        #expect(attribute(suite, "hostname") == "ci-runner")
        #expect(attribute(suite, "tests") == "3" && attribute(suite, "failures") == "2" && attribute(suite, "errors") == "0")
        #expect(try decimal.wholeMatch(in: attribute(suite, "time") ?? "") != nil)
        let children = (suite.children ?? []).compactMap(\.name)
        #expect(children == ["properties", "testcase", "testcase", "testcase", "system-out", "system-err"])
        let properties = try #require(suite.elements(forName: "properties").first).elements(forName: "property")
        #expect(properties.contains { attribute($0, "name") == "torch" && attribute($0, "value") == "2.15.0+cpu" })
        let cases = suite.elements(forName: "testcase")
        #expect(cases.map { attribute($0, "classname") } == ["RNNCell", "RNN", JUnitReport.unknownModule])
        #expect(cases.map { attribute($0, "name") } == ["live_s11_00000_rnn_float32", "live_s11_00002_rnn_float64", "broken"])
        for testcase in cases { #expect(try decimal.wholeMatch(in: attribute(testcase, "time") ?? "") != nil) }
        #expect(cases[0].elements(forName: "failure").isEmpty)
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(cases[1].elements(forName: "failure").count == 1, "the schema allows one failure a testcase")
        #expect(attribute(failure, "type") == "AssertionError")
        let message = try #require(attribute(failure, "message"))
        #expect(message.hasPrefix("--- live_s11_00002_rnn_float64: RNN(2, 3) float32\noutput:\nTensor-likes are not close!"))
        #expect(message.contains("warnings differ:\n\tbell \u{FFFD} & <tag>"))
        #expect(message.hasSuffix("\nreplay: swift run conform live --seed 11 --case 2"))
        #expect(failure.stringValue == message)
    }

    @Test("the progress meter writes a log line only every interval, with no control characters")
    func progressLog() {
        var meter = ProgressMeter(label: "live", total: 30, style: .log(interval: 10))
        var lines: [String] = []
        for second in 1...30 {
            if let line = meter.advance(failed: second == 4, at: Double(second)) { lines.append(line) }
        }
        #expect(lines == [
            "live: 10/30 cases (33%), 1 failed, 1.00 cases/s, 0:20 left",
            "live: 20/30 cases (66%), 1 failed, 1.00 cases/s, 0:10 left",
        ])
        #expect(!lines.joined().contains { $0 == "\r" || $0 == "\u{1B}" })
    }

    @Test("the status counts, rates and estimates; the bar fits the terminal")
    func progressStatus() {
        var meter = ProgressMeter(label: "live", total: 2000, style: .terminal(width: 100))
        var shown = 0
        for index in 0..<812 where meter.advance(failed: index < 3, at: 20 * Double(index + 1) / 812) != nil { shown += 1 }
        #expect(meter.status(at: 20) == "812/2000 cases (40%), 3 failed, 40.6 cases/s, 0:30 left")
        #expect(shown <= 201, "redrawn at most every 0.1 s")
        let bar = meter.bar(at: 20, width: 100)
        #expect(bar.count <= 100)
        #expect(bar.hasPrefix("live [████"))
        #expect(meter.bar(at: 20, width: 50).count < 50)
        let bench = ProgressMeter(label: "bench", total: 16, unit: "configurations", countsFailures: false, style: .log(interval: 10))
        #expect(bench.status(at: 0) == "0/16 configurations (0%)")
        #expect(ProgressMeter.clock(3725) == "1:02:05" && ProgressMeter.clock(59.2) == "1:00" && ProgressMeter.clock(.infinity) == "-:--")
    }
}
