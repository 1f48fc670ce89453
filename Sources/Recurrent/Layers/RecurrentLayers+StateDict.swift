extension RecurrentLayers {
    /// Builds the layers of a state dict, as a checkpoint holds it: the sizes, the number of layers,
    /// the bias, the direction and an LSTM's `proj_size` are read from the parameters' names and
    /// shapes; what shapes cannot say (an RNN's nonlinearity, `batch_first`) is the caller's.
    ///
    /// The weights start empty, for the wrapper to load `stateDict` into: a checkpoint's tensors
    /// become the parameters without a copy (W_hh alone is copied, into the transposed layout the
    /// recurrence multiplies by).
    init(
        stateDict: StateDict, prefix: String, className: String, kind: CellKind, batchFirst: Bool, convertingDType: Bool,
        wrapper: RecognizedModule.Kind
    ) throws(TorchError) {
        let scoped = stateDict.scoped(to: prefix)
        guard let first = scoped["weight_ih_l0"], first.rank == 2 else {
            throw Self.noParameters(in: stateDict, prefix: prefix, className: className, kind: wrapper)
        }
        if let module = stateDict.recognizedModules.first(where: { $0.prefix == prefix }), module.kind != wrapper {
            throw .valueError(
                "the parameters under the prefix '\(prefix)' are those of \(module) (weight_hh_l0 has \(module.kind.gateCount) "
                    + "gate blocks of \(module.hiddenSize) rows), not an \(className)'s: load them with \(module.kind.rawValue)(stateDict:)")
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
        let projection = scoped["weight_hr_l0"]
        let projSize = projection?.rank == 2 ? projection!.shape[0] : 0
        try self.init(
            className: className, kind: kind, inputSize: first.shape[1], hiddenSize: first.shape[0] / kind.gateCount,
            numLayers: numLayers, bias: scoped["bias_ih_l0"] != nil, batchFirst: batchFirst, dropout: 0,
            bidirectional: scoped["weight_ih_l0_reverse"] != nil, projSize: projSize, onWarning: { _ in }
        ) { (_: Int, bias: Bool) throws(TorchError) in
            CellWeights(kind: kind, placeholderWithBias: bias, projection: projSize > 0)
        }
    }

    /// The error for a state dict with no parameters of this module under `prefix`: which prefix has
    /// them, that `prefix` lacks its final dot, which other recurrent modules there are, or how the
    /// keys begin.
    private static func noParameters(
        in stateDict: StateDict, prefix: String, className: String, kind: RecognizedModule.Kind
    ) -> TorchError {
        var message = "no \(className) parameters under the prefix '\(prefix)': \"\(prefix)weight_ih_l0\" is missing or not 2-D"
        let modules = stateDict.recognizedModules
        if let suggested = stateDict.suggestedPrefix(for: prefix, kind: kind),
            let module = modules.first(where: { $0.prefix == suggested })
        {
            message += suggested == prefix + "."
                ? "; the prefix lacks its final dot: \(module) is under '\(suggested)'"
                : "; the state dict has \(module) under the prefix '\(suggested)'"
        } else if let other = modules.first {
            message += "; the state dict has \(other) under the prefix '\(other.prefix)': load it with \(other.kind.rawValue)(stateDict:)"
        } else {
            let found = stateDict.keys.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")
            message += " (the state dict starts with \(found.isEmpty ? "nothing" : found))"
        }
        return TorchError(.keyError, message)
    }
}
