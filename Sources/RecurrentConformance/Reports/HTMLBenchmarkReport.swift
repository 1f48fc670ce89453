import Foundation

/// The report of `conform bench` as one self-contained HTML page (`--html FILE`): the machine and
/// versions, a chart of our time per call against PyTorch's for each configuration (log scale, with
/// the ratio), a chart of our GFLOP/s as a share of the GEMM peak measured on the spot, and the
/// numbers.
///
/// ```swift
/// let page = HTMLBenchmarkReport.page(title: "conform bench", facts: [("torch", "2.15.0")], entries: entries)
/// ```
public enum HTMLBenchmarkReport {
    /// One measured configuration.
    public struct Entry: Hashable, Sendable {
        /// The configuration's name.
        public var name: String
        /// Its dtype.
        public var dtype: String
        /// PyTorch's median seconds per call.
        public var torchSeconds: Double
        /// Our median seconds per call.
        public var oursSeconds: Double
        /// Our GFLOP/s.
        public var gflops: Double
        /// The GEMM peak, GFLOP/s, of the dtype on the same BLAS and threads.
        public var peakGflops: Double

        /// torch ÷ ours: above 1, we are faster.
        public var ratio: Double { torchSeconds / oursSeconds }
        /// Our share of the GEMM peak, in percent.
        public var peakPercent: Double { 100 * gflops / peakGflops }

        /// An entry.
        public init(name: String, dtype: String, torchSeconds: Double, oursSeconds: Double, gflops: Double, peakGflops: Double) {
            self.name = name
            self.dtype = dtype
            self.torchSeconds = torchSeconds
            self.oursSeconds = oursSeconds
            self.gflops = gflops
            self.peakGflops = peakGflops
        }
    }

    /// The page: `facts` (versions, machine) in the header, then the charts and the table of `entries`.
    public static func page(title: String, facts: [(label: String, value: String)], entries: [Entry]) -> String {
        var body = HTMLPage.header(title: title, facts: facts)
        guard !entries.isEmpty else { return HTMLPage.page(title: title, body: body + "<p>No configuration was measured.</p>") }
        let faster = entries.count { $0.ratio > 1 }
        body += "<section id=\"totals\" class=\"totals \(faster == entries.count ? "pass" : "fail")\">"
            + "<div class=\"verdict\">faster than PyTorch in \(faster) of \(entries.count) configurations</div></section>\n"
        body += "<section id=\"time\">\n<h2>Time per call: ours against PyTorch</h2>\n"
        body += "<p class=\"legend\"><span><i class=\"swatch\" style=\"background:var(--torch)\"></i>PyTorch</span>"
            + "<span><i class=\"swatch\" style=\"background:var(--ours)\"></i>Recurrent</span>"
            + "<span>ratio: PyTorch's time ÷ ours (above 1, we are faster)</span></p>\n"
        body += timeChart(entries) + "</section>\n"
        body += "<section id=\"throughput\">\n<h2>Our GFLOP/s against the GEMM peak</h2>\n"
        body += "<p class=\"note\">The peak is a 1024³ matrix product of the same dtype on the same BLAS and threads; "
            + "the dashed line is 100% of it.</p>\n"
        body += throughputChart(entries) + "</section>\n"
        body += table(entries)
        return HTMLPage.page(title: title, body: body)
    }

    private static let width = 980.0
    private static let labelWidth = 210.0
    private static let rowHeight = 30.0
    private static let axisHeight = 34.0

    private static func c(_ value: Double) -> String { HTMLPage.coordinate(value) }

    private static func rowLabel(_ entry: Entry, _ y: Double) -> String {
        "<text x=\"\(c(labelWidth - 8))\" y=\"\(c(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(Markup.escape(entry.name))</text>"
    }

    private static func timeChart(_ entries: [Entry]) -> String {
        let times = entries.flatMap { [$0.torchSeconds, $0.oursSeconds] }.filter { $0 > 0 && $0.isFinite }
        let low = Int(log10(times.min() ?? 1e-6).rounded(.down))
        let high = max(Int(log10(times.max() ?? 1).rounded(.up)), low + 1)
        let (plotLeft, plotRight) = (labelWidth, width - 110)
        func x(_ seconds: Double) -> Double {
            guard seconds > 0, seconds.isFinite else { return plotLeft }
            return plotLeft + (plotRight - plotLeft) * (log10(seconds) - Double(low)) / Double(high - low)
        }
        let height = Double(entries.count) * rowHeight + axisHeight
        var out = "<svg id=\"time-chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "role=\"img\" aria-label=\"time per call, ours against PyTorch\">\n"
        let bottom = Double(entries.count) * rowHeight
        for decade in low...high {
            let position = x(pow(10, Double(decade)))
            out += "<line class=\"grid\" x1=\"\(c(position))\" x2=\"\(c(position))\" y1=\"0\" y2=\"\(c(bottom))\"/>"
            out += "<text class=\"label\" x=\"\(c(position))\" y=\"\(c(bottom + 16))\" text-anchor=\"middle\">"
                + "\(Markup.escape(HTMLPage.duration(pow(10, Double(decade)))))</text>\n"
        }
        for (index, entry) in entries.enumerated() {
            let y = Double(index) * rowHeight
            out += rowLabel(entry, y)
            for (offset, kind, seconds) in [(5.0, "torch", entry.torchSeconds), (16.0, "ours", entry.oursSeconds)] {
                out += "<rect class=\"bar \(kind)\" x=\"\(c(plotLeft))\" y=\"\(c(y + offset))\" width=\"\(c(max(x(seconds) - plotLeft, 1)))\" "
                    + "height=\"9\"><title>\(kind == "ours" ? "Recurrent" : "PyTorch"): \(Markup.escape(HTMLPage.duration(seconds)))</title></rect>"
            }
            out += "<text class=\"\(entry.ratio >= 1 ? "faster" : "slower")\" x=\"\(c(plotRight + 10))\" y=\"\(c(y + rowHeight / 2 + 4))\">"
                + "\(String(format: "%.2f×", entry.ratio))</text>\n"
        }
        out += "<line class=\"axis\" x1=\"\(c(plotLeft))\" x2=\"\(c(plotLeft))\" y1=\"0\" y2=\"\(c(bottom))\"/>"
        out += "<text class=\"label\" x=\"\(c((plotLeft + plotRight) / 2))\" y=\"\(c(height - 2))\" text-anchor=\"middle\">"
            + "median time per call (log scale)</text>\n</svg>\n"
        return out
    }

    private static func throughputChart(_ entries: [Entry]) -> String {
        let highest = entries.map(\.peakPercent).filter(\.isFinite).max() ?? 0
        let scale = max(100, (highest / 10).rounded(.up) * 10)
        let (plotLeft, plotRight) = (labelWidth, width - 250)
        func x(_ percent: Double) -> Double { plotLeft + (plotRight - plotLeft) * min(max(percent, 0), scale) / scale }
        let bottom = Double(entries.count) * rowHeight
        let height = bottom + axisHeight
        var out = "<svg id=\"throughput-chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" "
            + "height=\"\(Int(height))\" role=\"img\" aria-label=\"GFLOP/s against the GEMM peak\">\n"
        for tick in stride(from: 0.0, through: scale, by: scale / 5) {
            out += "<line class=\"grid\" x1=\"\(c(x(tick)))\" x2=\"\(c(x(tick)))\" y1=\"0\" y2=\"\(c(bottom))\"/>"
            out += "<text class=\"label\" x=\"\(c(x(tick)))\" y=\"\(c(bottom + 16))\" text-anchor=\"middle\">\(Int(tick))%</text>\n"
        }
        for (index, entry) in entries.enumerated() {
            let y = Double(index) * rowHeight
            out += rowLabel(entry, y)
            out += "<rect class=\"bar ours\" x=\"\(c(plotLeft))\" y=\"\(c(y + 8))\" width=\"\(c(max(x(entry.peakPercent) - plotLeft, 1)))\" "
                + "height=\"14\"><title>\(String(format: "%.2f GFLOP/s, %.1f%% of %.1f", entry.gflops, entry.peakPercent, entry.peakGflops))</title></rect>"
            out += "<text class=\"label\" x=\"\(c(plotRight + 10))\" y=\"\(c(y + rowHeight / 2 + 4))\">"
                + String(format: "%.2f GFLOP/s: %.1f%% of %.0f, the ", entry.gflops, entry.peakPercent, entry.peakGflops)
                + "\(Markup.escape(entry.dtype)) peak</text>\n"
        }
        out += "<line class=\"tolerance\" x1=\"\(c(x(100)))\" x2=\"\(c(x(100)))\" y1=\"0\" y2=\"\(c(bottom))\"/>"
        out += "<text class=\"label\" x=\"\(c((plotLeft + plotRight) / 2))\" y=\"\(c(height - 2))\" text-anchor=\"middle\">"
            + "share of the GEMM peak</text>\n</svg>\n"
        return out
    }

    private static func table(_ entries: [Entry]) -> String {
        var out = "<section id=\"numbers\">\n<h2>Numbers</h2>\n<table class=\"numbers\">\n"
        out += "<tr><th>configuration</th><th>dtype</th><th>PyTorch</th><th>ours</th><th>ratio</th><th>GFLOP/s</th><th>% of peak</th></tr>\n"
        for entry in entries {
            out += "<tr><td>\(Markup.escape(entry.name))</td><td>\(Markup.escape(entry.dtype))</td>"
                + "<td class=\"n\">\(Markup.escape(HTMLPage.duration(entry.torchSeconds)))</td>"
                + "<td class=\"n\">\(Markup.escape(HTMLPage.duration(entry.oursSeconds)))</td>"
                + "<td class=\"n\">\(String(format: "%.2f×", entry.ratio))</td>"
                + "<td class=\"n\">\(String(format: "%.2f", entry.gflops))</td>"
                + "<td class=\"n\">\(String(format: "%.1f%%", entry.peakPercent))</td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }
}
