import Foundation
import PythonBridge
import Recurrent
import RecurrentConformance
import RecurrentFormats
import RecurrentTestSupport
import Testing
@testable import RecurrentLive


@Suite("conform --live against the embedded PyTorch", TestEnvironment.needsTorch)
struct LiveComparisonTests {
    let live: LiveComparison

    init() throws {
        live = try LiveComparison()
    }

    @Test("random cases of every kind pass against torch", arguments: [0, 1])
    func casesPass(seed: Int) {
        var kinds: Set<String> = []
        var gradients = 0
        for index in 0..<40 {
            let outcome = live.run(.init(seed: seed, index: index))
            #expect(outcome.result.passed, "\(Report.failureDetails(outcome.result))")
            kinds.insert(outcome.result.name.split(separator: "_")[3].description)
            if outcome.result.name.contains("_grad_") { gradients += 1 }
        }
        #expect(kinds == ["rnn", "packed", "cell", "error"])
        #expect(gradients > 0, "no gradient case among 40")
    }

    @Test("the same seed and index give the same case")
    func reproducible() {
        let a = live.run(.init(seed: 5, index: 7))
        let b = live.run(.init(seed: 5, index: 7))
        #expect(a.fixture != nil, "the draw failed: \(a.result.failures)")
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

    @Test("float32 and float64 can be drawn alone: the drawn case's own dtype field says so", arguments: [DType.float32, .float64])
    func dtypeChoice(_ dtype: DType) throws {
        for index in 0..<10 {
            let outcome = live.run(.init(seed: 4, index: index, dtype: dtype.rawValue))
            let bytes = try #require(outcome.fixture, "the draw failed: \(outcome.result.failures)")
            #expect(try Fixture(name: outcome.result.name, file: try Safetensors.read(Data(bytes))).dtype == dtype)
        }
    }
}
