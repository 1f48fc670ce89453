/// The weights of one recurrent cell: one layer and direction of an ``RNN``, ``LSTM`` or ``GRU``, or
/// an ``RNNCell``, ``LSTMCell`` or ``GRUCell``.
///
/// Shapes are PyTorch's, with `G` gate blocks (1, 4 for an LSTM, 3 for a GRU) and `P` the width of
/// the state `h` (`proj_size` for an LSTM with a projection, else `H`): `weightIH` is `(G·H, input)`,
/// `weightHH` is `(G·H, P)`, the biases `(G·H)`, and an LSTM's projection `weightHR` is `(P, H)`.
struct CellWeights<Scalar: RecurrentScalar>: Sendable, Hashable {
    /// The step's arithmetic.
    let kind: CellKind
    var weightIH: Tensor<Scalar>
    var biasIH: Tensor<Scalar>?
    var biasHH: Tensor<Scalar>?
    /// An LSTM's projection `W_hr`, `(P, H)`; `nil` without one.
    var weightHR: Tensor<Scalar>?

    /// `W_hhᵀ`, `(P, G·H)`, the only copy of the recurrent weight kept: OpenBLAS multiplies a state by
    /// this layout faster than by PyTorch's, and the recurrence does that once per step, for every gate
    /// at once (docs/ARCHITECTURE.md has the measurements). Parameter access rebuilds PyTorch's layout.
    private(set) var weightHHTransposed: Tensor<Scalar>

    /// `W_hh` in PyTorch's layout, `(G·H, P)`.
    var weightHH: Tensor<Scalar> {
        get { weightHHTransposed.transposingFirstTwoDimensions() }
        set { weightHHTransposed = newValue.transposingFirstTwoDimensions() }
    }

    /// `H`.
    var hiddenSize: Int { weightHHTransposed.rank == 2 ? weightHHTransposed.shape[1] / kind.gateCount : 0 }

    /// `P`: the width of the state `h` the cell reads and writes.
    var stateSize: Int { weightHHTransposed.rank == 2 ? weightHHTransposed.shape[0] : 0 }

    /// Fills the weights from `generator` with U(-1/sqrt(H), 1/sqrt(H)), parameter after parameter in
    /// PyTorch's order (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, `weight_hr`) and row-major
    /// within each, exactly as `reset_parameters` draws them.
    ///
    /// - Throws: `TorchError` for a negative size or a shape whose element count overflows.
    init(
        kind: CellKind, inputSize: Int, hiddenSize: Int, projSize: Int = 0, bias: Bool, generator: inout TorchGenerator
    ) throws(TorchError) {
        let bound = Scalar(1.0 / Double(hiddenSize).squareRoot())
        func uniform(_ shape: [Int]) throws(TorchError) -> Tensor<Scalar> {
            let count = try Tensor<Scalar>.elementCount(of: shape)
            var scalars = [Scalar]()
            scalars.reserveCapacity(count)
            for _ in 0..<count { scalars.append(Scalar.torchUniform(from: -bound, to: bound, using: &generator)) }
            return Tensor(unchecked: shape, scalars: scalars)
        }
        let shapes = Self.shapes(kind: kind, inputSize: inputSize, hiddenSize: hiddenSize, projSize: projSize)
        self.kind = kind
        weightIH = try uniform(shapes.weightIH)
        weightHHTransposed = try uniform(shapes.weightHH).transposingFirstTwoDimensions()
        biasIH = bias ? try uniform(shapes.bias) : nil
        biasHH = bias ? try uniform(shapes.bias) : nil
        weightHR = projSize > 0 ? try uniform([projSize, hiddenSize]) : nil
    }

    /// Weights with no elements yet, for a layer whose parameters are about to be loaded.
    init(kind: CellKind, placeholderWithBias bias: Bool, projection: Bool = false) {
        let empty = Tensor<Scalar>(unchecked: [0], scalars: [])
        self.kind = kind
        weightIH = empty
        weightHHTransposed = empty
        biasIH = bias ? empty : nil
        biasHH = bias ? empty : nil
        weightHR = projection ? empty : nil
    }

    /// The shapes of `weight_ih`, `weight_hh` and the biases for a kind of cell.
    private static func shapes(
        kind: CellKind, inputSize: Int, hiddenSize: Int, projSize: Int
    ) -> (weightIH: [Int], weightHH: [Int], bias: [Int]) {
        let rows = kind.gateCount * hiddenSize
        return ([rows, inputSize], [rows, projSize > 0 ? projSize : hiddenSize], [rows])
    }

    /// The shapes PyTorch gives the parameters of a cell, by base name.
    static func shape(of slot: String, kind: CellKind, inputSize: Int, hiddenSize: Int, projSize: Int = 0) -> [Int]? {
        let shapes = shapes(kind: kind, inputSize: inputSize, hiddenSize: hiddenSize, projSize: projSize)
        switch slot {
        case "weight_ih": return shapes.weightIH
        case "weight_hh": return shapes.weightHH
        case "bias_ih", "bias_hh": return shapes.bias
        case "weight_hr" where projSize > 0: return [projSize, hiddenSize]
        default: return nil
        }
    }

    /// The parameters that exist (biases only when enabled), with their base names, in PyTorch's order.
    var named: [(slot: String, tensor: Tensor<Scalar>)] {
        var result = [("weight_ih", weightIH), ("weight_hh", weightHH)]
        if let biasIH, let biasHH { result += [("bias_ih", biasIH), ("bias_hh", biasHH)] }
        if let weightHR { result.append(("weight_hr", weightHR)) }
        return result
    }

    subscript(slot slot: String) -> Tensor<Scalar>? {
        get {
            switch slot {
            case "weight_ih": weightIH
            case "weight_hh": weightHH
            case "bias_ih": biasIH
            case "bias_hh": biasHH
            case "weight_hr": weightHR
            default: nil
            }
        }
        set {
            guard let newValue else { return }
            switch slot {
            case "weight_ih": weightIH = newValue
            case "weight_hh": weightHH = newValue
            case "bias_ih" where biasIH != nil: biasIH = newValue
            case "bias_hh" where biasHH != nil: biasHH = newValue
            case "weight_hr" where weightHR != nil: weightHR = newValue
            default: break
            }
        }
    }
}

extension CellWeights {
    /// These weights with the parameter `name` (a cell's own name, `weight_ih`, ...) replaced.
    ///
    /// - Throws: `TorchError` when there is no such parameter or its shape differs.
    func replacing(_ name: String, with value: Tensor<Scalar>, className: String) throws(TorchError) -> CellWeights {
        guard let current = named.first(where: { $0.slot == name })?.tensor else {
            throw TorchError(.attributeError, "'\(className)' object has no parameter '\(name)'")
        }
        guard current.shape == value.shape else {
            throw .runtimeError(
                "size mismatch for \(name): copying a param with shape \(torchSize(value.shape)), "
                    + "the shape in current model is \(torchSize(current.shape)).")
        }
        var replaced = self
        replaced[slot: name] = value
        return replaced
    }
}
