import Foundation

/// What the HTML reports share: the page with its inline style sheet, the header of facts, and number
/// formats. A page fetches nothing: its style is inline and its charts are inline SVG.
enum HTMLPage {
    /// A whole page: `title`, then `body`.
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Markup.escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// The page's heading and a table of facts (versions, machine), in the given order.
    static func header(title: String, facts: [(label: String, value: String)]) -> String {
        var out = "<header>\n<h1>\(Markup.escape(title))</h1>\n<table class=\"facts\">\n"
        for (label, value) in facts {
            out += "<tr><th>\(Markup.escape(label))</th><td>\(Markup.escape(value))</td></tr>\n"
        }
        return out + "</table>\n</header>\n"
    }

    /// A figure in three significant digits, `0`, `inf` or `nan`.
    static func figure(_ value: Double) -> String {
        if value == 0 { return "0" }
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return String(format: "%.3g", value)
    }

    /// A duration in seconds, in the unit that suits it (`12.3 µs`, `4.56 ms`, `1.23 s`).
    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<1e-6: String(format: "%.3g ns", seconds * 1e9)
        case ..<1e-3: String(format: "%.3g µs", seconds * 1e6)
        case ..<1: String(format: "%.3g ms", seconds * 1e3)
        default: String(format: "%.3g s", seconds)
        }
    }

    /// A power of ten for an axis, `10⁻³`.
    static func powerOfTen(_ exponent: Int) -> String {
        let superscripts: [Character: Character] = [
            "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
        ]
        if exponent == 0 { return "1" }
        if exponent == 1 { return "10" }
        return "10" + String(String(exponent).map { superscripts[$0] ?? $0 })
    }

    /// An SVG coordinate: one decimal.
    static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }

    private static let style = """

        :root { --pass: #2e7d32; --pass-bg: #d7ecd9; --fail: #c62828; --fail-bg: #f6d3d3; --mixed-bg: #fbe3c4;
          --ink: #1d1d1f; --muted: #666; --rule: #ddd; --torch: #8d8d8d; --ours: #1565c0; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink);
          margin: 0 auto; padding: 16px 24px 48px; max-width: 1400px; }
        h1 { font-size: 22px; margin: 0 0 8px; }
        h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
        p.note { color: var(--muted); margin: 4px 0; }
        code, pre { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
        pre { background: #f6f6f6; padding: 8px 10px; overflow-x: auto; margin: 6px 0; white-space: pre-wrap; }
        table { border-collapse: collapse; }
        table.facts th { text-align: left; padding: 1px 16px 1px 0; color: var(--muted); font-weight: normal; white-space: nowrap;
          vertical-align: top; }
        table.facts td { padding: 1px 0; }
        .totals { margin: 16px 0; padding: 12px 16px; border-radius: 6px; }
        .totals.pass { background: var(--pass-bg); }
        .totals.fail { background: var(--fail-bg); }
        .totals .verdict { font-size: 24px; font-weight: 600; }
        .totals .pass-count { color: var(--pass); }
        .totals .fail-count { color: var(--fail); }
        details.failure { border-left: 4px solid var(--fail); padding: 4px 10px; margin: 8px 0; background: #fff8f8; }
        details.failure summary { cursor: pointer; }
        .replay code { background: #eef; padding: 1px 4px; user-select: all; }
        .scroll { overflow-x: auto; }
        table.matrix th, table.matrix td { border: 1px solid #fff; padding: 2px 6px; text-align: center; font-size: 12px; }
        table.matrix thead th { background: #f0f0f0; font-weight: 600; }
        table.matrix thead th.level { background: none; text-align: right; color: var(--muted); font-weight: normal; }
        table.matrix tbody th { background: #f0f0f0; text-align: left; font-weight: normal; white-space: nowrap; }
        table.matrix td { min-width: 34px; }
        td.pass, .tally.pass { background: var(--pass-bg); color: var(--pass); }
        td.fail, .tally.fail { background: var(--fail); color: #fff; font-weight: 600; }
        td.mixed, .tally.mixed { background: var(--mixed-bg); color: var(--fail); font-weight: 600; }
        td.empty { background: #fafafa; }
        .marginal { display: flex; flex-wrap: wrap; gap: 3px; margin: 3px 0; font-size: 12px; }
        .marginal .dimension { width: 90px; color: var(--muted); }
        .marginal .tally { padding: 1px 8px; white-space: nowrap; }
        table.cases th, table.numbers th { white-space: nowrap; }
        table.cases th, table.cases td, table.numbers th, table.numbers td { text-align: left; padding: 2px 12px 2px 0;
          border-bottom: 1px solid #eee; font-size: 12.5px; }
        table.numbers td.n, table.cases td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        svg { display: block; max-width: 100%; height: auto; font: 11px system-ui, "DejaVu Sans", sans-serif; }
        svg .axis { stroke: #999; stroke-width: 1; }
        svg .grid { stroke: #eee; stroke-width: 1; }
        svg .label { fill: var(--muted); }
        svg .bar.pass { fill: var(--pass); }
        svg .bar.fail { fill: var(--fail); }
        svg .bar.exact { fill: #6a9f6d; }
        svg .bar.torch { fill: var(--torch); }
        svg .bar.ours { fill: var(--ours); }
        svg .tolerance { stroke: var(--fail); stroke-width: 1.5; stroke-dasharray: 5 3; }
        svg .faster { fill: var(--pass); font-weight: 600; }
        svg .slower { fill: var(--fail); font-weight: 600; }
        .legend span { display: inline-block; margin-right: 14px; }
        .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
        footer { margin-top: 32px; color: var(--muted); font-size: 12px; }

        """
}
