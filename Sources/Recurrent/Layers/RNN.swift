/// A multi-layer Elman RNN with tanh or ReLU: the Swift counterpart of `torch.nn.RNN`.
///
/// For each element of the input sequence, each layer computes
/// `h_t = act((h_{t-1} · W_hhᵀ + b_hh) + (x_t · W_ihᵀ + b_ih))`. Names, shapes, defaults, validation,
/// error messages and numbers follow PyTorch 2.x on CPU: parameters are named `weight_ih_l0`,
/// `bias_hh_l1_reverse`, ..., inputs are `(L, N, H_in)`, `(N, L, H_in)` with ``batchFirst``, or
/// unbatched `(L, H_in)`, and the same mistake throws the same message.
///
/// ```swift
/// // torch.manual_seed(0); rnn = nn.RNN(10, 20, 2)
/// let rnn = try RNN<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, seed: 0)
/// let input = try Tensor<Float>(repeating: 0.5, shape: [5, 3, 10])   // (L, N, H_in)
/// let (output, hN) = try rnn(input)
/// output.shape   // [5, 3, 20]
/// hN.shape       // [2, 3, 20]
/// ```
///
/// Like a PyTorch module, a new RNN is in training mode, which matters only for ``dropout``; set
/// ``training`` to `false` for PyTorch's `eval()`.
public struct RNN<Scalar: RecurrentScalar>: RecurrentModule, Hashable, CustomStringConvertible {
    /// The number of features of each input step (`input_size`).
    public let inputSize: Int
    /// The number of features of the hidden state (`hidden_size`).
    public let hiddenSize: Int
    /// The number of stacked recurrent layers (`num_layers`).
    public let numLayers: Int
    /// The activation (`nonlinearity`).
    public let nonlinearity: Nonlinearity
    /// Whether the layers have the biases `b_ih` and `b_hh` (`bias`).
    public let bias: Bool
    /// Whether input and output are `(N, L, ·)` instead of `(L, N, ·)` (`batch_first`); never
    /// applies to `h0` and `h_n`.
    public let batchFirst: Bool
    /// The probability of zeroing an element of each layer's output but the last, in training mode
    /// (`dropout`).
    public let dropout: Double
    /// Whether each layer also runs backwards in time (`bidirectional`).
    public let bidirectional: Bool
    /// Whether the layer is in training mode, where ``dropout`` applies. `true` for a new layer, as in
    /// PyTorch; `false` is PyTorch's `eval()`.
    public var training = true

    /// The weights of each layer and direction, at index `layer * numDirections + direction`.
    var cells: [CellWeights<Scalar>]

    /// Creates an RNN whose parameters are drawn from `generator`, as PyTorch draws them from its
    /// global generator: every parameter from U(-1/√hiddenSize, 1/√hiddenSize), in PyTorch's order.
    ///
    /// The arguments, their defaults and their validation are `torch.nn.RNN`'s. A `dropout` above 0
    /// with a single layer is allowed, with PyTorch's warning passed to `onWarning`.
    ///
    /// - Throws: `TorchError` (`ValueError`) with PyTorch's message for a dropout outside [0, 1] and for
    ///   sizes that are not positive, checked in PyTorch's order.
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
        bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
        generator: inout TorchGenerator,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        try self.init(
            inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, nonlinearity: nonlinearity, bias: bias,
            batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, onWarning: onWarning
        ) { (inputSize: Int, bias: Bool) throws(TorchError) in
            try CellWeights(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
        }
    }

    /// Validates the arguments as `torch.nn.RNN` does, then makes each layer and direction's weights
    /// with `makeCell(inputSize, bias)`.
    init(
        inputSize: Int, hiddenSize: Int, numLayers: Int, nonlinearity: Nonlinearity, bias: Bool, batchFirst: Bool,
        dropout: Double, bidirectional: Bool, onWarning: TorchWarningHandler,
        makeCell: (Int, Bool) throws(TorchError) -> CellWeights<Scalar>
    ) throws(TorchError) {
        guard (0...1).contains(dropout) else {
            throw .valueError(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed")
        }
        if dropout > 0 && numLayers == 1 {
            onWarning(
                TorchWarning(
                    "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                        + "num_layers greater than 1, but got dropout=\(dropout) and num_layers=\(numLayers)"))
        }
        guard inputSize > 0 else { throw .valueError("input_size must be greater than zero") }
        guard hiddenSize > 0 else { throw .valueError("hidden_size must be greater than zero") }
        guard numLayers > 0 else { throw .valueError("num_layers must be greater than zero") }

        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.nonlinearity = nonlinearity
        self.bias = bias
        self.batchFirst = batchFirst
        self.dropout = dropout
        self.bidirectional = bidirectional
        let directions = bidirectional ? 2 : 1
        var cells: [CellWeights<Scalar>] = []
        for layer in 0..<numLayers {
            for _ in 0..<directions {
                cells.append(try makeCell(layer == 0 ? inputSize : directions * hiddenSize, bias))
            }
        }
        self.cells = cells
    }

    /// Creates an RNN whose parameters are those `torch.manual_seed(seed)` followed by `nn.RNN(...)`
    /// gives, bit for bit; with no seed, from a randomly seeded generator.
    ///
    /// - Throws: `TorchError` as ``init(inputSize:hiddenSize:numLayers:nonlinearity:bias:batchFirst:dropout:bidirectional:generator:onWarning:)`` does.
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
        bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
        seed: UInt64? = nil,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        var generator = seed.map(TorchGenerator.init(seed:)) ?? .seededFromSystem()
        try self.init(
            inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, nonlinearity: nonlinearity,
            bias: bias, batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional,
            generator: &generator, onWarning: onWarning)
    }

    /// 2 when ``bidirectional``, else 1 (PyTorch's `D`).
    public var numDirections: Int { bidirectional ? 2 : 1 }

    /// `torch.nn.RNN`'s `repr`: `RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.25,
    /// bidirectional=True)`, each option shown only when it differs from the default; the
    /// nonlinearity is never shown, as in PyTorch.
    public var description: String {
        var parts = ["\(inputSize)", "\(hiddenSize)"]
        if numLayers != 1 { parts.append("num_layers=\(numLayers)") }
        if !bias { parts.append("bias=False") }
        if batchFirst { parts.append("batch_first=True") }
        if dropout != 0 { parts.append("dropout=\(dropout)") }
        if bidirectional { parts.append("bidirectional=True") }
        return "RNN(" + parts.joined(separator: ", ") + ")"
    }
}

// MARK: - Parameters

extension RNN {
    /// `RNN`.
    public static var pytorchClassName: String { "RNN" }

    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l0_reverse, ...`: layer-major,
    /// then direction, then PyTorch's order within a cell; no bias names when ``bias`` is `false`.
    public var parameterNames: [String] {
        parameterSlots.map(\.name)
    }

    /// The shape of the weight or bias with the given PyTorch name: `(H, input)` for `weight_ih_l0`,
    /// `(H, D * H)` for the deeper `weight_ih_l{k}`, `(H, H)` for `weight_hh_l{k}`, `(H)` for biases.
    public func parameterShape(named name: String) -> [Int]? {
        guard let slot = parameterSlots.first(where: { $0.name == name }) else { return nil }
        let layer = slot.cell / numDirections
        return CellWeights<Scalar>.shape(
            of: slot.slot, inputSize: layer == 0 ? inputSize : numDirections * hiddenSize, hiddenSize: hiddenSize)
    }

    /// The weight or bias with the given PyTorch name, such as `weight_hh_l1_reverse`.
    public func parameter(named name: String) -> Tensor<Scalar>? {
        guard let slot = parameterSlots.first(where: { $0.name == name }) else { return nil }
        return cells[slot.cell][slot: slot.slot]
    }

    /// Replaces the weight or bias with the given PyTorch name.
    ///
    /// - Throws: `TorchError` when there is no such parameter or its shape differs.
    public mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError) {
        guard let slot = parameterSlots.first(where: { $0.name == name }), let shape = parameterShape(named: name) else {
            throw TorchError(.attributeError, "'RNN' object has no parameter '\(name)'")
        }
        guard shape == value.shape else {
            throw .runtimeError(
                "size mismatch for \(name): copying a param with shape \(torchSize(value.shape)), "
                    + "the shape in current model is \(torchSize(shape)).")
        }
        cells[slot.cell][slot: slot.slot] = value
    }

    var parameterSlots: [(name: String, cell: Int, slot: String)] {
        var slots: [(String, Int, String)] = []
        for layer in 0..<numLayers {
            for direction in 0..<numDirections {
                let index = layer * numDirections + direction
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                for (slot, _) in cells[index].named { slots.append((slot + suffix, index, slot)) }
            }
        }
        return slots
    }
}
