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

    /// A live case's name, `live_sSEED_INDEX_MODULE[_cell][_KIND][_grad]_DTYPE` (tools/recurrent_fixtures/live.py):
    /// its module, its kind (`packed`, `cell`, `error`, or `none` for a padded sequence) and whether it
    /// checks gradients; `nil` for a name outside the scheme.
    static func parse(_ name: String, seed: Int, index: Int) -> (module: String, kind: String, gradients: Bool)? {
        let fields = name.split(separator: "_").map(String.init)
        guard fields.count >= 5, fields[0] == "live", fields[1] == "s\(seed)", fields[2] == String(format: "%05d", index),
            ["rnn", "lstm", "gru"].contains(fields[3]), ["float32", "float64"].contains(fields[fields.count - 1])
        else { return nil }
        var middle = Array(fields[4..<(fields.count - 1)])
        let gradients = middle.last == "grad"
        if gradients { middle.removeLast() }
        let kind: String
        switch middle {
        case []: kind = "none"
        case ["packed"]: kind = "packed"
        case ["cell"]: kind = "cell"
        case ["error"], ["cell", "error"]: kind = "error"
        default: return nil
        }
        // An invalid call has no output to take gradients of.
        if gradients && kind == "error" { return nil }
        return (fields[3], kind, gradients)
    }

    @Test("live case names follow the scheme, and a name outside it is refused")
    func nameScheme() {
        #expect(Self.parse("live_s5_00012_lstm_packed_float32", seed: 5, index: 12)! == ("lstm", "packed", false))
        #expect(Self.parse("live_s5_00003_gru_cell_grad_float64", seed: 5, index: 3)! == ("gru", "cell", true))
        #expect(Self.parse("live_s0_00007_lstm_cell_error_float32", seed: 0, index: 7)! == ("lstm", "error", false))
        #expect(Self.parse("live_s0_00007_rnn_grad_float32", seed: 0, index: 7)! == ("rnn", "none", true))
        // Another case's index, another module, kinds that do not go together, a gradient of an error, another dtype.
        for wrong in ["live_s0_00008_lstm_float32", "live_s0_00007_transformer_float32", "live_s0_00007_rnn_cell_packed_float32",
                      "live_s0_00007_rnn_error_grad_float32", "live_s0_00007_rnn_float16"] {
            #expect(Self.parse(wrong, seed: 0, index: 7) == nil, "\(wrong)")
        }
    }

    @Test("random cases of every module and kind pass against torch", arguments: [0, 1])
    func casesPass(seed: Int) {
        var modules: Set<String> = []
        var kinds: Set<String> = []
        var gradients = 0
        for index in 0..<40 {
            let outcome = live.run(.init(seed: seed, index: index))
            #expect(outcome.result.passed, "\(Report.failureDetails(outcome.result))")
            guard let parsed = Self.parse(outcome.result.name, seed: seed, index: index) else {
                Issue.record("'\(outcome.result.name)' is not a live case name (live_sSEED_INDEX_MODULE[_cell][_KIND][_grad]_DTYPE)")
                continue
            }
            modules.insert(parsed.module)
            kinds.insert(parsed.kind)
            if parsed.gradients { gradients += 1 }
        }
        #expect(modules == ["rnn", "lstm", "gru"])
        #expect(kinds == ["none", "packed", "cell", "error"])
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
