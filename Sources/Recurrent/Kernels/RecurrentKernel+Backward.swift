/// The gradients of one cell's parameters, accumulated over the directions and steps it ran.
struct CellGradients<Scalar: RecurrentScalar>: Sendable {
    /// `∂L/∂W_ih`, `(G·H, input)` row-major.
    var weightIH: [Scalar]
    /// `∂L/∂W_hh`, `(G·H, P)` row-major, in PyTorch's layout.
    var weightHH: [Scalar]
    /// `∂L/∂b_ih`, `(G·H)`.
    var biasIH: [Scalar]
    /// `∂L/∂b_hh`, `(G·H)`: `∂L/∂b_ih` but in a GRU's `n` block, which the reset gate scales.
    var biasHH: [Scalar]
    /// `∂L/∂W_hr`, `(P, H)`, for an LSTM with a projection; empty otherwise.
    var weightHR: [Scalar]

    init(_ weights: CellWeights<Scalar>, inputSize: Int) {
        let rows = weights.kind.gateCount * weights.hiddenSize
        weightIH = [Scalar](repeating: 0, count: rows * inputSize)
        weightHH = [Scalar](repeating: 0, count: rows * weights.stateSize)
        biasIH = [Scalar](repeating: 0, count: rows)
        biasHH = [Scalar](repeating: 0, count: rows)
        weightHR = [Scalar](repeating: 0, count: weights.weightHR == nil ? 0 : weights.stateSize * weights.hiddenSize)
    }

    /// The gradients as PyTorch names a cell's parameters (`weight_ih`, ...), in the shapes of
    /// `weights`' parameters, the biases and projection only when the cell has them.
    func named(like weights: CellWeights<Scalar>) -> [(slot: String, tensor: Tensor<Scalar>)] {
        weights.named.map { slot, parameter in
            let scalars: [Scalar] =
                switch slot {
                case "weight_ih": weightIH
                case "weight_hh": weightHH
                case "bias_ih": biasIH
                case "bias_hh": biasHH
                default: weightHR
                }
            return (slot, Tensor(unchecked: parameter.shape, scalars: scalars))
        }
    }
}

extension RecurrentKernel {
    /// Backpropagates through one direction of one layer as
    /// ``runDirection(_:input:features:batchSizes:initialState:initialCell:reverse:output:outputWidth:outputOffset:finalState:finalCell:gates:auxiliary:)``
    /// ran it, over the same rows, steps and batch sizes, as PyTorch's autograd does through the
    /// cell's formulas.
    ///
    /// Walks the steps in the opposite order: the element-wise backward of each row's step
    /// (``GateArithmetic`` for the gated cells), then one matrix product per step for every gate at once
    /// to carry the gradient to the previous state (`dZ · W_hh`). The parameter and input gradients are
    /// then products over all rows at once (`dZᵀ · X`, `dZᵀ · H_prev`, `dZ · W_ih`), as the forward pass
    /// projects all inputs at once.
    ///
    /// - Parameters:
    ///   - output, gates, auxiliary: what the forward pass wrote, in its layouts.
    ///   - outputGradient: `∂L/∂output` in the output's layout; `nil` for zeros.
    ///   - finalStateGradient, finalCellGradient: `∂L/∂h_n` and `∂L/∂c_n` of this direction,
    ///     `(batchSizes[0], P)` and `(batchSizes[0], H)`; `nil` for zeros.
    ///   - inputGradient: `(Σ batchSizes, features)`, which this direction's `∂L/∂input` is added to.
    ///   - initialStateGradient, initialCellGradient: set to `∂L/∂h0` and (an LSTM's) `∂L/∂c0`.
    ///   - gradients: the cell's parameter gradients, added to.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func backwardDirection<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>,
        input: UnsafeBufferPointer<Scalar>, features: Int, batchSizes: [Int],
        initialState: UnsafeBufferPointer<Scalar>?, initialCell: UnsafeBufferPointer<Scalar>? = nil, reverse: Bool,
        output: UnsafeBufferPointer<Scalar>, outputWidth: Int, outputOffset: Int,
        gates: UnsafeBufferPointer<Scalar>? = nil, auxiliary: UnsafeBufferPointer<Scalar>? = nil,
        outputGradient: UnsafeBufferPointer<Scalar>?, finalStateGradient: UnsafeBufferPointer<Scalar>?,
        finalCellGradient: UnsafeBufferPointer<Scalar>? = nil,
        inputGradient: UnsafeMutableBufferPointer<Scalar>, initialStateGradient: UnsafeMutableBufferPointer<Scalar>,
        initialCellGradient: UnsafeMutableBufferPointer<Scalar>? = nil,
        gradients: inout CellGradients<Scalar>
    ) {
        let kind = weights.kind
        let hidden = weights.hiddenSize
        let state = weights.stateSize
        let gateWidth = kind.gateCount * hidden
        let steps = batchSizes.count
        let totalRows = batchSizes.reduce(0, +)
        initialStateGradient.update(repeating: 0)
        initialCellGradient?.update(repeating: 0)
        guard totalRows > 0, hidden > 0 else { return }
        let firstRow = firstRows(batchSizes)
        func time(ofStep step: Int) -> Int { reverse ? steps - 1 - step : step }
        let outputBase = output.baseAddress! + outputOffset
        func outputRow(_ index: Int) -> UnsafePointer<Scalar> { outputBase + index * outputWidth }
        // stateGradients: ∂L/∂h of every row, gathered from the output, h_n and the next step.
        // gateGradients: ∂L/∂(pre-activations) of every row, on the input's side; recurrentGradients:
        // on the recurrent product's side, where it differs (a GRU's n block). cellGradients: ∂L/∂c of
        // every row carried back from the next step (an LSTM's). previousStates: the state each row's
        // step read. projected: an LSTM's o * tanh(c) of every row, for W_hr's gradient.
        let hasProjection = weights.weightHR != nil
        let dH = ZeroedBuffer<Scalar>(count: totalRows * state)
        let dZ = ZeroedBuffer<Scalar>(count: totalRows * gateWidth)
        let recurrentGradients = kind == .gru ? ZeroedBuffer<Scalar>(count: totalRows * gateWidth) : nil
        let cellGradients = ZeroedBuffer<Scalar>(count: kind == .lstm ? totalRows * hidden : 0)
        let previousStates = ZeroedBuffer<Scalar>(count: totalRows * state)
        let projected = hasProjection ? ZeroedBuffer<Scalar>(count: totalRows * hidden) : nil
        let scratch = ZeroedBuffer<Scalar>(count: (batchSizes[0] + 1) * hidden)
        let zeros = ZeroedBuffer<Scalar>(count: max(hidden, state))
        // The gradient the previous state's product reads: a GRU's recurrent side, else dZ.
        let dZRecurrent = recurrentGradients ?? dZ
        // `dz · W_hh` by W_hh in PyTorch's layout, untransposed: the layout OpenBLAS multiplies a row
        // by fastest, as the forward pass keeps W_hhᵀ for `h · W_hhᵀ`.
        let recurrentWeight = weights.weightHH.scalars
        let projectionWeight = weights.weightHR?.scalars ?? []
        recurrentWeight.withUnsafeBufferPointer { recurrent in
        projectionWeight.withUnsafeBufferPointer { projection in
            for step in (0..<steps).reversed() {
                let t = time(ofStep: step)
                let rows = batchSizes[t]
                let first = firstRow[t]
                // Sequences whose last step this is (forward: the batch shrinks after it; reverse:
                // step 0 ends every sequence) take h_n's and c_n's gradients here.
                let finalFrom = reverse ? (t == 0 ? 0 : rows) : (t == steps - 1 ? 0 : batchSizes[t + 1])
                for r in 0..<rows {
                    let dh = dH + (first + r) * state
                    if let outputGradient {
                        let upstream = outputGradient.baseAddress! + outputOffset + (first + r) * outputWidth
                        for j in 0..<state { dh[j] += upstream[j] }
                    }
                    if r >= finalFrom, let finalStateGradient {
                        let final = finalStateGradient.baseAddress! + r * state
                        for j in 0..<state { dh[j] += final[j] }
                    }
                }
                // The state this step read: the previous step's rows for the sequences it carried on,
                // the initial state for those that start here.
                let previous = step > 0 ? time(ofStep: step - 1) : nil
                let carried = previous.map { min(batchSizes[$0], rows) } ?? 0
                func previousState(_ r: Int) -> UnsafePointer<Scalar> {
                    if let previous, r < carried { return outputRow(firstRow[previous] + r) }
                    return initialState.map { $0.baseAddress! + r * state } ?? UnsafePointer(zeros.start)
                }
                // Where ∂L/∂(the previous state) of a row goes: the previous step's rows, or ∂L/∂h0.
                func previousStateGradient(_ r: Int) -> UnsafeMutablePointer<Scalar> {
                    if let previous, r < carried { return dH + (firstRow[previous] + r) * state }
                    return initialStateGradient.baseAddress! + r * state
                }
                for r in 0..<rows {
                    (previousStates + (first + r) * state).update(from: previousState(r), count: state)
                }

                switch kind {
                case .elman(let nonlinearity):
                    for r in 0..<rows {
                        let z = dZ + (first + r) * hidden
                        let dh = dH + (first + r) * hidden
                        let h = outputRow(first + r)
                        switch nonlinearity {
                        case .tanh: for j in 0..<hidden { z[j] = dh[j] * (1 - h[j] * h[j]) }
                        case .relu: for j in 0..<hidden { z[j] = h[j] > 0 ? dh[j] : 0 }
                        }
                    }
                case .lstm:
                    // ∂L/∂(o * tanh(c)): ∂L/∂h itself, or through the projection, ∂L/∂h · W_hr.
                    let stateGradient: UnsafeMutablePointer<Scalar>
                    if !hasProjection {
                        stateGradient = dH + first * state
                    } else {
                        BLAS.gemm(
                            m: rows, n: hidden, k: state, a: dH + first * state, lda: state, b: projection.baseAddress!, ldb: hidden,
                            transposeB: false, beta: 0, c: scratch + hidden, ldc: hidden)
                        stateGradient = scratch + hidden
                    }
                    for r in 0..<rows {
                        let cellGradient = cellGradients + (first + r) * hidden
                        if r >= finalFrom, let final = finalCellGradient?.baseAddress {
                            for j in 0..<hidden { cellGradient[j] += final[r * hidden + j] }
                        }
                        let previousCell: UnsafePointer<Scalar>
                        let previousCellGradient: UnsafeMutablePointer<Scalar>
                        if let previous, r < carried {
                            previousCell = auxiliary!.baseAddress! + (firstRow[previous] + r) * hidden
                            previousCellGradient = cellGradients + (firstRow[previous] + r) * hidden
                        } else {
                            previousCell = initialCell.map { $0.baseAddress! + r * hidden } ?? UnsafePointer(zeros.start)
                            previousCellGradient = initialCellGradient!.baseAddress! + r * hidden
                        }
                        GateArithmetic.lstmBackward(
                            gates: gates!.baseAddress! + (first + r) * gateWidth, cell: auxiliary!.baseAddress! + (first + r) * hidden,
                            previousCell: previousCell, hidden: hidden,
                            stateGradient: stateGradient + r * hidden, cellGradient: cellGradient,
                            gateGradients: dZ + (first + r) * gateWidth, previousCellGradient: previousCellGradient,
                            tanhCell: scratch.start, projected: projected.map { $0 + (first + r) * hidden })
                    }
                case .gru:
                    for r in 0..<rows {
                        GateArithmetic.gruBackward(
                            gates: gates!.baseAddress! + (first + r) * gateWidth, recurrentN: auxiliary!.baseAddress! + (first + r) * hidden,
                            previousState: previousState(r), hidden: hidden, stateGradient: dH + (first + r) * state,
                            inputGradients: dZ + (first + r) * gateWidth, recurrentGradients: dZRecurrent + (first + r) * gateWidth,
                            previousStateGradient: previousStateGradient(r))
                    }
                }
                // ∂L/∂h_prev += dz · W_hh: into the previous step's rows for the carried sequences,
                // into ∂L/∂h0 for those that start here.
                if let previous {
                    BLAS.gemm(
                        m: carried, n: state, k: gateWidth, a: dZRecurrent + first * gateWidth, lda: gateWidth,
                        b: recurrent.baseAddress!, ldb: state, transposeB: false, beta: 1,
                        c: dH + firstRow[previous] * state, ldc: state)
                }
                BLAS.gemm(
                    m: rows - carried, n: state, k: gateWidth, a: dZRecurrent + (first + carried) * gateWidth, lda: gateWidth,
                    b: recurrent.baseAddress!, ldb: state, transposeB: false, beta: 1,
                    c: initialStateGradient.baseAddress! + carried * state, ldc: state)
            }

            if features > 0, let x = input.baseAddress {
                gradients.weightIH.withUnsafeMutableBufferPointer { gradient in
                    BLAS.gemm(
                        m: gateWidth, n: features, k: totalRows, a: dZ.start, lda: gateWidth, transposeA: true, b: x, ldb: features,
                        transposeB: false, beta: 1, c: gradient.baseAddress!, ldc: features)
                }
                weights.weightIH.scalars.withUnsafeBufferPointer { weight in
                    BLAS.gemm(
                        m: totalRows, n: features, k: gateWidth, a: dZ.start, lda: gateWidth, b: weight.baseAddress!, ldb: features,
                        transposeB: false, beta: 1, c: inputGradient.baseAddress!, ldc: features)
                }
            }
            gradients.weightHH.withUnsafeMutableBufferPointer { gradient in
                BLAS.gemm(
                    m: gateWidth, n: state, k: totalRows, a: dZRecurrent.start, lda: gateWidth, transposeA: true,
                    b: previousStates.start, ldb: state, transposeB: false, beta: 1, c: gradient.baseAddress!, ldc: state)
            }
            if let projected {
                gradients.weightHR.withUnsafeMutableBufferPointer { gradient in
                    BLAS.gemm(
                        m: state, n: hidden, k: totalRows, a: dH.start, lda: state, transposeA: true, b: projected.start, ldb: hidden,
                        transposeB: false, beta: 1, c: gradient.baseAddress!, ldc: hidden)
                }
            }
            for r in 0..<totalRows {
                for j in 0..<gateWidth {
                    gradients.biasIH[j] += dZ.start[r * gateWidth + j]
                    gradients.biasHH[j] += dZRecurrent.start[r * gateWidth + j]
                }
            }
        }
        }
    }
}

/// A zero-filled buffer of scalars, freed with its last reference: a backward pass's workspace, read
/// and written through pointers.
final class ZeroedBuffer<Scalar: RecurrentScalar> {
    let start: UnsafeMutablePointer<Scalar>
    let count: Int

    init(count: Int) {
        self.count = count
        start = .allocate(capacity: count)
        start.initialize(repeating: 0, count: count)
    }

    deinit { start.deallocate() }

    /// The address of element `index`.
    static func + (buffer: ZeroedBuffer, index: Int) -> UnsafeMutablePointer<Scalar> { buffer.start + index }
}
