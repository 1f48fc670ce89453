import Recurrent
import RecurrentFormats

/// `nn.RNN`, `nn.LSTM` and `nn.GRU`, as ``RecurrentLayerCase`` tells them apart.
enum LayerFamily: String, Sendable {
    case rnn = "RNN"
    case lstm = "LSTM"
    case gru = "GRU"

    /// The gate blocks of each weight.
    var gateCount: Int {
        switch self {
        case .rnn: 1
        case .lstm: 4
        case .gru: 3
        }
    }

    /// The initial states, as the fixtures name them, in PyTorch's order.
    var stateNames: [String] { self == .lstm ? ["h0", "c0"] : ["h0"] }

    /// The final states, as the fixtures name them, in PyTorch's order.
    var finalStateNames: [String] { self == .lstm ? ["h_n", "c_n"] : ["h_n"] }
}

/// A built ``RNN``, ``LSTM`` or ``GRU`` behind one interface, its states and results as lists in
/// PyTorch's order (`h0`, then an LSTM's `c0`; `output`, `h_n`, then `c_n`), so that one case runner
/// serves the three through their public API.
struct LayerDriver<Scalar: RecurrentScalar> {
    /// A traced forward pass: its results, and the backward pass for cotangents of them (`nil` for
    /// one the loss does not depend on).
    struct Traced {
        var results: [Tensor<Scalar>]
        var backward: ([Tensor<Scalar>?]) throws(TorchError) -> Gradients
    }

    /// The gradients of the input, the initial states and the parameters.
    struct Gradients {
        var input: Tensor<Scalar>
        var states: [Tensor<Scalar>]
        var parameters: ParameterGradients<Scalar>
    }

    let forward: (AnyTensor, [AnyTensor]?, inout TorchGenerator) throws(TorchError) -> [AnyTensor]
    let forwardPacked:
        (PackedSequence<Scalar>, [Tensor<Scalar>]?, inout TorchGenerator) throws(TorchError) -> (PackedSequence<Scalar>, [Tensor<Scalar>])
    let traced: (Tensor<Scalar>, [Tensor<Scalar>]?, inout TorchGenerator) throws(TorchError) -> Traced
    let tracedPacked: (PackedSequence<Scalar>, [Tensor<Scalar>]?, inout TorchGenerator) throws(TorchError) -> Traced

    /// Builds the module the case's arguments describe from `seed`, as `torch.manual_seed(seed)` and
    /// the constructor do (the runner compares the parameters with the recorded state), loads the
    /// recorded state and sets the case's mode.
    static func build(
        _ family: LayerFamily, _ arguments: RecurrentLayerCase.Arguments, seed: UInt64, _ run: inout CaseRun<Scalar>
    ) throws(CaseError) -> LayerDriver {
        let onWarning = run.onWarning
        let a = arguments
        let training = run.fixture.training
        switch family {
        case .rnn:
            var rnn = try run.stage(.construct) { () throws(TorchError) in
                try RNN<Scalar>(
                    inputSize: a.inputSize, hiddenSize: a.hiddenSize, numLayers: a.numLayers,
                    nonlinearity: try Nonlinearity(pytorchName: a.nonlinearity), bias: a.bias, batchFirst: a.batchFirst,
                    dropout: a.dropout, bidirectional: a.bidirectional, seed: seed, onWarning: onWarning)
            }
            try run.loadRecordedState(into: &rnn)
            rnn.training = training
            return LayerDriver(rnn)
        case .lstm:
            var lstm = try run.stage(.construct) { () throws(TorchError) in
                try LSTM<Scalar>(
                    inputSize: a.inputSize, hiddenSize: a.hiddenSize, numLayers: a.numLayers, bias: a.bias, batchFirst: a.batchFirst,
                    dropout: a.dropout, bidirectional: a.bidirectional, projSize: a.projSize, seed: seed, onWarning: onWarning)
            }
            try run.loadRecordedState(into: &lstm)
            lstm.training = training
            return LayerDriver(lstm)
        case .gru:
            var gru = try run.stage(.construct) { () throws(TorchError) in
                try GRU<Scalar>(
                    inputSize: a.inputSize, hiddenSize: a.hiddenSize, numLayers: a.numLayers, bias: a.bias, batchFirst: a.batchFirst,
                    dropout: a.dropout, bidirectional: a.bidirectional, seed: seed, onWarning: onWarning)
            }
            try run.loadRecordedState(into: &gru)
            gru.training = training
            return LayerDriver(gru)
        }
    }

    /// Builds the module from a checkpoint's state dict, in eval mode.
    static func load(
        _ family: LayerFamily, _ stateDict: StateDict, prefix: String, nonlinearity: String, batchFirst: Bool,
        _ run: inout CaseRun<Scalar>
    ) throws(CaseError) -> LayerDriver {
        try run.stage(.construct) { () throws(TorchError) in
            switch family {
            case .rnn:
                var rnn = try RNN<Scalar>(
                    stateDict: stateDict, prefix: prefix, nonlinearity: try Nonlinearity(pytorchName: nonlinearity),
                    batchFirst: batchFirst)
                rnn.training = false
                return LayerDriver(rnn)
            case .lstm:
                var lstm = try LSTM<Scalar>(stateDict: stateDict, prefix: prefix, batchFirst: batchFirst)
                lstm.training = false
                return LayerDriver(lstm)
            case .gru:
                var gru = try GRU<Scalar>(stateDict: stateDict, prefix: prefix, batchFirst: batchFirst)
                gru.training = false
                return LayerDriver(gru)
            }
        }
    }

    init(_ rnn: RNN<Scalar>) {
        forward = { input, states, generator throws(TorchError) in
            let (output, hN) = try rnn(input, h0: states?[0], generator: &generator)
            return [output, hN]
        }
        forwardPacked = { input, states, generator throws(TorchError) in
            let (output, hN) = try rnn(input, h0: states?[0], generator: &generator)
            return (output, [hN])
        }
        func traced(_ results: [Tensor<Scalar>], _ trace: RNN<Scalar>.Trace) -> Traced {
            Traced(results: results) { cotangents throws(TorchError) in
                let gradients = try trace.backward(outputGradient: cotangents[0], hNGradient: cotangents[1])
                return Gradients(input: gradients.input, states: [gradients.h0], parameters: gradients.parameters)
            }
        }
        self.traced = { input, states, generator throws(TorchError) in
            let (output, hN, trace) = try rnn.tracedForward(input, h0: states?[0], generator: &generator)
            return traced([output, hN], trace)
        }
        tracedPacked = { input, states, generator throws(TorchError) in
            let (output, hN, trace) = try rnn.tracedForward(input, h0: states?[0], generator: &generator)
            return traced([output.data, hN], trace)
        }
    }

    init(_ gru: GRU<Scalar>) {
        forward = { input, states, generator throws(TorchError) in
            let (output, hN) = try gru(input, h0: states?[0], generator: &generator)
            return [output, hN]
        }
        forwardPacked = { input, states, generator throws(TorchError) in
            let (output, hN) = try gru(input, h0: states?[0], generator: &generator)
            return (output, [hN])
        }
        func traced(_ results: [Tensor<Scalar>], _ trace: GRU<Scalar>.Trace) -> Traced {
            Traced(results: results) { cotangents throws(TorchError) in
                let gradients = try trace.backward(outputGradient: cotangents[0], hNGradient: cotangents[1])
                return Gradients(input: gradients.input, states: [gradients.h0], parameters: gradients.parameters)
            }
        }
        self.traced = { input, states, generator throws(TorchError) in
            let (output, hN, trace) = try gru.tracedForward(input, h0: states?[0], generator: &generator)
            return traced([output, hN], trace)
        }
        tracedPacked = { input, states, generator throws(TorchError) in
            let (output, hN, trace) = try gru.tracedForward(input, h0: states?[0], generator: &generator)
            return traced([output.data, hN], trace)
        }
    }

    init(_ lstm: LSTM<Scalar>) {
        forward = { input, states, generator throws(TorchError) in
            let (output, hN, cN) = try lstm(input, hx: states.map { ($0[0], $0[1]) }, generator: &generator)
            return [output, hN, cN]
        }
        forwardPacked = { input, states, generator throws(TorchError) in
            let (output, hN, cN) = try lstm(input, hx: states.map { ($0[0], $0[1]) }, generator: &generator)
            return (output, [hN, cN])
        }
        func traced(_ results: [Tensor<Scalar>], _ trace: LSTM<Scalar>.Trace) -> Traced {
            Traced(results: results) { cotangents throws(TorchError) in
                let gradients = try trace.backward(outputGradient: cotangents[0], hNGradient: cotangents[1], cNGradient: cotangents[2])
                return Gradients(input: gradients.input, states: [gradients.h0, gradients.c0], parameters: gradients.parameters)
            }
        }
        self.traced = { input, states, generator throws(TorchError) in
            let (output, hN, cN, trace) = try lstm.tracedForward(input, hx: states.map { ($0[0], $0[1]) }, generator: &generator)
            return traced([output, hN, cN], trace)
        }
        tracedPacked = { input, states, generator throws(TorchError) in
            let (output, hN, cN, trace) = try lstm.tracedForward(input, hx: states.map { ($0[0], $0[1]) }, generator: &generator)
            return traced([output.data, hN, cN], trace)
        }
    }
}
