import Foundation
import PythonBridge
import Recurrent
import RecurrentConformance
import RecurrentFormats
import Testing
@testable import RecurrentLive

/// Whether the set-up's torch environment is there; the tests that need torch run only then.
let torchInstalled = PythonEnvironment.default.hasTorch()

@Suite("conform --live against the embedded PyTorch", .enabled(if: torchInstalled, "needs the torch environment tools/setup.sh creates"))
struct LiveComparisonTests {
    let live: LiveComparison

    init() throws {
        live = try LiveComparison()
    }

    @Test("random cases of every kind pass against torch", arguments: [0, 1])
    func casesPass(seed: Int) {
        var kinds: Set<String> = []
        for index in 0..<40 {
            let outcome = live.run(.init(seed: seed, index: index))
            #expect(outcome.result.passed, "\(Report.failureDetails(outcome.result))")
            kinds.insert(outcome.result.name.split(separator: "_")[3].description)
        }
        #expect(kinds == ["rnn", "packed", "cell", "error"])
    }

    @Test("the same seed and index give the same case")
    func reproducible() {
        let a = live.run(.init(seed: 5, index: 7))
        let b = live.run(.init(seed: 5, index: 7))
        #expect(a.fixture == b.fixture)
        #expect(a.result.name == b.result.name)
    }

    @Test("with an injected error every case fails, and so does its saved fixture when the injection is repeated")
    func injectedErrorFails() throws {
        let options = FixtureRunner.Options(injectedError: 1e-3)
        for index in 0..<25 {
            let outcome = live.run(.init(seed: 2, index: index, numericOnly: true), options: options)
            #expect(!outcome.result.passed, "\(outcome.result.name) passed with an injected error")
            let bytes = try #require(outcome.fixture)
            let fixture = try Fixture(name: outcome.result.name, file: try Safetensors.read(Data(bytes)))
            #expect(!FixtureRunner.run(fixture, options: options).passed)
            #expect(FixtureRunner.run(fixture).passed, "the saved case itself is torch's truth")
        }
    }

    @Test("float32 and float64 can be drawn alone")
    func dtypeChoice() {
        for index in 0..<10 {
            #expect(live.run(.init(seed: 4, index: index, dtype: "float64")).result.name.hasSuffix("float64"))
        }
    }
}
