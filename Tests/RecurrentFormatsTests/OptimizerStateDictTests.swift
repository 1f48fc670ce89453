import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

@Suite("Optimizer state dicts: read from torch.save files, written for torch.load")
struct OptimizerStateDictTests {
    @Test("the shipped training checkpoint's Adam state reads and loads: eight parameters after one step")
    func shippedAdam() throws {
        let checkpoint = try TorchCheckpoint.read(contentsOf: checkpointDirectory.appendingPathComponent("training_checkpoint.pt"))
        let saved = try OptimizerStateDict(checkpoint: try #require(checkpoint["optimizer"]))
        #expect(saved.state.count == 8)
        #expect(saved.state[0]?.keys == ["step", "exp_avg", "exp_avg_sq"])
        #expect(saved.state[0]?["step"] == .float32(Tensor(scalar: 1)))
        let group = try #require(saved.parameterGroups.first)
        #expect(group.params == Array(0..<8))
        #expect(group["lr"] == .double(0.001) && group["weight_decay"] == .int(0) && group["fused"] == OptimizerOption.none)
        #expect(group["betas"] == .tuple([.double(0.9), .double(0.999)]))
        var adam = try Adam<Float>(lr: 0.5)
        try adam.loadStateDict(saved)
        #expect(adam.lr == 0.001 && adam.beta2 == 0.999 && !adam.amsgrad)
        #expect(adam.stateDict().state == saved.state)
    }

    @Test("a state dict written here reads back equal, int keys, tuples, None and flags included")
    func roundTrip() throws {
        var optimizer = try Adam<Double>(lr: 0.01, amsgrad: true)
        var parameters = [try Tensor<Double>(shape: [2], scalars: [1, -2]), try Tensor<Double>(shape: [1, 1], scalars: [3])]
        try optimizer.step(&parameters, gradients: [try Tensor(shape: [2], scalars: [0.5, 0.25]), nil])
        let saved = optimizer.stateDict()
        let read = try TorchCheckpoint.read(try TorchCheckpoint.encode(CheckpointValue(saved)))
        #expect(try OptimizerStateDict(checkpoint: read) == saved)
        #expect(read["param_groups"] != nil)
        #expect(throws: FormatError.self) { try TorchCheckpoint.encode(.bytes([1])) }
        let mixed = CheckpointValue.list([.bigInt(Array(repeating: 0x7F, count: 300)), .float(-0.0), .tuple([]), .none])
        #expect(try TorchCheckpoint.read(try TorchCheckpoint.encode(.dict([.init(key: .string("x"), value: mixed)])))["x"] == mixed)
    }

    @Test("what is not an optimizer's state dict is refused, saying where")
    func refused() throws {
        #expect(throws: FormatError("optimizer state dict: no dict 'state'")) {
            try OptimizerStateDict(checkpoint: .dict([.init(key: .string("param_groups"), value: .list([]))]))
        }
        let noParams = CheckpointValue.dict([
            .init(key: .string("state"), value: .dict([])),
            .init(key: .string("param_groups"), value: .list([.dict([.init(key: .string("lr"), value: .float(0.1))])])),
        ])
        #expect(throws: FormatError("optimizer state dict: param_groups[0] has no 'params'")) {
            try OptimizerStateDict(checkpoint: noParams)
        }
    }
}
