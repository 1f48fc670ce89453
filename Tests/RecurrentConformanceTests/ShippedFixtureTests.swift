import Foundation
import Recurrent
import Testing
@testable import RecurrentConformance

/// The repository's `fixtures/` directory.
let shippedFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures")

/// Every shipped case's name; a test argument per case, so that a failure names its case.
let shippedCaseNames: [String] = ((try? FixtureDirectory.caseFiles(in: shippedFixtures)) ?? [])
    .map { $0.deletingPathExtension().lastPathComponent }

@Suite("The shipped fixtures, written by real PyTorch")
struct ShippedFixtureTests {
    @Test("each case passes", arguments: shippedCaseNames)
    func fixtureCase(_ name: String) {
        let result = FixtureRunner.run(contentsOf: shippedFixtures.appendingPathComponent(name + ".safetensors"))
        #expect(result.passed, "\(Report.failureDetails(result))")
    }

    @Test("there are at least 300 cases, under 10 MB in all")
    func enoughCases() throws {
        #expect(shippedCaseNames.count >= 300)
        let bytes = try FixtureDirectory.caseFiles(in: shippedFixtures).reduce(0) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0)
        }
        #expect(bytes < 10_000_000)
    }

    @Test("every case records torch's version and uses assert_close's default tolerance for its dtype")
    func provenanceAndTolerances() throws {
        for url in try FixtureDirectory.caseFiles(in: shippedFixtures) {
            let fixture = try Fixture(contentsOf: url)
            #expect(fixture.metadata["torch_version"]?.hasPrefix("2.") == true, "\(fixture.name)")
            #expect(fixture.metadata["generator"] == "tools/generate_fixtures.py", "\(fixture.name)")
            #expect(fixture.tolerance == .assertCloseDefault(for: fixture.dtype), "\(fixture.name)")
        }
    }

    @Test("the option product covers every pair of option values; cells, errors and dropout seeds are there too")
    func coverage() throws {
        let fixtures = try FixtureDirectory.caseFiles(in: shippedFixtures).map { try Fixture(contentsOf: $0) }
        func options(_ f: Fixture, _ c: Fixture.Configuration) -> [String] {
            [
                "layers=\(c.numLayers ?? 1)", "act=\(c.nonlinearity ?? "tanh")", "bias=\(c.bias ?? true)",
                "batchFirst=\(c.batchFirst ?? false)", "dropout=\(c.dropout ?? 0)", "bi=\(c.bidirectional ?? false)",
                "dtype=\(f.dtype)", "train=\(f.training)", "unbatched=\(f.tensors["input"]?.rank == 2)",
                "h0=\(f.tensors["h0"] != nil)",
            ]
        }
        let product = fixtures.filter { $0.name.hasPrefix("rnn_") }.compactMap { f in f.config.map { options(f, $0) } }
        let keyCount = 10
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
        #expect(fixtures.contains { $0.module == .rnnCell && $0.expectation == .output })
        #expect(fixtures.filter { if case .error = $0.expectation { true } else { false } }.count >= 50)
        #expect(fixtures.contains { $0.dropoutSeed != nil })
    }

    @Test("the packed cases are exactly the cases named packed, at least 40, sorted and unsorted, in both dtypes")
    func packedCases() throws {
        let packed = try FixtureDirectory.caseFiles(in: shippedFixtures, matching: "packed").map { try Fixture(contentsOf: $0) }
        #expect(packed.allSatisfy { $0.name.hasPrefix("packed_") })
        let rnns = packed.filter { $0.module == .rnn && $0.isPacked && $0.expectation == .output && $0.tensors["lengths"] != nil }
        #expect(rnns.count >= 40)
        #expect(Set(rnns.map(\.enforceSorted)) == [true, false])
        #expect(Set(rnns.map(\.dtype)) == [.float32, .float64])
        #expect(rnns.contains { $0.config?.bidirectional == true && ($0.config?.numLayers ?? 1) > 1 && $0.tensors["h0"] != nil })
        let unpackedNames = try FixtureDirectory.caseFiles(in: shippedFixtures).map { $0.lastPathComponent }.filter { !$0.hasPrefix("packed_") }
        #expect(!unpackedNames.contains { $0.contains("packed") })
    }
}
