/// The gradients of one cell's parameters, accumulated over the directions and steps it ran.
struct CellGradients<Scalar: RecurrentScalar>: Sendable {
    /// `∂L/∂W_ih`, `(H, input)` row-major.
    var weightIH: [Scalar]
    /// `∂L/∂W_hh`, `(H, H)` row-major, in PyTorch's layout.
    var weightHH: [Scalar]
    /// `∂L/∂b_ih`, which is also `∂L/∂b_hh`: both biases enter every step's sum once.
    var bias: [Scalar]

    init(inputSize: Int, hiddenSize: Int) {
        weightIH = [Scalar](repeating: 0, count: hiddenSize * inputSize)
        weightHH = [Scalar](repeating: 0, count: hiddenSize * hiddenSize)
        bias = [Scalar](repeating: 0, count: hiddenSize)
    }

    /// The gradients as PyTorch names a cell's parameters (`weight_ih`, ...), the biases only when the
    /// cell has them.
    func named(inputSize: Int, hiddenSize: Int, bias hasBias: Bool) -> [(slot: String, tensor: Tensor<Scalar>)] {
        var result = [
            ("weight_ih", Tensor(unchecked: [hiddenSize, inputSize], scalars: weightIH)),
            ("weight_hh", Tensor(unchecked: [hiddenSize, hiddenSize], scalars: weightHH)),
        ]
        if hasBias { result += [("bias_ih", Tensor(unchecked: [hiddenSize], scalars: bias)), ("bias_hh", Tensor(unchecked: [hiddenSize], scalars: bias))] }
        return result
    }
}

extension RecurrentKernel {
    /// Backpropagates through one direction of one layer as
    /// ``runDirection(_:nonlinearity:input:features:batchSizes:initialState:reverse:output:outputWidth:outputOffset:finalState:)``
    /// ran it, over the same rows, steps and batch sizes, as PyTorch's autograd does through
    /// `act(x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh)`.
    ///
    /// Walks the steps in the opposite order, one matrix product per step to carry the gradient to the
    /// previous state (`dz · W_hh`); the parameter and input gradients are then three products over all
    /// rows at once (`dZᵀ · X`, `dZᵀ · H_prev`, `dZ · W_ih`), as the forward pass projects all inputs
    /// at once.
    ///
    /// - Parameters:
    ///   - output: what the forward pass wrote, `(Σ batchSizes, outputWidth)`: the states it reads back.
    ///   - outputGradient: `∂L/∂output` in the same layout; `nil` for zeros.
    ///   - finalStateGradient: `∂L/∂h_n` of this direction, `(batchSizes[0], H)`; `nil` for zeros.
    ///   - inputGradient: `(Σ batchSizes, features)`, which this direction's `∂L/∂input` is added to.
    ///   - initialStateGradient: `(batchSizes[0], H)`, set to `∂L/∂h0`.
    ///   - gradients: the cell's parameter gradients, added to.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func backwardDirection<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>, nonlinearity: Nonlinearity,
        input: UnsafeBufferPointer<Scalar>, features: Int, batchSizes: [Int],
        initialState: UnsafeBufferPointer<Scalar>?, reverse: Bool,
        output: UnsafeBufferPointer<Scalar>, outputWidth: Int, outputOffset: Int,
        outputGradient: UnsafeBufferPointer<Scalar>?, finalStateGradient: UnsafeBufferPointer<Scalar>?,
        inputGradient: UnsafeMutableBufferPointer<Scalar>, initialStateGradient: UnsafeMutableBufferPointer<Scalar>,
        gradients: inout CellGradients<Scalar>
    ) {
        let hidden = weights.hiddenSize
        let steps = batchSizes.count
        let totalRows = batchSizes.reduce(0, +)
        initialStateGradient.update(repeating: 0)
        guard totalRows > 0, hidden > 0 else { return }
        var firstRow = [Int](repeating: 0, count: steps)
        for t in 1..<max(steps, 1) { firstRow[t] = firstRow[t - 1] + batchSizes[t - 1] }
        func time(ofStep step: Int) -> Int { reverse ? steps - 1 - step : step }

        // dZ: ∂L/∂(pre-activation) of every row, which first gathers ∂L/∂h: a step's product adds the
        // gradient of the state it read into the rows of the step before (zero elsewhere).
        // previousStates: the state each row's step read.
        var dZ = [Scalar](repeating: 0, count: totalRows * hidden)
        var previousStates = [Scalar](repeating: 0, count: totalRows * hidden)
        // `dz · W_hh` by W_hh in PyTorch's layout, untransposed: the layout OpenBLAS multiplies a row
        // by fastest, as the forward pass keeps W_hhᵀ for `h · W_hhᵀ`.
        weights.weightHH.scalars.withUnsafeBufferPointer { recurrent in
            dZ.withUnsafeMutableBufferPointer { dZ in
                previousStates.withUnsafeMutableBufferPointer { previousStates in
                    for step in (0..<steps).reversed() {
                        let t = time(ofStep: step)
                        let rows = batchSizes[t]
                        let block = dZ.baseAddress! + firstRow[t] * hidden
                        // Sequences whose last step this is (forward: the batch shrinks after it;
                        // reverse: step 0 ends every sequence) take h_n's gradient here.
                        let finalFrom = reverse ? (t == 0 ? 0 : rows) : (t == steps - 1 ? 0 : batchSizes[t + 1])
                        for r in 0..<rows {
                            let z = block + r * hidden
                            if let outputGradient {
                                let upstream = outputGradient.baseAddress! + (firstRow[t] + r) * outputWidth + outputOffset
                                for j in 0..<hidden { z[j] += upstream[j] }
                            }
                            if r >= finalFrom, let finalStateGradient {
                                let final = finalStateGradient.baseAddress! + r * hidden
                                for j in 0..<hidden { z[j] += final[j] }
                            }
                            let h = output.baseAddress! + (firstRow[t] + r) * outputWidth + outputOffset
                            switch nonlinearity {
                            case .tanh: for j in 0..<hidden { z[j] *= 1 - h[j] * h[j] }
                            case .relu: for j in 0..<hidden { z[j] = h[j] > 0 ? z[j] : 0 }
                            }
                        }
                        // The state this step read: the previous step's rows for the sequences it
                        // carried on, the initial state for those that start here.
                        let previous = step > 0 ? time(ofStep: step - 1) : nil
                        let carriedRows = previous.map { min(batchSizes[$0], rows) } ?? 0
                        for r in 0..<rows {
                            let target = previousStates.baseAddress! + (firstRow[t] + r) * hidden
                            if let previous, r < carriedRows {
                                target.update(from: output.baseAddress! + (firstRow[previous] + r) * outputWidth + outputOffset, count: hidden)
                            } else if let initialState {
                                target.update(from: initialState.baseAddress! + r * hidden, count: hidden)
                            }
                        }
                        // ∂L/∂h_prev = dz · W_hh: into the previous step's rows for the carried
                        // sequences, into ∂L/∂h0 for those that start here.
                        if let previous {
                            BLAS.gemm(
                                m: carriedRows, n: hidden, k: hidden, a: block, lda: hidden, b: recurrent.baseAddress!, ldb: hidden,
                                transposeB: false, beta: 0, c: dZ.baseAddress! + firstRow[previous] * hidden, ldc: hidden)
                        }
                        BLAS.gemm(
                            m: rows - carriedRows, n: hidden, k: hidden, a: block + carriedRows * hidden, lda: hidden,
                            b: recurrent.baseAddress!, ldb: hidden, transposeB: false, beta: 0,
                            c: initialStateGradient.baseAddress! + carriedRows * hidden, ldc: hidden)
                    }
                }
            }
        }

        dZ.withUnsafeBufferPointer { dZ in
            let z = dZ.baseAddress!
            if features > 0, let x = input.baseAddress {
                gradients.weightIH.withUnsafeMutableBufferPointer { gradient in
                    BLAS.gemm(
                        m: hidden, n: features, k: totalRows, a: z, lda: hidden, transposeA: true, b: x, ldb: features,
                        transposeB: false, beta: 1, c: gradient.baseAddress!, ldc: features)
                }
                weights.weightIH.scalars.withUnsafeBufferPointer { weight in
                    BLAS.gemm(
                        m: totalRows, n: features, k: hidden, a: z, lda: hidden, b: weight.baseAddress!, ldb: features,
                        transposeB: false, beta: 1, c: inputGradient.baseAddress!, ldc: features)
                }
            }
            previousStates.withUnsafeBufferPointer { states in
                gradients.weightHH.withUnsafeMutableBufferPointer { gradient in
                    BLAS.gemm(
                        m: hidden, n: hidden, k: totalRows, a: z, lda: hidden, transposeA: true, b: states.baseAddress!,
                        ldb: hidden, transposeB: false, beta: 1, c: gradient.baseAddress!, ldc: hidden)
                }
            }
            for r in 0..<totalRows {
                for j in 0..<hidden { gradients.bias[j] += z[r * hidden + j] }
            }
        }
    }
}
