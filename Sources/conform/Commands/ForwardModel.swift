import Recurrent

/// The module `conform forward` runs, nn.RNN, nn.LSTM or nn.GRU, behind one interface: the cell
/// state (`c0`, `c_n` and their gradients) is an LSTM's alone and `nil` for the others.
enum ForwardModel<Scalar: RecurrentScalar>: CustomStringConvertible {
    case rnn(RNN<Scalar>)
    case lstm(LSTM<Scalar>)
    case gru(GRU<Scalar>)

    /// What a forward pass returns: `output` (a tensor, or a packed sequence), `h_n`, and an LSTM's `c_n`.
    struct Results<Output> {
        var output: Output
        var hN: Tensor<Scalar>
        var cN: Tensor<Scalar>?
    }

    /// What a backward pass returns: the gradients of the input, `h0`, an LSTM's `c0` and every parameter.
    struct Gradients {
        var input: Tensor<Scalar>
        var h0: Tensor<Scalar>
        var c0: Tensor<Scalar>?
        var parameters: ParameterGradients<Scalar>
    }

    /// The backward pass of a traced forward pass, for the gradients of output, `h_n` and `c_n`.
    typealias Backward = (_ output: Tensor<Scalar>?, _ hN: Tensor<Scalar>?, _ cN: Tensor<Scalar>?) throws(TorchError) -> Gradients

    /// The module of `kind` under `prefix` in `stateDict`, in eval mode (no dropout).
    ///
    /// - Throws: `TorchError` with the library's message when the parameters there are not such a module's.
    init(
        kind: RecognizedModule.Kind, stateDict: StateDict, prefix: String, nonlinearity: Nonlinearity, batchFirst: Bool,
        convertingDType: Bool
    ) throws(TorchError) {
        switch kind {
        case .lstm:
            var lstm = try LSTM<Scalar>(stateDict: stateDict, prefix: prefix, batchFirst: batchFirst, convertingDType: convertingDType)
            lstm.training = false
            self = .lstm(lstm)
        case .gru:
            var gru = try GRU<Scalar>(stateDict: stateDict, prefix: prefix, batchFirst: batchFirst, convertingDType: convertingDType)
            gru.training = false
            self = .gru(gru)
        default:
            var rnn = try RNN<Scalar>(
                stateDict: stateDict, prefix: prefix, nonlinearity: nonlinearity, batchFirst: batchFirst,
                convertingDType: convertingDType)
            rnn.training = false
            self = .rnn(rnn)
        }
    }

    var description: String {
        switch self {
        case .rnn(let rnn): rnn.description
        case .lstm(let lstm): lstm.description
        case .gru(let gru): gru.description
        }
    }

    var batchFirst: Bool {
        switch self {
        case .rnn(let rnn): rnn.batchFirst
        case .lstm(let lstm): lstm.batchFirst
        case .gru(let gru): gru.batchFirst
        }
    }

    /// PyTorch's dtype checks of the forward call, with its messages.
    func checkDTypes(input: DType, h0: DType?, c0: DType?) throws(TorchError) {
        switch self {
        case .rnn(let rnn): try rnn.checkDTypes(input: input, h0: h0)
        case .lstm(let lstm): try lstm.checkDTypes(input: input, h0: h0, c0: c0)
        case .gru(let gru): try gru.checkDTypes(input: input, h0: h0)
        }
    }

    /// An LSTM's `hx`: both states or neither (the caller refuses one without the other).
    private static func pair(_ h0: Tensor<Scalar>?, _ c0: Tensor<Scalar>?) -> (h0: Tensor<Scalar>, c0: Tensor<Scalar>)? {
        guard let h0, let c0 else { return nil }
        return (h0, c0)
    }

    /// The forward pass over a padded (or unbatched) input.
    func callAsFunction(_ input: Tensor<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?) throws(TorchError) -> Results<Tensor<Scalar>> {
        switch self {
        case .rnn(let rnn):
            let (output, hN) = try rnn(input, h0: h0)
            return Results(output: output, hN: hN)
        case .lstm(let lstm):
            let (output, hN, cN) = try lstm(input, hx: Self.pair(h0, c0))
            return Results(output: output, hN: hN, cN: cN)
        case .gru(let gru):
            let (output, hN) = try gru(input, h0: h0)
            return Results(output: output, hN: hN)
        }
    }

    /// The forward pass over a packed batch.
    func callAsFunction(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?
    ) throws(TorchError) -> Results<PackedSequence<Scalar>> {
        switch self {
        case .rnn(let rnn):
            let (output, hN) = try rnn(input, h0: h0)
            return Results(output: output, hN: hN)
        case .lstm(let lstm):
            let (output, hN, cN) = try lstm(input, hx: Self.pair(h0, c0))
            return Results(output: output, hN: hN, cN: cN)
        case .gru(let gru):
            let (output, hN) = try gru(input, h0: h0)
            return Results(output: output, hN: hN)
        }
    }

    /// The forward pass over a padded input, kept for its backward pass.
    func tracedForward(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?
    ) throws(TorchError) -> (results: Results<Tensor<Scalar>>, backward: Backward) {
        var generator = TorchGenerator(seed: 0)  // eval mode: no dropout draws from it
        switch self {
        case .rnn(let rnn):
            let (output, hN, trace) = try rnn.tracedForward(input, h0: h0, generator: &generator)
            return (Results(output: output, hN: hN), Self.backward(trace))
        case .lstm(let lstm):
            let (output, hN, cN, trace) = try lstm.tracedForward(input, hx: Self.pair(h0, c0), generator: &generator)
            return (Results(output: output, hN: hN, cN: cN), Self.backward(trace))
        case .gru(let gru):
            let (output, hN, trace) = try gru.tracedForward(input, h0: h0, generator: &generator)
            return (Results(output: output, hN: hN), Self.backward(trace))
        }
    }

    /// The forward pass over a packed batch, kept for its backward pass (whose input gradient is the
    /// packed data's).
    func tracedForward(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?
    ) throws(TorchError) -> (results: Results<PackedSequence<Scalar>>, backward: Backward) {
        var generator = TorchGenerator(seed: 0)  // eval mode: no dropout draws from it
        switch self {
        case .rnn(let rnn):
            let (output, hN, trace) = try rnn.tracedForward(input, h0: h0, generator: &generator)
            return (Results(output: output, hN: hN), Self.backward(trace))
        case .lstm(let lstm):
            let (output, hN, cN, trace) = try lstm.tracedForward(input, hx: Self.pair(h0, c0), generator: &generator)
            return (Results(output: output, hN: hN, cN: cN), Self.backward(trace))
        case .gru(let gru):
            let (output, hN, trace) = try gru.tracedForward(input, h0: h0, generator: &generator)
            return (Results(output: output, hN: hN), Self.backward(trace))
        }
    }

    private static func backward(_ trace: RNN<Scalar>.Trace) -> Backward {
        { output, hN, _ throws(TorchError) in
            let gradients = try trace.backward(outputGradient: output, hNGradient: hN)
            return Gradients(input: gradients.input, h0: gradients.h0, parameters: gradients.parameters)
        }
    }

    private static func backward(_ trace: LSTM<Scalar>.Trace) -> Backward {
        { output, hN, cN throws(TorchError) in
            let gradients = try trace.backward(outputGradient: output, hNGradient: hN, cNGradient: cN)
            return Gradients(input: gradients.input, h0: gradients.h0, c0: gradients.c0, parameters: gradients.parameters)
        }
    }

    private static func backward(_ trace: GRU<Scalar>.Trace) -> Backward {
        { output, hN, _ throws(TorchError) in
            let gradients = try trace.backward(outputGradient: output, hNGradient: hN)
            return Gradients(input: gradients.input, h0: gradients.h0, parameters: gradients.parameters)
        }
    }
}
