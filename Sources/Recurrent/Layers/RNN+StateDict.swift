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
    ///   module's (an LSTM's or a GRU's, naming the type to build), when the dtype differs and converting was not asked for,
    ///   and with `load_state_dict`'s messages for missing, unexpected or misshapen parameters.
    public init(
        stateDict: StateDict, prefix: String = "", nonlinearity: Nonlinearity = .tanh, batchFirst: Bool = false,
        convertingDType: Bool = false
    ) throws(TorchError) {
        let layers = try RecurrentLayers<Scalar>(
            stateDict: stateDict, prefix: prefix, className: "RNN", kind: .elman(nonlinearity), batchFirst: batchFirst,
            convertingDType: convertingDType, wrapper: .rnn)
        self.init(layers: layers, nonlinearity: nonlinearity)
        try loadStateDict(stateDict, strict: true, prefix: prefix)
    }
}

extension LSTM {
    /// Builds an LSTM from a state dict, as a checkpoint holds it: the sizes, the number of layers, the
    /// bias, the direction and `proj_size` are read from the parameters' names and shapes;
    /// `batch_first`, which shapes cannot say, is the caller's.
    ///
    /// ```swift
    /// let checkpoint = try TorchCheckpoint.read(contentsOf: url)
    /// let lstm = try LSTM<Float>(stateDict: try checkpoint.stateDict(forKey: "model"), prefix: "encoder.lstm.")
    /// ```
    ///
    /// - Throws: `TorchError` as ``RNN/init(stateDict:prefix:nonlinearity:batchFirst:convertingDType:)`` does.
    public init(stateDict: StateDict, prefix: String = "", batchFirst: Bool = false, convertingDType: Bool = false) throws(TorchError) {
        let layers = try RecurrentLayers<Scalar>(
            stateDict: stateDict, prefix: prefix, className: "LSTM", kind: .lstm, batchFirst: batchFirst,
            convertingDType: convertingDType, wrapper: .lstm)
        self.init(layers: layers)
        try loadStateDict(stateDict, strict: true, prefix: prefix)
    }
}

extension GRU {
    /// Builds a GRU from a state dict, as a checkpoint holds it: the sizes, the number of layers, the
    /// bias and the direction are read from the parameters' names and shapes; `batch_first`, which
    /// shapes cannot say, is the caller's.
    ///
    /// - Throws: `TorchError` as ``RNN/init(stateDict:prefix:nonlinearity:batchFirst:convertingDType:)`` does.
    public init(stateDict: StateDict, prefix: String = "", batchFirst: Bool = false, convertingDType: Bool = false) throws(TorchError) {
        let layers = try RecurrentLayers<Scalar>(
            stateDict: stateDict, prefix: prefix, className: "GRU", kind: .gru, batchFirst: batchFirst,
            convertingDType: convertingDType, wrapper: .gru)
        self.init(layers: layers)
        try loadStateDict(stateDict, strict: true, prefix: prefix)
    }
}
