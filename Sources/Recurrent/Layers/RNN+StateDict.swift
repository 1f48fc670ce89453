extension RNN {
    /// Builds an RNN from a state dict, as a checkpoint holds it: the sizes, the number of layers, the
    /// bias and the direction are read from the parameters' names and shapes; the two things shapes
    /// cannot say, the nonlinearity and `batch_first`, are the caller's.
    ///
    /// ```swift
    /// let checkpoint = try TorchCheckpoint.read(contentsOf: url)
    /// let rnn = try RNN<Float>(stateDict: try checkpoint.stateDict(forKey: "model"), prefix: "encoder.rnn.")
    /// ```
    ///
    /// - Parameters:
    ///   - stateDict: The tensors, with PyTorch's names after `prefix`.
    ///   - prefix: The RNN's key prefix inside a bigger model (`encoder.rnn.`).
    ///   - nonlinearity: The activation the model was trained with.
    ///   - batchFirst: Whether inputs are `(N, L, ·)`.
    ///   - convertingDType: Whether tensors of another dtype (a float64 checkpoint in a Float model)
    ///     may be converted; without it such a state dict is refused.
    /// - Throws: `TorchError` when there are no RNN parameters under `prefix` (saying which prefix
    ///   holds them, or that `prefix` lacks its final dot), when the parameters there are another
    ///   module's (an LSTM's or a GRU's), when the dtype differs and converting was not asked for,
    ///   and with `load_state_dict`'s messages for missing, unexpected or misshapen parameters.
    public init(
        stateDict: StateDict, prefix: String = "", nonlinearity: Nonlinearity = .tanh, batchFirst: Bool = false,
        convertingDType: Bool = false
    ) throws(TorchError) {
        let scoped = stateDict.scoped(to: prefix)
        guard let first = scoped["weight_ih_l0"], first.rank == 2 else {
            throw Self.noParameters(in: stateDict, prefix: prefix)
        }
        if let module = stateDict.recognizedModules.first(where: { $0.prefix == prefix }), module.kind != .rnn {
            throw .valueError(
                "the parameters under the prefix '\(prefix)' are those of \(module) (weight_hh_l0 has \(module.kind.gateCount) "
                    + "gate blocks of \(module.hiddenSize) rows); Recurrent runs nn.RNN and nn.RNNCell only")
        }
        if first.dtype != Scalar.dtype && !convertingDType {
            let remedy = [DType.float32, .float64].contains(first.dtype)
                ? "build the model in \(first.dtype.rawValue), or ask for the conversion (convertingDType: true)"
                : "Recurrent computes in float32 and float64 only; ask for the conversion (convertingDType: true)"
                    + (first.dtype.isFloatingPoint ? ", which widens every \(first.dtype.rawValue) value exactly" : "")
            throw .valueError(
                "the state dict holds \(first.dtype.torchName) tensors but the model computes in \(Scalar.dtype.torchName); \(remedy)")
        }
        var numLayers = 1
        while scoped["weight_ih_l\(numLayers)"] != nil { numLayers += 1 }
        // The weights start empty: a checkpoint's tensors become the parameters without a copy (W_hh
        // alone is copied, into the transposed layout the recurrence multiplies by).
        try self.init(
            inputSize: first.shape[1], hiddenSize: first.shape[0], numLayers: numLayers, nonlinearity: nonlinearity,
            bias: scoped["bias_ih_l0"] != nil, batchFirst: batchFirst, dropout: 0,
            bidirectional: scoped["weight_ih_l0_reverse"] != nil, onWarning: { _ in }
        ) { (_: Int, bias: Bool) throws(TorchError) in CellWeights(placeholderWithBias: bias) }
        try loadStateDict(stateDict, strict: true, prefix: prefix)
    }

    /// The error for a state dict with no RNN parameters under `prefix`: which prefix has them, that
    /// `prefix` lacks its final dot, which other recurrent modules there are, or how the keys begin.
    private static func noParameters(in stateDict: StateDict, prefix: String) -> TorchError {
        var message = "no RNN parameters under the prefix '\(prefix)': \"\(prefix)weight_ih_l0\" is missing or not 2-D"
        let modules = stateDict.recognizedModules
        if let suggested = stateDict.suggestedRNNPrefix(for: prefix), let module = modules.first(where: { $0.prefix == suggested }) {
            message += suggested == prefix + "."
                ? "; the prefix lacks its final dot: \(module) is under '\(suggested)'"
                : "; the state dict has \(module) under the prefix '\(suggested)'"
        } else if let other = modules.first {
            message += "; the state dict has \(other) under the prefix '\(other.prefix)', "
                + "which Recurrent does not run (nn.RNN and nn.RNNCell only)"
        } else {
            let found = stateDict.keys.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")
            message += " (the state dict starts with \(found.isEmpty ? "nothing" : found))"
        }
        return TorchError(.keyError, message)
    }
}
