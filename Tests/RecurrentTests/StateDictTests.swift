import Testing
@testable import Recurrent

@Suite("load_state_dict semantics: strict, non-strict, prefixes, messages")
struct StateDictTests {
    func model(hiddenSize: Int = 4, seed: UInt64 = 0) throws -> RNN<Float> {
        try RNN<Float>(inputSize: 3, hiddenSize: hiddenSize, seed: seed)
    }

    @Test("a state dict round-trips into another model")
    func roundTrip() throws {
        let source = try model(seed: 1)
        var target = try model(seed: 2)
        let keys = try target.loadStateDict(source.stateDict())
        #expect(keys == IncompatibleKeys())
        #expect(keys.description == "<All keys matched successfully>")
        #expect(target.stateDict() == source.stateDict())
    }

    @Test("strict loading reports missing, then unexpected, then size mismatches, in PyTorch's words")
    func strictMessage() throws {
        var stateDict = try model().stateDict()
        stateDict["bias_hh_l0"] = nil
        stateDict["x"] = .float32(try .zeros([1]))
        stateDict["weight_hh_l0"] = .float32(try .zeros([5, 4]))
        var target = try model()
        let before = target
        let error = thrownError { () throws(TorchError) in try target.loadStateDict(stateDict) }
        #expect(
            error
                == TorchError(
                    .runtimeError,
                    "Error(s) in loading state_dict for RNN:\n\tMissing key(s) in state_dict: \"bias_hh_l0\". "
                        + "\n\tUnexpected key(s) in state_dict: \"x\". "
                        + "\n\tsize mismatch for weight_hh_l0: copying a param with shape torch.Size([5, 4]) from checkpoint, "
                        + "the shape in current model is torch.Size([4, 4])."))
        #expect(target == before, "a failed load leaves the model unchanged")
    }

    @Test("non-strict loading returns the unmatched keys but still rejects size mismatches")
    func nonStrict() throws {
        var stateDict = try model(seed: 5).stateDict()
        stateDict["bias_ih_l0"] = nil
        stateDict["extra.weight"] = .float64(try .zeros([2]))
        var target = try model()
        let keys = try target.loadStateDict(stateDict, strict: false)
        #expect(keys == IncompatibleKeys(missingKeys: ["bias_ih_l0"], unexpectedKeys: ["extra.weight"]))
        #expect(keys.description == "_IncompatibleKeys(missing_keys=['bias_ih_l0'], unexpected_keys=['extra.weight'])")
        #expect(target.parameter(named: "weight_ih_l0") == (try model(seed: 5)).parameter(named: "weight_ih_l0"))

        stateDict["weight_ih_l0"] = .float32(try .zeros([4, 2]))
        let error = thrownError { () throws(TorchError) in try target.loadStateDict(stateDict, strict: false) }
        #expect(error?.kind == .runtimeError)
        #expect(error?.message.hasPrefix(
            "Error(s) in loading state_dict for RNN:\n\tsize mismatch for weight_ih_l0: copying a param with shape "
                + "torch.Size([4, 2]) from checkpoint, the shape in current model is torch.Size(") == true, "\(String(describing: error))")
    }

    @Test("a nested checkpoint loads from its prefix; other modules' keys are ignored, and messages show full keys")
    func prefix() throws {
        let source = try model(seed: 4)
        var checkpoint = source.stateDict().prefixed("encoder.rnn.")
        checkpoint["decoder.weight"] = .float32(try .zeros([2, 2]))
        var target = try model()
        try target.loadStateDict(checkpoint, prefix: "encoder.rnn.")
        #expect(target.stateDict() == source.stateDict())

        checkpoint["encoder.rnn.weight_hh_l0"] = nil
        let error = thrownError { () throws(TorchError) in try target.loadStateDict(checkpoint, prefix: "encoder.rnn.") }
        #expect(error?.message.contains("Missing key(s) in state_dict: \"encoder.rnn.weight_hh_l0\". ") == true)
    }

    @Test("values are converted to the model's dtype, as PyTorch's copy_ converts them")
    func conversion() throws {
        let source = try RNN<Double>(inputSize: 3, hiddenSize: 4, seed: 6)
        var target = try model()
        try target.loadStateDict(source.stateDict())
        #expect(target.parameter(named: "weight_hh_l0") == source.parameter(named: "weight_hh_l0")?.converted(to: Float.self))
        #expect(target.stateDict()["weight_hh_l0"]?.dtype == .float32)

        var integers = target.stateDict()
        integers["bias_ih_l0"] = .raw(try RawTensor(dtype: .int64, shape: [4], bytes: [2, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 24)))
        try target.loadStateDict(integers)
        #expect(target.parameter(named: "bias_ih_l0")?.scalars == [2, -1, -1, -1])
    }
}
