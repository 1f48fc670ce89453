/// A fully connected layer, `y = x · Wᵀ + b`: the Swift counterpart of `torch.nn.Linear`.
///
/// Parameters carry PyTorch's names and shapes (`weight` is `(out_features, in_features)`, `bias`
/// is `(out_features)`), a seeded layer has PyTorch's initialisation bit for bit, and the input may
/// have any number of leading dimensions, `(*, in_features)` to `(*, out_features)`.
///
/// ```swift
/// // torch.manual_seed(0); head = nn.Linear(20, 5)
/// let head = try Linear<Float>(inFeatures: 20, outFeatures: 5, seed: 0)
/// let logits = try head(hN)                                  // (N, 20) -> (N, 5)
///
/// // Training: the forward keeps what the backward needs.
/// let (output, trace) = try head.trainingForward(hN)
/// let (inputGradient, gradients) = try head.backward(trace, outputGradient: dLoss)
/// gradients["weight"]?.shape                                // [5, 20]
/// ```
public struct Linear<Scalar: RecurrentScalar>: RecurrentModule, Hashable, CustomStringConvertible {
    /// The size of each input's last dimension (`in_features`).
    public let inFeatures: Int
    /// The size of each output's last dimension (`out_features`).
    public let outFeatures: Int
    /// `W`, `(out_features, in_features)`.
    public private(set) var weight: Tensor<Scalar>
    /// `b`, `(out_features)`, or `nil` for a layer built with `bias: false`.
    public private(set) var bias: Tensor<Scalar>?

    /// Creates a layer whose parameters are drawn from `generator` as `nn.Linear`'s
    /// `reset_parameters` draws them: `weight` by `kaiming_uniform_(a=√5)`, that is
    /// U(-1/√in_features, 1/√in_features), then `bias` from the same range.
    ///
    /// A zero-element weight (`in_features` or `out_features` 0) is left at zeros with PyTorch's
    /// warning, `Initializing zero-element tensors is a no-op`, passed to `onWarning`.
    ///
    /// - Throws: `TorchError` with PyTorch's message for a negative size.
    public init(
        inFeatures: Int, outFeatures: Int, bias: Bool = true, generator: inout TorchGenerator,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        let weightCount = try Tensor<Scalar>.elementCount(of: [outFeatures, inFeatures])
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        if weightCount == 0 {
            onWarning(TorchWarning("Initializing zero-element tensors is a no-op"))
            weight = Tensor(unchecked: [outFeatures, inFeatures], scalars: Array(repeating: 0, count: weightCount))
        } else {
            // kaiming_uniform_'s arithmetic, in Python's order: gain √(2 / (1 + a²)), std gain / √fan_in,
            // bound √3 · std.
            let a = 5.0.squareRoot()
            let gain = (2.0 / (1 + a * a)).squareRoot()
            let bound = 3.0.squareRoot() * (gain / Double(inFeatures).squareRoot())
            weight = Self.uniform([outFeatures, inFeatures], bound: bound, &generator)
        }
        self.bias = bias ? Self.uniform([outFeatures], bound: inFeatures > 0 ? 1 / Double(inFeatures).squareRoot() : 0, &generator) : nil
    }

    /// Creates a layer whose parameters are those `torch.manual_seed(seed)` followed by
    /// `nn.Linear(...)` gives, bit for bit; with no seed, from a randomly seeded generator.
    ///
    /// - Throws: `TorchError` with PyTorch's message for a negative size.
    public init(
        inFeatures: Int, outFeatures: Int, bias: Bool = true, seed: UInt64? = nil,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        var generator = seed.map(TorchGenerator.init(seed:)) ?? .seededFromSystem()
        try self.init(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, generator: &generator, onWarning: onWarning)
    }

    /// Builds a layer from a state dict, as a checkpoint holds it: the sizes come from `weight`'s
    /// shape and the bias from whether `bias` is there.
    ///
    /// ```swift
    /// let head = try Linear<Float>(stateDict: checkpoint["model"]!.stateDict!, prefix: "head.")
    /// ```
    ///
    /// - Parameters:
    ///   - stateDict: The tensors, with PyTorch's names after `prefix`.
    ///   - prefix: The layer's key prefix inside a bigger model (`head.`).
    ///   - convertingDType: Whether tensors of another dtype may be converted; without it such a
    ///     state dict is refused.
    /// - Throws: `TorchError` when there is no 2-D `weight` under `prefix`, when the dtype differs and
    ///   converting was not asked for, and with `load_state_dict`'s messages for unexpected or
    ///   misshapen parameters.
    public init(stateDict: StateDict, prefix: String = "", convertingDType: Bool = false) throws(TorchError) {
        let weight = try stateDict.layerParameter(
            "weight", rank: 2, prefix: prefix, of: "Linear", as: Scalar.self, convertingDType: convertingDType)
        inFeatures = weight.shape[1]
        outFeatures = weight.shape[0]
        self.weight = Tensor(unchecked: weight.shape, scalars: [])
        bias = stateDict[prefix + "bias"] == nil ? nil : Tensor(unchecked: [outFeatures], scalars: [])
        try loadStateDict(stateDict, strict: true, prefix: prefix)
    }

    private static func uniform(_ shape: [Int], bound: Double, _ generator: inout TorchGenerator) -> Tensor<Scalar> {
        let (lower, upper) = (Scalar(-bound), Scalar(bound))
        let count = shape.reduce(1, *)
        return Tensor(unchecked: shape, scalars: (0..<count).map { _ in Scalar.torchUniform(from: lower, to: upper, using: &generator) })
    }

    /// `nn.Linear`'s `repr`: `Linear(in_features=20, out_features=5, bias=True)`.
    public var description: String {
        "Linear(in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias == nil ? "False" : "True"))"
    }
}

// MARK: - Forward and backward

extension Linear {
    /// What ``backward(_:outputGradient:)`` needs of a forward pass: the input and the weight it
    /// was multiplied by.
    public struct Trace: Sendable, Hashable {
        let input: Tensor<Scalar>
        let weight: Tensor<Scalar>
        let hasBias: Bool
        let outputShape: [Int]
    }

    /// Applies the layer, as `nn.Linear.forward(input)` does.
    ///
    /// - Parameter input: `(*, in_features)`: any number of leading dimensions, including none.
    /// - Returns: `(*, out_features)`.
    /// - Throws: `TorchError` with PyTorch's messages for a 0-D input and a last dimension that is
    ///   not `in_features`.
    public func callAsFunction(_ input: Tensor<Scalar>) throws(TorchError) -> Tensor<Scalar> {
        try trainingForward(input).output
    }

    /// Applies the layer to a tensor whose dtype is known only at run time.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:)-(Tensor<Scalar>)`` does, and with PyTorch's
    ///   matrix-product message when the input's dtype is not the layer's.
    public func callAsFunction(_ input: AnyTensor) throws(TorchError) -> AnyTensor {
        try checkRank(input.shape)
        guard let typed = input.tensor(of: Scalar.self) else {
            throw .matmulDTypeMismatch(input.dtype, weights: Scalar.dtype, bias: bias != nil)
        }
        return Scalar.erase(try callAsFunction(typed))
    }

    /// Applies the layer and keeps what the backward pass needs.
    ///
    /// - Returns: The output, as ``callAsFunction(_:)-(Tensor<Scalar>)`` returns it, and the trace
    ///   to hand to ``backward(_:outputGradient:)``.
    /// - Throws: `TorchError` as ``callAsFunction(_:)-(Tensor<Scalar>)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func trainingForward(_ input: Tensor<Scalar>) throws(TorchError) -> (output: Tensor<Scalar>, trace: Trace) {
        try checkRank(input.shape)
        let features = input.shape[input.rank - 1]
        let flatRows = input.shape.dropLast().reduce(1, *)
        guard features == inFeatures else {
            throw .runtimeError(
                "\(bias == nil ? "mm" : "addmm"): mat1 and mat2 shapes cannot be multiplied "
                    + "(\(flatRows)x\(features) and \(inFeatures)x\(outFeatures))")
        }
        var output = [Scalar]()
        if let bias {
            output.reserveCapacity(flatRows * outFeatures)
            for _ in 0..<flatRows { output.append(contentsOf: bias.scalars) }
        } else {
            output = Array(repeating: 0, count: flatRows * outFeatures)
        }
        MatrixProduct.accumulate(
            input.scalars, weight.scalars, transposeB: true, into: &output, m: flatRows, n: outFeatures, k: inFeatures)
        let shape = Array(input.shape.dropLast()) + [outFeatures]
        return (
            Tensor(unchecked: shape, scalars: output),
            Trace(input: input, weight: weight, hasBias: bias != nil, outputShape: shape)
        )
    }

    /// The gradients of a loss with respect to the input and the parameters, given its gradient
    /// with respect to the output, as autograd computes them for `nn.Linear`.
    ///
    /// `input` gets `g · W`, `weight` gets `gᵀ · x` and `bias` the sum of `g`, both summed over
    /// every leading dimension.
    ///
    /// - Parameters:
    ///   - trace: The trace of the forward pass whose output the gradient is for.
    ///   - outputGradient: `∂loss/∂output`, in the output's shape.
    /// - Returns: `∂loss/∂input` in the input's shape, and the parameters' gradients by name.
    /// - Throws: `TorchError` with autograd's message when `outputGradient`'s shape is not the output's.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(
        _ trace: Trace, outputGradient: Tensor<Scalar>
    ) throws(TorchError) -> (inputGradient: Tensor<Scalar>, parameters: ParameterGradients<Scalar>) {
        try checkGradientShape(outputGradient.shape, output: trace.outputShape)
        let (inFeatures, outFeatures) = (trace.weight.shape[1], trace.weight.shape[0])
        let rows = trace.outputShape.dropLast().reduce(1, *)
        let gradient = outputGradient.scalars
        var inputGradient = [Scalar](repeating: 0, count: rows * inFeatures)
        MatrixProduct.accumulate(
            gradient, trace.weight.scalars, transposeB: false, into: &inputGradient, m: rows, n: inFeatures, k: outFeatures)
        var weightGradient = [Scalar](repeating: 0, count: outFeatures * inFeatures)
        let gradientTransposed = Tensor(unchecked: [rows, outFeatures], scalars: gradient).transposingFirstTwoDimensions()
        MatrixProduct.accumulate(
            gradientTransposed.scalars, trace.input.scalars, transposeB: false, into: &weightGradient,
            m: outFeatures, n: inFeatures, k: rows)
        var parameters = ParameterGradients([("weight", Tensor(unchecked: [outFeatures, inFeatures], scalars: weightGradient))])
        if trace.hasBias {
            parameters["bias"] = Tensor(
                unchecked: [outFeatures], scalars: MatrixProduct.columnSums(gradient, rows: rows, columns: outFeatures))
        }
        return (Tensor(unchecked: trace.input.shape, scalars: inputGradient), parameters)
    }

    private func checkRank(_ shape: [Int]) throws(TorchError) {
        guard !shape.isEmpty else {
            throw .runtimeError("both arguments to linear need to be at least 1D, but they are 0D and 2D")
        }
    }
}

// MARK: - Parameters

extension Linear {
    /// `Linear`.
    public static var pytorchClassName: String { "Linear" }

    /// `weight, bias`, without `bias` for a layer built with `bias: false`.
    public var parameterNames: [String] { bias == nil ? ["weight"] : ["weight", "bias"] }

    /// The weight or bias with the given PyTorch name.
    public func parameter(named name: String) -> Tensor<Scalar>? {
        switch name {
        case "weight": weight
        case "bias": bias
        default: nil
        }
    }

    /// `(out_features, in_features)` for `weight`, `(out_features)` for `bias`.
    public func parameterShape(named name: String) -> [Int]? {
        switch name {
        case "weight": [outFeatures, inFeatures]
        case "bias" where bias != nil: [outFeatures]
        default: nil
        }
    }

    /// Replaces the weight or bias with the given PyTorch name.
    ///
    /// - Throws: `TorchError` when there is no such parameter or its shape differs.
    public mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError) {
        try checkReplacement(name, value)
        if name == "weight" { weight = value } else { bias = value }
    }
}

extension RecurrentModule {
    /// The checks of ``setParameter(named:to:)``: the parameter exists and `value` has its shape.
    func checkReplacement(_ name: String, _ value: Tensor<Scalar>) throws(TorchError) {
        guard let shape = parameterShape(named: name) else {
            throw TorchError(.attributeError, "'\(Self.pytorchClassName)' object has no parameter '\(name)'")
        }
        guard shape == value.shape else {
            throw .runtimeError(
                "size mismatch for \(name): copying a param with shape \(torchSize(value.shape)), "
                    + "the shape in current model is \(torchSize(shape)).")
        }
    }
}

extension StateDict {
    /// The tensor `prefix + name` a layer is built from, checked to have `rank` dimensions and, unless
    /// `convertingDType`, `Scalar`'s dtype.
    ///
    /// - Throws: `TorchError` naming the prefix and the first keys when there is no such tensor, and
    ///   saying how to convert when the dtype differs.
    func layerParameter<Scalar: RecurrentScalar>(
        _ name: String, rank: Int, prefix: String, of layer: String, as _: Scalar.Type, convertingDType: Bool
    ) throws(TorchError) -> AnyTensor {
        guard let tensor = self[prefix + name], tensor.rank == rank else {
            let found = keys.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")
            throw TorchError(
                .keyError,
                "no \(layer) parameters under the prefix '\(prefix)': \"\(prefix)\(name)\" is missing or not \(rank)-D "
                    + "(the state dict starts with \(found.isEmpty ? "nothing" : found))")
        }
        if tensor.dtype != Scalar.dtype && !convertingDType {
            throw .valueError(
                "the state dict holds \(tensor.dtype.torchName) tensors but the model computes in \(Scalar.dtype.torchName); "
                    + "build the model in \(tensor.dtype.rawValue), or ask for the conversion (convertingDType: true)")
        }
        return tensor
    }
}
