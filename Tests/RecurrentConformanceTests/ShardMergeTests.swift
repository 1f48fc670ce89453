import Foundation
import Testing
@testable import RecurrentConformance

@Suite("Shards split a run; merging joins exactly the shards of one run")
struct ShardMergeTests {
    @Test("every case is in exactly one shard, in order, sizes differing by at most one")
    func partition() throws {
        for total in [0, 1, 2, 3, 7, 10, 99, 100, 2000, 100_003] {
            for count in [1, 2, 3, 4, 7, 16, 100] {
                let ranges = (1...count).map { Shard(index: $0, count: count)!.range(in: total) }
                #expect(ranges.first?.lowerBound == 0)
                #expect(ranges.last?.upperBound == total)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                let sizes = ranges.map(\.count)
                #expect(sizes.max()! - sizes.min()! <= 1, "total \(total), \(count) shards: \(sizes)")
            }
        }
        #expect(Shard("2/4")!.range(in: 10) == 2..<5)
    }

    @Test("a shard of the largest run there can be is computed without overflow")
    func noOverflow() {
        let range = Shard(index: 3, count: 4)!.range(in: Int.max)
        #expect(range.lowerBound == Int.max / 2)
        #expect(range.upperBound == 3 << 61 - 1, "⌊3 (2^63 - 1) / 4⌋")
        #expect(Shard(index: 4, count: 4)!.range(in: Int.max).upperBound == Int.max)
    }

    @Test("K/N parses only with 1 <= K <= N", arguments: ["1/1", "3/4", "100/100"])
    func parses(_ text: String) {
        #expect(Shard(text)?.description == text)
    }

    @Test("anything else is refused", arguments: ["0/4", "5/4", "-1/4", "1/0", "1/-2", "1", "1/2/3", "a/b", "", "/4", "1/"])
    func refuses(_ text: String) {
        #expect(Shard(text) == nil)
    }

    func result(_ name: String, passed: Bool = true) -> CaseResult {
        CaseResult(name: name, summary: "RNN float32", failures: passed ? [] : ["output: not close"], dimensions: ["module": "RNN"])
    }

    /// The shards of a live run of `total` cases, each case failing when `failing` says so.
    func shards(
        _ count: Int, total: Int = 10, seed: String = "11", torch: String = "2.15.0", caseSet: String? = nil,
        failing: (Int) -> Bool = { _ in false }
    ) -> [(name: String, document: Report.Document)] {
        (1...count).map { index in
            let shard = Shard(index: index, count: count)!
            let cases = shard.range(in: total).map { result(String(format: "live_s11_%05d_rnn_float32", $0), passed: !failing($0)) }
            let context = [
                "mode": "live", "seed": seed, "torch": torch, "caseSet": caseSet ?? "live: seed \(seed), \(total) cases",
                "total": "\(total)", "shard": "\(shard)", "host": "runner-\(index)", "started": "2026-01-0\(index)T00:00:00",
            ]
            return ("shard\(index).json", Report.Document(cases: cases, context: context))
        }
    }

    @Test("the shards, in any order, merge into the whole run in its order, counted")
    func merges() throws {
        let merged = try ReportMerge.merge(shards(4, failing: { $0 == 7 }).reversed())
        #expect(merged.cases.map(\.name) == (0..<10).map { String(format: "live_s11_%05d_rnn_float32", $0) })
        #expect(merged.passed == 9 && merged.failed == 1)
        #expect(merged[.shard] == nil)
        #expect(merged[.shards] == "4")
        #expect(merged[.seed] == "11")
        #expect(merged[.started] == "2026-01-01T00:00:00")
        #expect(merged[.host] == "runner-1; runner-2; runner-3; runner-4")
        #expect(Report.summaryLine(merged.cases) == "9 passed, 1 failed")
    }

    @Test("one unsharded report merges into itself")
    func whole() throws {
        var report = shards(1)[0]
        report.document.context["shard"] = nil
        #expect(try ReportMerge.merge([report]).cases.count == 10)
    }

    func refusal(_ reports: [(name: String, document: Report.Document)]) -> String? {
        do {
            _ = try ReportMerge.merge(reports)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("reports of different seeds, torch versions or case sets are refused, naming both")
    func differentRuns() {
        var reports = shards(2)
        reports[1].document.context["seed"] = "12"
        #expect(refusal(reports) == "shard1.json was drawn with seed 11, shard2.json was drawn with seed 12: only the shards of one run merge (one seed)")
        reports = shards(2)
        reports[0].document.context["torch"] = "2.14.1"
        #expect(refusal(reports) == "shard1.json ran against torch 2.14.1, shard2.json ran against torch 2.15.0: only the shards of one run merge (one torch)")
        reports = shards(2)
        reports[1].document.context["caseSet"] = "live: seed 11, 20 cases"
        #expect(refusal(reports)?.hasPrefix("shard1.json holds cases of live: seed 11, 10 cases, shard2.json holds cases of live: seed 11, 20 cases") == true)
        reports = shards(2)
        reports[1].document.context["mode"] = "fixtures"
        #expect(refusal(reports) == "shard1.json is a live run, shard2.json is a fixtures run: only the shards of one run merge (one mode)")
    }

    @Test("a missing, repeated, foreign or cut-short shard is refused")
    func wrongShards() {
        var reports = shards(4)
        reports.remove(at: 2)
        #expect(refusal(reports) == "shard 3/4 missing: a merge needs every shard's report (given: 1/4, 2/4, 4/4)")
        reports = shards(4)
        reports.append(reports[1])
        #expect(refusal(reports) == "shard2.json and shard2.json are both shard 2/4: pass each shard's report once")
        reports = shards(2) + [shards(3)[2]]
        #expect(refusal(reports) == "shard1.json is shard 1/2 and shard3.json shard 3/3: the shards of one run share N")
        reports = shards(2)
        reports[0].document.cases.removeLast()
        #expect(refusal(reports) == "shard1.json holds 4 cases, but shard 1/2 of 10 cases has 5: was its run cut short?")
        reports = shards(2)
        reports[1].document.cases[0].name = reports[0].document.cases[0].name
        #expect(refusal(reports) == "case live_s11_00000_rnn_float32 is in both shard1.json and shard2.json")
    }

    @Test("a report that does not say which cases it holds is refused")
    func notAShard() {
        var reports = shards(2)
        reports[0].document.context["caseSet"] = nil
        #expect(refusal(reports)?.hasPrefix("shard1.json does not say which set of cases it holds") == true)
        #expect(refusal([]) == "no reports to merge")
    }
}
