import Foundation
import RecurrentConformance
import RecurrentTestSupport
import Testing

/// `conform fixtures|live --shard K/N` and `conform merge`, run as a CI matrix runs them: the merged
/// report is the unsharded run's, case for case, and the logs are plain.
@Suite("Sharded runs merge into the unsharded run")
struct ShardedRunTests {
    /// A subset of the shipped fixtures, small enough to run three times over.
    static let filter = "^(cell_0|packed_util_pack|large_0|error_init)"

    func verdicts(_ file: URL) throws -> [String] {
        try Report.Document(json: Data(contentsOf: file)).cases.map { "\($0.name) \($0.passed)" }
    }

    func fixtures(_ arguments: [String], in directory: URL) throws -> ConformProcess.Outcome {
        try ConformProcess.run(
            ["fixtures", "--fixtures", TestEnvironment.shippedFixtures.path, "--filter", Self.filter] + arguments, in: directory)
    }

    @Test("three fixture shards and their merge give the unsharded run's cases, verdicts, line and status", arguments: [false, true])
    func fixtureShards(injectingError: Bool) throws {
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let injection = injectingError ? ["--inject-error", "1e-3"] : []
        let whole = try fixtures(injection + ["--json", "whole.json"], in: directory)
        #expect(whole.status == (injectingError ? 1 : 0), "\(whole.error)")
        var sizes: [Int] = []
        for k in 1...3 {
            let shard = try fixtures(injection + ["--shard", "\(k)/3", "--json", "shard\(k).json"], in: directory)
            let cases = try verdicts(directory.appendingPathComponent("shard\(k).json"))
            #expect(shard.status == (cases.contains { $0.hasSuffix("false") } ? 1 : 0), "\(shard.error)")
            sizes.append(cases.count)
        }
        #expect(sizes.max()! - sizes.min()! <= 1)
        let merged = try ConformProcess.run(
            ["merge", "shard2.json", "shard3.json", "shard1.json", "--json", "merged.json", "--junit", "merged.xml", "--html", "merged.html"],
            in: directory)
        #expect(merged.status == whole.status, "\(merged.error)")
        let expected = try verdicts(directory.appendingPathComponent("whole.json"))
        #expect(expected.count > 30)
        #expect(try verdicts(directory.appendingPathComponent("merged.json")) == expected)
        #expect(merged.output.split(separator: "\n").last == whole.output.split(separator: "\n").last)
        #expect(injectingError == expected.contains { $0.hasSuffix("false") })
        for file in ["merged.xml", "merged.html"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path))
        }
        if injectingError {
            #expect(merged.output.contains("replay: swift run conform fixtures --fixtures "))
        }
    }

    @Test("a redirected log starts with the version header and holds no carriage return or escape code")
    func plainLog() throws {
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try fixtures(["--shard", "1/2"], in: directory)
        #expect(run.status == 0)
        #expect(run.output.hasPrefix("fixtures: \(TestEnvironment.shippedFixtures.path), written by torch 2.15.0"))
        let log = run.output + run.error
        #expect(!log.contains("\r") && !log.contains("\u{1B}"))
    }

    @Test("merge refuses what is not the shards of one run, with status 2 and a message naming the files")
    func refusals() throws {
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try fixtures(["--shard", "1/2", "--json", "a.json"], in: directory)
        _ = try ConformProcess.run(
            ["fixtures", "--fixtures", TestEnvironment.shippedFixtures.path, "--filter", "^cell_1", "--shard", "2/2", "--json", "b.json"],
            in: directory)
        let mixed = try ConformProcess.run(["merge", "a.json", "b.json", "--html", "r.html"], in: directory)
        #expect(mixed.status == 2)
        #expect(mixed.error.hasPrefix("conform merge: a.json holds cases of fixtures: "), "\(mixed.error)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("r.html").path))
        let missing = try ConformProcess.run(["merge", "a.json"], in: directory)
        #expect(missing.status == 2)
        #expect(missing.error == "conform merge: shard 2/2 missing: a merge needs every shard's report (given: 1/2)\n")
        let bad = try fixtures(["--shard", "3/2"], in: directory)
        #expect(bad.status != 0 && bad.error.contains("'3/2' is invalid for '--shard <K/N>'"))
    }

    @Test("live shards merge into the unsharded live run", TestEnvironment.needsTorch)
    func liveShards() throws {
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = ["live", "--cases", "30", "--seed", "7"]
        let whole = try ConformProcess.run(live + ["--json", "whole.json"], in: directory)
        #expect(whole.status == 0, "\(whole.output)\(whole.error)")
        #expect(whole.output.hasPrefix("live: torch 2.15.0"))
        for k in 1...4 {
            let shard = try ConformProcess.run(live + ["--shard", "\(k)/4", "--json", "s\(k).json"], in: directory)
            #expect(shard.status == 0, "\(shard.error)")
        }
        let merged = try ConformProcess.run(["merge", "s4.json", "s1.json", "s3.json", "s2.json", "--json", "merged.json"], in: directory)
        #expect(merged.status == 0, "\(merged.error)")
        #expect(merged.output.hasSuffix("30 passed, 0 failed\n"))
        let expected = try verdicts(directory.appendingPathComponent("whole.json"))
        #expect(expected.count == 30)
        #expect(try verdicts(directory.appendingPathComponent("merged.json")) == expected)
        let other = try ConformProcess.run(["live", "--cases", "30", "--seed", "8", "--shard", "1/4", "--json", "o.json"], in: directory)
        #expect(other.status == 0)
        let refused = try ConformProcess.run(["merge", "o.json", "s2.json", "s3.json", "s4.json"], in: directory)
        #expect(refused.status == 2)
        #expect(refused.error.contains("o.json was drawn with seed 8, s2.json was drawn with seed 7"))
    }
}
