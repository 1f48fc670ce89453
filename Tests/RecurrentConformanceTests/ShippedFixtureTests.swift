import Foundation
import Recurrent
import RecurrentTestSupport
import Testing
@testable import RecurrentConformance

/// Every shipped case file, module cases and checkpoint cases; a test argument per case, so that a
/// failure names its case.
let shippedCaseFiles: [URL] = (try? FixtureDirectory.caseFiles(in: TestEnvironment.shippedFixtures)) ?? []

/// The shipped module cases (not the checkpoint cases), read.
let shippedFixtures: [Fixture] = shippedCaseFiles.filter { !$0.path.contains("/checkpoints/") }.compactMap { try? Fixture(contentsOf: $0) }

/// The keyword arguments of a case, as JSON values, for tests that look at the option grid.
func configuration(of fixture: Fixture) -> [String: String] {
    guard let data = fixture.metadata["config"]?.data(using: .utf8),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    return object.mapValues { "\($0)" }
}

@Suite("The shipped fixtures, written by real PyTorch")
struct ShippedFixtureTests {
    @Test("each case passes", arguments: shippedCaseFiles)
    func fixtureCase(_ file: URL) {
        let result = FixtureRunner.run(contentsOf: file)
        #expect(result.passed, "\(Report.failureDetails(result))")
    }

    @Test("there are at least 300 cases and 10 checkpoint cases, every file readable, under 25 MB in all")
    func enoughCases() throws {
        #expect(shippedFixtures.count >= 300)
        #expect(shippedFixtures.count == shippedCaseFiles.count { !$0.path.contains("/checkpoints/") })
        #expect(shippedCaseFiles.count { $0.path.contains("/checkpoints/") } >= 10)
        let files = try FileManager.default.subpathsOfDirectory(atPath: TestEnvironment.shippedFixtures.path)
        let bytes = try files.reduce(0) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: TestEnvironment.shippedFixtures.appendingPathComponent($1).path)[.size] as? Int) ?? 0)
        }
        #expect(bytes < 25_000_000)
    }

    @Test("every case records torch's version and uses assert_close's default tolerance for its dtype (one, stricter)")
    func provenanceAndTolerances() throws {
        for url in shippedCaseFiles {
            let fixture = try Fixture(contentsOf: url)
            #expect(fixture.metadata["torch_version"]?.hasPrefix("2.") == true, "\(fixture.name)")
            #expect(fixture.metadata["generator"]?.hasPrefix("tools/") == true, "\(fixture.name)")
            // The float64 training run is held to a relative 1e-9 at every step, stricter than the default.
            let expected = fixture.name == "training_char_rnn_float64"
                ? Tolerance(relative: 1e-9, absolute: 0) : .assertCloseDefault(for: fixture.dtype)
            #expect(fixture.tolerance == expected, "\(fixture.name)")
        }
    }

    @Test("the option product covers every pair of option values; cells, errors and dropout seeds are there too")
    func coverage() throws {
        let keys = ["num_layers", "nonlinearity", "bias", "batch_first", "dropout", "bidirectional"]
        let product = shippedFixtures.filter { $0.name.hasPrefix("rnn_") }.map { fixture in
            let config = configuration(of: fixture)
            return keys.map { "\($0)=\(config[$0] ?? "?")" } + [
                "dtype=\(fixture.dtype)", "train=\(fixture.training)", "unbatched=\(fixture.tensors["input"]?.rank == 2)",
                "h0=\(fixture.tensors["h0"] != nil)",
            ]
        }
        let keyCount = keys.count + 4
        let values = (0..<keyCount).map { k in Set(product.map { $0[k] }) }
        let seen = Set(product.flatMap { o in (0..<keyCount).flatMap { i in ((i + 1)..<keyCount).map { "\(o[i]) \(o[$0])" } } })
        for i in 0..<keyCount {
            #expect(values[i].count >= 2, "option \(i) takes one value only")
            for j in (i + 1)..<keyCount {
                for x in values[i] {
                    for y in values[j] { #expect(seen.contains("\(x) \(y)"), "no case has \(x) with \(y)") }
                }
            }
        }
        #expect(shippedFixtures.contains { $0.module == RNNCellConformance.module && $0.expectation == .output })
        #expect(shippedFixtures.count { $0.expectsError } >= 50)
        #expect(Set(shippedFixtures.compactMap { if case .error(let stage, _, _) = $0.expectation { stage } else { nil } })
            == Set(Fixture.Stage.allCases))
        #expect(shippedFixtures.contains { $0.dropoutSeed != nil })
    }

    @Test("the packed cases are exactly the cases named packed, at least 40, sorted and unsorted, in both dtypes")
    func packedCases() throws {
        let packed = try FixtureDirectory.caseFiles(in: TestEnvironment.shippedFixtures, matching: "packed")
            .filter { !$0.path.contains("/checkpoints/") }.map { try Fixture(contentsOf: $0) }
        #expect(packed.allSatisfy { $0.name.hasPrefix("packed_") })
        let rnns = packed.filter {
            $0.module == RNNConformance.module && $0.metadata["input_kind"] == "packed" && $0.expectation == .output
                && $0.tensors["lengths"] != nil
        }
        #expect(rnns.count >= 40)
        #expect(Set(rnns.map { $0.metadata["enforce_sorted"] }) == ["true", "false"])
        #expect(Set(rnns.map(\.dtype)) == [.float32, .float64])
        #expect(rnns.contains {
            let config = configuration(of: $0)
            return config["bidirectional"] == "1" && config["num_layers"] != "1" && $0.tensors["h0"] != nil
        })
        #expect(!shippedFixtures.contains { !$0.name.hasPrefix("packed_") && $0.name.contains("packed") })
    }

    @Test("at least 200 gradient cases, exactly those --filter grad selects, over RNN and RNNCell, packed and dropout")
    func gradientCases() throws {
        let gradients = shippedFixtures.filter { $0.metadata["gradients"] == "true" }
        #expect(gradients.count >= 200)
        let selected = try FixtureDirectory.caseFiles(in: TestEnvironment.shippedFixtures, matching: "grad").map { Fixture.caseName(of: $0) }
        #expect(Set(gradients.map(\.name)).isSubset(of: selected))
        #expect(Set(gradients.map(\.module)).isSuperset(of: [RNNConformance.module, RNNCellConformance.module]))
        #expect(Set(gradients.filter { $0.metadata["input_kind"] == "packed" }.map { $0.metadata["enforce_sorted"] }) == ["true", "false"])
        #expect(gradients.contains { $0.dropoutSeed != nil })
        #expect(Set(gradients.map(\.dtype)) == [.float32, .float64])
        #expect(gradients.contains { $0.tensors["cotangent.output"] == nil } && gradients.contains { $0.tensors["cotangent.h_n"] == nil })
    }
}
