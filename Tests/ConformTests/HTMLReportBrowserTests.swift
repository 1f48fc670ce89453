import Foundation
import RecurrentTestSupport
import Testing

/// Headless Chromium (Debian's `chromium`, which tools/setup.sh installs), when it is there.
enum HeadlessChromium {
    /// The browser's path, or `nil` when none is installed.
    static let path: String? = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap { name in
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }.first

    /// The trait of a test that needs the browser: skipped, with the reason shown, without it.
    static var needed: ConditionTrait {
        .enabled(if: path != nil, "needs headless Chromium: tools/setup.sh installs Debian's chromium package")
    }

    /// The DOM of `page` after the browser has laid it out and run its scripts.
    static func dom(of page: URL, in directory: URL) throws -> String {
        let browser = URL(fileURLWithPath: try #require(path))
        let profile = directory.appendingPathComponent("profile")
        let outcome = try ConformProcess.run(
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile.path)",
                "--window-size=1400,1000", "--virtual-time-budget=5000", "--dump-dom", page.absoluteString,
            ], in: directory, executable: browser, timeout: 120)
        #expect(outcome.status == 0, "\(outcome.error)")
        return outcome.output
    }
}

/// The HTML report of a small run, opened in headless Chromium: its text is there in the order the
/// page promises, and its charts are drawn (laid out with a size, bars of positive height, matrix
/// cells coloured by verdict).
@Suite("The HTML report in a browser", HeadlessChromium.needed)
struct HTMLReportBrowserTests {
    /// What the browser measured, by a script added to a copy of the report (the report itself has
    /// none).
    struct Probe: Decodable {
        var text: String
        var histogram: [Double]
        var bars: Int
        var failingBars: Int
        var toleranceLine: Double
        var cells: Int
        var failingCells: Int
        var passColor: String
        var failColor: String
        var openFailures: Int
    }

    static let probe = """
        <script>
        (() => {
          const size = e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
          const drawn = s => [...document.querySelectorAll(s)].filter(e => { const [w, h] = size(e); return w > 0 && h > 0; }).length;
          const background = s => { const e = document.querySelector(s); return e ? getComputedStyle(e).backgroundColor : ""; };
          const tolerance = document.querySelector('#histogram-chart line.tolerance');
          const result = {
            text: document.body.innerText,
            histogram: size(document.getElementById('histogram-chart')),
            bars: drawn('#histogram-chart rect.bar'),
            failingBars: drawn('#histogram-chart rect.bar.fail'),
            toleranceLine: tolerance ? tolerance.getBBox().height : 0,
            cells: drawn('table.matrix td.cell'),
            failingCells: drawn('table.matrix td.cell.fail') + drawn('table.matrix td.cell.mixed'),
            passColor: background('table.matrix td.cell.pass'),
            failColor: background('table.matrix td.cell.fail') || background('table.matrix td.cell.mixed'),
            openFailures: document.querySelectorAll('details.failure[open]').length,
          };
          const out = document.createElement('pre');
          out.id = 'probe';
          out.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(result))));
          document.body.appendChild(out);
        })();
        </script>
        """

    func probe(_ report: URL, in directory: URL) throws -> Probe {
        let page = try String(contentsOf: report, encoding: .utf8)
        let probed = directory.appendingPathComponent("probed.html")
        try page.replacingOccurrences(of: "</body>", with: Self.probe + "\n</body>").write(to: probed, atomically: true, encoding: .utf8)
        let dom = try HeadlessChromium.dom(of: probed, in: directory)
        let encoded = try #require(dom.firstMatch(of: /<pre id="probe">([A-Za-z0-9+\/=]+)<\/pre>/)?.1, "no probe in the DOM:\n\(dom.prefix(2000))")
        return try JSONDecoder().decode(Probe.self, from: try #require(Data(base64Encoded: String(encoded))))
    }

    @Test("a run with an injected error: versions, totals, failures first with their replay, matrix and histogram drawn")
    func failingRun() throws {
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ConformProcess.run(
            [
                "fixtures", "--fixtures", TestEnvironment.shippedFixtures.path, "--filter", "^(cell_0|large_0|error_init|edge_all)",
                "--inject-error", "1e-3", "--html", "report.html", "--json", "report.json",
            ], in: directory)
        #expect(run.status == 1)
        let probe = try probe(directory.appendingPathComponent("report.html"), in: directory)
        let text = probe.text
        let summary = try #require(run.output.split(separator: "\n").last.map(String.init))
        let (passed, failed) = try #require(summary.wholeMatch(of: /(\d+) passed, (\d+) failed/).map { (String($0.1), String($0.2)) })
        #expect(text.contains("\(passed) passed, \(failed) failed"))
        for line in ["torch\t2.15.0+cu132", "CPU\t", "BLAS\t", "injected error\t0.001"] {
            #expect(text.contains(line), "header: \(line)")
        }
        let order = ["passed", "Failing cases (\(failed))", "Tensor-likes are not close!", "replay: swift run conform fixtures",
                     "Pass/fail matrix", "By dimension", "How close"].map { text.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil }, "\(order)")
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted(), "the failures come before the charts")
        #expect(probe.openFailures == 5)
        #expect(probe.histogram[0] > 400 && probe.histogram[1] > 200)
        #expect(probe.bars >= 2 && probe.failingBars >= 1)
        #expect(probe.toleranceLine > 100)
        #expect(probe.cells >= 4 && probe.failingCells >= 1)
        #expect(probe.failColor != probe.passColor && probe.failColor.hasPrefix("rgb"))
    }

    @Test("a passing run: every cell green, no failures section, the histogram left of the tolerance")
    func passingRun() throws {
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ConformProcess.run(
            ["fixtures", "--fixtures", TestEnvironment.shippedFixtures.path, "--filter", "^(packed_rnn|cell_1)", "--html", "report.html"],
            in: directory)
        #expect(run.status == 0)
        let probe = try probe(directory.appendingPathComponent("report.html"), in: directory)
        #expect(!probe.text.contains("Failing cases"))
        #expect(probe.text.contains(" passed, 0 failed"))
        #expect(probe.cells >= 8 && probe.failingCells == 0)
        #expect(probe.bars >= 2 && probe.failingBars == 0)
    }
}
