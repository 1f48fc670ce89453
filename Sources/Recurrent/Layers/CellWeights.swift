/// The weights of one recurrent cell: one layer and direction of an ``RNN``, or an ``RNNCell``.
///
/// Shapes are PyTorch's: `weightIH` is `(H, input)`, `weightHH` is `(H, H)`, the biases `(H)`.
struct CellWeights<Scalar: RecurrentScalar>: Sendable, Hashable {
    var weightIH: Tensor<Scalar>
    var biasIH: Tensor<Scalar>?
    var biasHH: Tensor<Scalar>?

    /// `W_hhᵀ`, the only copy of the recurrent weight kept: OpenBLAS multiplies a state by this layout
    /// faster than by PyTorch's, and the recurrence does that once per step (docs/ARCHITECTURE.md has
    /// the measurements). Parameter access rebuilds PyTorch's layout.
    private(set) var weightHHTransposed: Tensor<Scalar>

    /// `W_hh` in PyTorch's layout, `(H, H)`.
    var weightHH: Tensor<Scalar> {
        get { weightHHTransposed.transposingFirstTwoDimensions() }
        set { weightHHTransposed = newValue.transposingFirstTwoDimensions() }
    }

    /// `H`.
    var hiddenSize: Int { weightHHTransposed.shape[0] }

    /// Fills the weights from `generator` with U(-1/sqrt(H), 1/sqrt(H)), parameter after parameter in
    /// PyTorch's order and row-major within each, exactly as `reset_parameters` draws them.
    ///
    /// - Throws: `TorchError` for a negative size or a shape whose element count overflows.
    init(inputSize: Int, hiddenSize: Int, bias: Bool, generator: inout TorchGenerator) throws(TorchError) {
        let bound = Scalar(1.0 / Double(hiddenSize).squareRoot())
        func uniform(_ shape: [Int]) throws(TorchError) -> Tensor<Scalar> {
            let count = try Tensor<Scalar>.elementCount(of: shape)
            var scalars = [Scalar]()
            scalars.reserveCapacity(count)
            for _ in 0..<count { scalars.append(Scalar.torchUniform(from: -bound, to: bound, using: &generator)) }
            return Tensor(unchecked: shape, scalars: scalars)
        }
        weightIH = try uniform([hiddenSize, inputSize])
        weightHHTransposed = try uniform([hiddenSize, hiddenSize]).transposingFirstTwoDimensions()
        biasIH = bias ? try uniform([hiddenSize]) : nil
        biasHH = bias ? try uniform([hiddenSize]) : nil
    }

    /// Weights with no elements yet, for a layer whose parameters are about to be loaded.
    init(placeholderWithBias bias: Bool) {
        let empty = Tensor<Scalar>(unchecked: [0], scalars: [])
        weightIH = empty
        weightHHTransposed = empty
        biasIH = bias ? empty : nil
        biasHH = bias ? empty : nil
    }

    /// The shapes PyTorch gives the parameters of a cell, by base name.
    static func shape(of slot: String, inputSize: Int, hiddenSize: Int) -> [Int]? {
        switch slot {
        case "weight_ih": [hiddenSize, inputSize]
        case "weight_hh": [hiddenSize, hiddenSize]
        case "bias_ih", "bias_hh": [hiddenSize]
        default: nil
        }
    }

    /// The parameters that exist (biases only when enabled), with their base names.
    var named: [(slot: String, tensor: Tensor<Scalar>)] {
        var result = [("weight_ih", weightIH), ("weight_hh", weightHH)]
        if let biasIH, let biasHH { result += [("bias_ih", biasIH), ("bias_hh", biasHH)] }
        return result
    }

    subscript(slot slot: String) -> Tensor<Scalar>? {
        get {
            switch slot {
            case "weight_ih": weightIH
            case "weight_hh": weightHH
            case "bias_ih": biasIH
            case "bias_hh": biasHH
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
            default: break
            }
        }
    }
}
