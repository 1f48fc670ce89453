/// What ``RNN``, ``LSTM`` and ``GRU`` share, as PyTorch's `RNNBase` holds it for `nn.RNN`, `nn.LSTM`
/// and `nn.GRU`: the options, every layer and direction's weights, and (in the extensions) the checks,
/// the forward pass over padded and packed batches, and the backward pass. The public types wrap it
/// with their own names, signatures and states.
struct RecurrentLayers<Scalar: RecurrentScalar>: Sendable, Hashable {
    /// The module's class name in PyTorch's messages and `repr` (`RNN`, `LSTM`, `GRU`).
    let className: String
    /// The arithmetic of every cell.
    let kind: CellKind
    let inputSize: Int
    let hiddenSize: Int
    let numLayers: Int
    let bias: Bool
    let batchFirst: Bool
    let dropout: Double
    let bidirectional: Bool
    /// An LSTM's `proj_size`; 0 without a projection.
    let projSize: Int
    var training = true

    /// The weights of each layer and direction, at index `layer * numDirections + direction`.
    var cells: [CellWeights<Scalar>]

    /// Validates the arguments as `RNNBase.__init__` does, in its order, then makes each layer and
    /// direction's weights with `makeCell(inputSize, bias)`.
    init(
        className: String, kind: CellKind, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool, batchFirst: Bool,
        dropout: Double, bidirectional: Bool, projSize: Int = 0, onWarning: TorchWarningHandler,
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
        guard projSize >= 0 else {
            throw .valueError("proj_size should be a positive integer or zero to disable projections")
        }
        guard projSize < hiddenSize else { throw .valueError("proj_size has to be smaller than hidden_size") }

        self.className = className
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bias = bias
        self.batchFirst = batchFirst
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.projSize = projSize
        let directions = bidirectional ? 2 : 1
        let stateSize = projSize > 0 ? projSize : hiddenSize
        var cells: [CellWeights<Scalar>] = []
        for layer in 0..<numLayers {
            for _ in 0..<directions {
                cells.append(try makeCell(layer == 0 ? inputSize : directions * stateSize, bias))
            }
        }
        self.cells = cells
    }

    /// Draws every parameter from `generator` as `reset_parameters` does.
    init(
        className: String, kind: CellKind, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool, batchFirst: Bool,
        dropout: Double, bidirectional: Bool, projSize: Int = 0, generator: inout TorchGenerator, onWarning: TorchWarningHandler
    ) throws(TorchError) {
        try self.init(
            className: className, kind: kind, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
            batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: projSize, onWarning: onWarning
        ) { (inputSize: Int, bias: Bool) throws(TorchError) in
            try CellWeights(
                kind: kind, inputSize: inputSize, hiddenSize: hiddenSize, projSize: projSize, bias: bias, generator: &generator)
        }
    }

    /// 2 when bidirectional, else 1 (PyTorch's `D`).
    var numDirections: Int { bidirectional ? 2 : 1 }

    /// The width of `h`: `proj_size` with a projection, else `hidden_size`.
    var stateSize: Int { projSize > 0 ? projSize : hiddenSize }

    /// Whether the module has a cell state (an LSTM).
    var hasCellState: Bool { kind == .lstm }

    /// PyTorch's `repr`: `LSTM(3, 4, proj_size=2, num_layers=2, bias=False, batch_first=True,
    /// dropout=0.25, bidirectional=True)`, each option shown only when it differs from the default; an
    /// RNN's nonlinearity is never shown, as in PyTorch.
    var description: String {
        var parts = ["\(inputSize)", "\(hiddenSize)"]
        if projSize != 0 { parts.append("proj_size=\(projSize)") }
        if numLayers != 1 { parts.append("num_layers=\(numLayers)") }
        if !bias { parts.append("bias=False") }
        if batchFirst { parts.append("batch_first=True") }
        if dropout != 0 { parts.append("dropout=\(dropout)") }
        if bidirectional { parts.append("bidirectional=True") }
        return className + "(" + parts.joined(separator: ", ") + ")"
    }
}

// MARK: - Parameters

extension RecurrentLayers {
    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, (weight_hr_l0,) weight_ih_l0_reverse, ...`:
    /// layer-major, then direction, then PyTorch's order within a cell.
    var parameterNames: [String] { parameterSlots.map(\.name) }

    /// The shape of the parameter with the given PyTorch name.
    func parameterShape(named name: String) -> [Int]? {
        guard let slot = parameterSlots.first(where: { $0.name == name }) else { return nil }
        let layer = slot.cell / numDirections
        return CellWeights<Scalar>.shape(
            of: slot.slot, kind: kind, inputSize: layer == 0 ? inputSize : numDirections * stateSize, hiddenSize: hiddenSize,
            projSize: projSize)
    }

    /// The parameter with the given PyTorch name, such as `weight_hh_l1_reverse`.
    func parameter(named name: String) -> Tensor<Scalar>? {
        guard let slot = parameterSlots.first(where: { $0.name == name }) else { return nil }
        return cells[slot.cell][slot: slot.slot]
    }

    /// Replaces the parameter with the given PyTorch name.
    ///
    /// - Throws: `TorchError` when there is no such parameter or its shape differs.
    mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError) {
        guard let slot = parameterSlots.first(where: { $0.name == name }), let shape = parameterShape(named: name) else {
            throw TorchError(.attributeError, "'\(className)' object has no parameter '\(name)'")
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
