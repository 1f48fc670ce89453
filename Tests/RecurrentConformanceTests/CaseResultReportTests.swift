import Foundation
import Recurrent
import RecurrentFormats
import RecurrentTestSupport
import Testing
@testable import RecurrentConformance

/// What a case's result carries for the reports: the tolerance ratio where Closeness compares, the
/// configuration dimensions from the fixture, the time, and a JSON that older reports still read as.
@Suite("Case results carry what the reports need")
struct CaseResultReportTests {
    func shipped(_ name: String) throws -> Fixture {
        try Fixture(contentsOf: TestEnvironment.shippedFixtures.appendingPathComponent(name + ".safetensors"))
    }

    @Test("the tolerance ratio is |a - e| / (atol + rtol |e|) at the worst element: 0 equal, 1 at the edge, inf when not finite")
    func toleranceRatio() throws {
        let tolerance = Tolerance(relative: 0.5, absolute: 1)
        func ratio(_ actual: [Double], _ expected: [Double], equalNaN: Bool = false) throws -> Double? {
            Closeness.compare(
                try Tensor(shape: [actual.count], scalars: actual), try Tensor(shape: [expected.count], scalars: expected),
                tolerance: tolerance, equalNaN: equalNaN
            ).maxToleranceRatio
        }
        #expect(try ratio([1, 2], [1, 2]) == 0)
        // allowed at e = 2 is 1 + 0.5 * 2 = 2: a difference of 1 is half of it, of 2 all of it, of 4 twice.
        #expect(try ratio([3, 0], [2, 0]) == 0.5)
        #expect(try ratio([4, 0], [2, 0]) == 1)
        #expect(try ratio([6, 0.5], [2, 0]) == 2)
        #expect(try ratio([.nan], [1]) == .infinity)
        #expect(try ratio([.nan], [.nan], equalNaN: true) == 0)
        #expect(try ratio([.infinity], [.infinity]) == 0)
        #expect(try ratio([], []) == 0)
        let exact = Closeness.compare(
            try Tensor<Double>(shape: [1], scalars: [1]), try Tensor<Double>(shape: [1], scalars: [1.5]), tolerance: .exact)
        #expect(exact.maxToleranceRatio == .infinity)
        let shape = Closeness.compare(try Tensor<Double>(shape: [2], scalars: [1, 2]), try Tensor<Double>(shape: [1], scalars: [1]))
        #expect(shape.maxToleranceRatio == nil)
    }

    @Test("a case's ratio is its worst comparison's, above 1 exactly when a value failed")
    func caseRatio() throws {
        let passing = FixtureRunner.run(try shipped("large_0_tanh_float32"))
        let ratio = try #require(passing.toleranceRatio)
        #expect(ratio > 0 && ratio <= 1)
        let failing = FixtureRunner.run(try shipped("large_0_tanh_float32"), options: .init(injectedError: 1e-3))
        #expect(try #require(failing.toleranceRatio) > 50, "1e-3 against atol 1e-5 + rtol 1.3e-6 |e|")
        #expect(FixtureRunner.run(try shipped("error_init_dropout_nan")).toleranceRatio == nil)
        #expect(try #require(passing.seconds) > 0)
    }

    @Test("dimensions come from the fixture's metadata", arguments: [
        ("packed_rnn_02_sorted_tm_uni_l2_tanh_nobias_h0_float32",
         ["module": "RNN", "dtype": "float32", "layers": "2", "direction": "unidirectional", "batch_first": "false",
          "input": "packed", "result": "output"]),
        ("edge_all_ones_bi_l2_float64",
         ["module": "RNN", "dtype": "float64", "layers": "2", "direction": "bidirectional", "batch_first": "false",
          "input": "tensor", "result": "output"]),
        ("cell_00_bias_tanh_batched_zeros_float32", ["module": "RNNCell", "dtype": "float32", "input": "tensor", "result": "output"]),
        ("error_init_dropout_nan",
         ["module": "RNN", "dtype": "float32", "layers": "1", "direction": "unidirectional", "batch_first": "false",
          "input": "tensor", "result": "error"]),
        ("packed_util_pack_padded_sorted", ["module": "utils", "dtype": "float32", "input": "packed", "result": "output"]),
    ])
    func dimensions(_ name: String, _ expected: [String: String]) throws {
        let result = FixtureRunner.run(try shipped(name))
        #expect(result.dimensions == expected)
        #expect(result.module == expected["module"])
        #expect(result.torchVersion == "2.15.0+cu132")
    }

    @Test("a checkpoint case's batch_first comes from its own field")
    func checkpointDimensions() throws {
        let url = TestEnvironment.checkpointFixtures.appendingPathComponent("float64_relu_batch_first.expected.safetensors")
        let result = FixtureRunner.run(contentsOf: url)
        #expect(result.dimensions["module"] == "checkpoint")
        #expect(result.dimensions["batch_first"] == "true")
        #expect(result.dimensions["dtype"] == "float64")
    }

    @Test("a gradient case is one whose name says grad or whose metadata says gradients")
    func gradientCases() throws {
        var fixture = try shipped("large_0_tanh_float32")
        #expect(CaseDimension.values(of: fixture)["result"] == "output")
        fixture.metadata["gradients"] = "true"
        #expect(CaseDimension.values(of: fixture)["result"] == "gradient")
        fixture.metadata["gradients"] = "false"
        #expect(CaseDimension.values(of: fixture)["result"] == "output")
        fixture.name = "grad_large_0_tanh_float32"
        #expect(CaseDimension.values(of: fixture)["result"] == "gradient")
    }

    @Test("a config with parts of unexpected types still gives the dimensions it can")
    func oddConfig() throws {
        var fixture = try shipped("large_0_tanh_float32")
        fixture.metadata["config"] = #"{"num_layers":"three","bidirectional":true,"batch_first":1}"#
        let values = CaseDimension.values(of: fixture)
        #expect(values["layers"] == nil)
        #expect(values["direction"] == "bidirectional")
        #expect(values["batch_first"] == nil)
    }

    @Test("a report written before the new fields reads, with them absent")
    func olderJSON() throws {
        let old = """
            {"context":{"mode":"fixtures"},"failed":1,"passed":0,"cases":[{"name":"a","summary":"RNN float32",
            "maxAbsoluteDifference":0.5,"failures":["output: not close"],"passed":false}]}
            """
        let document = try Report.Document(json: Data(old.utf8))
        #expect(document.cases.count == 1)
        #expect(document.failed == 1)
        let result = try #require(document.cases.first)
        #expect(result.maxAbsoluteDifference == 0.5)
        #expect(result.dimensions.isEmpty && result.toleranceRatio == nil && result.seconds == nil && result.replay == nil)
    }

    @Test("the new fields round-trip, an infinite ratio as \"inf\"")
    func roundTrip() throws {
        var result = CaseResult(
            name: "c", summary: "s", toleranceRatio: .infinity, failures: ["x"], dimensions: ["module": "GRU"])
        result.seconds = 0.25
        result.replay = "swift run conform live --seed 1 --case 2"
        result.torchVersion = "2.15.0"
        let json = try Report.Document(cases: [result], context: ["mode": "live"]).json()
        #expect(String(decoding: json, as: UTF8.self).contains(#""toleranceRatio" : "inf""#))
        let back = try Report.Document(json: json)
        #expect(back.cases == [result])
        #expect(back[.mode] == "live")
    }
}
