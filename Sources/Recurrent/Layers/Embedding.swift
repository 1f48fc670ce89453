/// A lookup table of vectors, one row per index: the Swift counterpart of `torch.nn.Embedding`.
///
/// `weight` is `(num_embeddings, embedding_dim)`, drawn from N(0, 1) as PyTorch draws it (bit for
/// bit for a seed), with the `padding_idx` row zeroed; the row of `padding_idx` gets no gradient.
///
/// ```swift
/// // torch.manual_seed(0); embedding = nn.Embedding(10, 3, padding_idx=0)
/// let embedding = try Embedding<Float>(numEmbeddings: 10, embeddingDim: 3, paddingIdx: 0, seed: 0)
/// let tokens = try IndexTensor(shape: [2, 4], indices: [1, 2, 4, 5, 4, 3, 2, 0])
/// let vectors = try embedding(tokens)                        // (2, 4, 3)
///
/// let (output, trace) = try embedding.trainingForward(tokens)
/// let gradients = try embedding.backward(trace, outputGradient: dLoss)
/// gradients["weight"]?.shape                                 // [10, 3]
/// ```
///
/// PyTorch's `max_norm` (which renormalises rows of `weight` during the forward pass) and `sparse`
/// gradients are not offered.
public struct Embedding<Scalar: RecurrentScalar>: RecurrentModule, Hashable, CustomStringConvertible {
    /// The number of rows (`num_embeddings`).
    public let numEmbeddings: Int
    /// The size of each row (`embedding_dim`).
    public let embeddingDim: Int
    /// The row that gets no gradient (`padding_idx`), non-negative as PyTorch stores it (a negative
    /// index given to the initialiser counts from the end).
    public let paddingIdx: Int?
    /// Whether each row's gradient is divided by the number of times its index occurs in the batch
    /// (`scale_grad_by_freq`).
    public let scaleGradByFreq: Bool
    /// The table, `(num_embeddings, embedding_dim)`.
    public private(set) var weight: Tensor<Scalar>

    /// Creates a table drawn from `generator` as `nn.Embedding`'s `reset_parameters` draws it:
    /// `normal_()` over the whole table, then the `paddingIdx` row set to zeros.
    ///
    /// For float32 tables of 16 elements or more, PyTorch's draw depends on the kernels it runs: this
    /// is the draw of its AVX2 and AVX-512 kernels (x86-64); elsewhere the last bit of a value may
    /// differ (see ``RecurrentScalar/torchNormalBlock(_:at:)``).
    ///
    /// - Throws: `TorchError` with PyTorch's messages for a `paddingIdx` outside
    ///   `-numEmbeddings..<numEmbeddings` and a negative size, in PyTorch's order.
    public init(
        numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int? = nil, scaleGradByFreq: Bool = false,
        generator: inout TorchGenerator
    ) throws(TorchError) {
        let padding = try Self.normalizedPaddingIndex(paddingIdx, numEmbeddings: numEmbeddings)
        let count = try Tensor<Scalar>.elementCount(of: [numEmbeddings, embeddingDim])
        var table: [Scalar] = generator.normalScalars(count: count)
        if let padding {
            guard padding < numEmbeddings else {
                throw TorchError(.indexError, "index \(padding) is out of bounds for dimension 0 with size \(numEmbeddings)")
            }
            for column in 0..<embeddingDim { table[padding * embeddingDim + column] = 0 }
        }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIdx = padding
        self.scaleGradByFreq = scaleGradByFreq
        weight = Tensor(unchecked: [numEmbeddings, embeddingDim], scalars: table)
    }

    /// Creates a table equal to the one `torch.manual_seed(seed)` followed by `nn.Embedding(...)`
    /// gives, bit for bit; with no seed, from a randomly seeded generator.
    ///
    /// - Throws: `TorchError` as ``init(numEmbeddings:embeddingDim:paddingIdx:scaleGradByFreq:generator:)`` does.
    public init(
        numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int? = nil, scaleGradByFreq: Bool = false, seed: UInt64? = nil
    ) throws(TorchError) {
        var generator = seed.map(TorchGenerator.init(seed:)) ?? .seededFromSystem()
        try self.init(
            numEmbeddings: numEmbeddings, embeddingDim: embeddingDim, paddingIdx: paddingIdx,
            scaleGradByFreq: scaleGradByFreq, generator: &generator)
    }

    /// Builds a table from a state dict, as a checkpoint holds it: the sizes come from `weight`'s
    /// shape; the padding index and gradient scaling, which a state dict does not hold, are the
    /// caller's. The `paddingIdx` row is taken as saved (PyTorch zeroes it only when it initialises).
    ///
    /// - Throws: `TorchError` when there is no 2-D `weight` under `prefix`, when the dtype differs and
    ///   converting was not asked for, for a `paddingIdx` out of range, and with `load_state_dict`'s
    ///   messages for unexpected keys.
    public init(
        stateDict: StateDict, prefix: String = "", paddingIdx: Int? = nil, scaleGradByFreq: Bool = false,
        convertingDType: Bool = false
    ) throws(TorchError) {
        let weight = try stateDict.layerParameter(
            "weight", rank: 2, prefix: prefix, of: "Embedding", as: Scalar.self, convertingDType: convertingDType)
        numEmbeddings = weight.shape[0]
        embeddingDim = weight.shape[1]
        self.paddingIdx = try Self.normalizedPaddingIndex(paddingIdx, numEmbeddings: numEmbeddings)
        self.scaleGradByFreq = scaleGradByFreq
        self.weight = Tensor(unchecked: weight.shape, scalars: [])
        try loadStateDict(stateDict, strict: true, prefix: prefix)
    }

    /// `nn.Embedding`'s check of `padding_idx`, and its count from the end for a negative one.
    private static func normalizedPaddingIndex(_ index: Int?, numEmbeddings: Int) throws(TorchError) -> Int? {
        guard let index else { return nil }
        if index > 0 && index >= numEmbeddings || index < 0 && index < -numEmbeddings {
            throw TorchError(.assertionError, "Padding_idx must be within num_embeddings")
        }
        return index < 0 ? index + numEmbeddings : index
    }

    /// `nn.Embedding`'s `repr`: `Embedding(10, 3, padding_idx=0)`.
    public var description: String {
        var parts = ["\(numEmbeddings)", "\(embeddingDim)"]
        if let paddingIdx { parts.append("padding_idx=\(paddingIdx)") }
        if scaleGradByFreq { parts.append("scale_grad_by_freq=True") }
        return "Embedding(" + parts.joined(separator: ", ") + ")"
    }
}

// MARK: - Forward and backward

extension Embedding {
    /// What ``backward(_:outputGradient:)`` needs of a forward pass: the indices looked up.
    public struct Trace: Sendable, Hashable {
        let indices: IndexTensor
        let numEmbeddings: Int
        let embeddingDim: Int
    }

    /// The rows of `weight` at `input`, as `nn.Embedding.forward(input)` returns them.
    ///
    /// - Parameter input: Indices of any shape, each in `0..<numEmbeddings`.
    /// - Returns: `(*input.shape, embedding_dim)`.
    /// - Throws: `TorchError` (`IndexError: index out of range in self`) for an index outside the table.
    public func callAsFunction(_ input: IndexTensor) throws(TorchError) -> Tensor<Scalar> {
        try trainingForward(input).output
    }

    /// Looks up indices held in a tensor whose dtype is known only at run time.
    ///
    /// - Throws: `TorchError` with PyTorch's message when the tensor is not int64 or int32, and as
    ///   ``callAsFunction(_:)-(IndexTensor)`` does.
    public func callAsFunction(_ input: AnyTensor) throws(TorchError) -> Tensor<Scalar> {
        guard input.dtype == .int64 || input.dtype == .int32, let indices = input.indexTensor else {
            throw .runtimeError(
                "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
                    + "but got \(input.legacyTypeName) instead (while checking arguments for embedding)")
        }
        return try callAsFunction(indices)
    }

    /// Looks up `input` and keeps what the backward pass needs.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:)-(IndexTensor)`` does.
    public func trainingForward(_ input: IndexTensor) throws(TorchError) -> (output: Tensor<Scalar>, trace: Trace) {
        guard input.indices.allSatisfy({ (0..<numEmbeddings).contains($0) }) else {
            throw TorchError(.indexError, "index out of range in self")
        }
        var rows = [Scalar]()
        rows.reserveCapacity(input.count * embeddingDim)
        for index in input.indices {
            rows.append(contentsOf: weight.scalars[(index * embeddingDim)..<((index + 1) * embeddingDim)])
        }
        return (
            Tensor(unchecked: input.shape + [embeddingDim], scalars: rows),
            Trace(indices: input, numEmbeddings: numEmbeddings, embeddingDim: embeddingDim)
        )
    }

    /// The gradient of a loss with respect to `weight`, given its gradient with respect to the
    /// output, as autograd computes it: each output row's gradient added into the row it was looked
    /// up from, in input order, none into the `paddingIdx` row, and divided by the index's count in
    /// the batch with ``scaleGradByFreq``. Indices are integers and get no gradient.
    ///
    /// - Throws: `TorchError` with autograd's message when `outputGradient`'s shape is not the output's.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(_ trace: Trace, outputGradient: Tensor<Scalar>) throws(TorchError) -> ParameterGradients<Scalar> {
        let dim = trace.embeddingDim
        try checkGradientShape(outputGradient.shape, output: trace.indices.shape + [dim])
        var counts: [Int: Int] = [:]
        if scaleGradByFreq {
            for index in trace.indices.indices { counts[index, default: 0] += 1 }
        }
        var table = [Scalar](repeating: 0, count: trace.numEmbeddings * dim)
        let gradient = outputGradient.scalars
        for (position, index) in trace.indices.indices.enumerated() where index != paddingIdx {
            let scale = Scalar(scaleGradByFreq ? 1.0 / Double(counts[index] ?? 1) : 1.0)
            for column in 0..<dim {
                table[index * dim + column] = table[index * dim + column].addingProduct(gradient[position * dim + column], scale)
            }
        }
        return ParameterGradients([("weight", Tensor(unchecked: [trace.numEmbeddings, dim], scalars: table))])
    }
}

// MARK: - Parameters

extension Embedding {
    /// `Embedding`.
    public static var pytorchClassName: String { "Embedding" }

    /// `weight`.
    public var parameterNames: [String] { ["weight"] }

    /// `weight`, the table.
    public func parameter(named name: String) -> Tensor<Scalar>? {
        name == "weight" ? weight : nil
    }

    /// `(num_embeddings, embedding_dim)` for `weight`.
    public func parameterShape(named name: String) -> [Int]? {
        name == "weight" ? [numEmbeddings, embeddingDim] : nil
    }

    /// Replaces `weight`.
    ///
    /// - Throws: `TorchError` when `name` is not `weight` or the shape differs.
    public mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError) {
        try checkReplacement(name, value)
        weight = value
    }
}
