/// The arithmetic of an Elman RNN on BLAS.
///
/// Per layer and direction, the input projection of every step is one matrix product over all rows,
/// written onto the biases (`b_ih + b_hh` in every row); each step then adds `h · W_hhᵀ` with one
/// matrix product (a matrix-vector product for a single sequence) straight into the step's output rows
/// and applies the activation there. PyTorch adds the same terms, grouped
/// `act((h · W_hhᵀ + b_hh) + (x · W_ihᵀ + b_ih))`; the grouping and BLAS's summation order differ from
/// PyTorch's only in the last bits, which assert_close's tolerances absorb.
///
/// Callers outside this module reach the kernels through unspecialised generic code, so each kernel
/// carries pre-specialisations that keep its loops on concrete Float and Double arithmetic.
enum RecurrentKernel {
    /// Runs one direction of one layer over time-major rows: step `t` holds the next `batchSizes[t]`
    /// rows of `input` (`(Σ batchSizes, features)`), and its rows are the first `batchSizes[t]`
    /// sequences of the batch.
    ///
    /// A padded `(L, N, features)` input is the case `batchSizes == [N, N, ...]`; a packed sequence
    /// passes its shrinking batch sizes, so each step computes only the sequences still running. A
    /// sequence that has ended keeps its last state, and in `reverse` a sequence starts from its own
    /// initial state at its own last step: the rows beyond `batchSizes[t]` are simply left alone.
    ///
    /// Writes each step's states into columns `outputOffset ..< outputOffset + H` of the matching rows
    /// of the `(Σ batchSizes, outputWidth)` output, and the final states into `finalState`
    /// (`(batchSizes[0], H)`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func runDirection<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>, nonlinearity: Nonlinearity,
        input: UnsafeBufferPointer<Scalar>, features: Int, batchSizes: [Int],
        initialState: ArraySlice<Scalar>?, reverse: Bool,
        output: UnsafeMutableBufferPointer<Scalar>, outputWidth: Int, outputOffset: Int,
        finalState: UnsafeMutableBufferPointer<Scalar>
    ) {
        let hidden = weights.weightHH.shape[0]
        let totalRows = batchSizes.reduce(0, +)
        let stateSize = (batchSizes.first ?? 0) * hidden
        guard totalRows > 0, hidden > 0, let outputBase = output.baseAddress else { return }

        // Every row of the projection starts as b_ih + b_hh, then takes x · W_ihᵀ on top.
        var projected = [Scalar](repeating: 0, count: totalRows * hidden)
        if let biasIH = weights.biasIH, let biasHH = weights.biasHH {
            let bias = zip(biasIH.scalars, biasHH.scalars).map { $0 + $1 }
            for row in 0..<totalRows { projected.replaceSubrange((row * hidden)..<((row + 1) * hidden), with: bias) }
        }
        projected.withUnsafeMutableBufferPointer { projected in
            weights.weightIH.scalars.withUnsafeBufferPointer { weight in
                if features > 0, let x = input.baseAddress, let w = weight.baseAddress {
                    BLAS.gemm(
                        m: totalRows, n: hidden, k: features, a: x, lda: features, b: w, ldb: features, transposeB: true,
                        beta: 1, c: projected.baseAddress!, ldc: hidden)
                }
            }
        }

        var state = initialState.map(Array.init) ?? [Scalar](repeating: 0, count: stateSize)
        var firstRow = [Int](repeating: 0, count: batchSizes.count)
        for t in batchSizes.indices.dropFirst() { firstRow[t] = firstRow[t - 1] + batchSizes[t - 1] }
        projected.withUnsafeBufferPointer { projected in
            weights.weightHH.scalars.withUnsafeBufferPointer { recurrent in
                state.withUnsafeMutableBufferPointer { state in
                    let w = recurrent.baseAddress!
                    let h = state.baseAddress!
                    for step in batchSizes.indices {
                        let t = reverse ? batchSizes.count - 1 - step : step
                        let rows = batchSizes[t]
                        let block = outputBase + firstRow[t] * outputWidth + outputOffset
                        for row in 0..<rows {
                            (block + row * outputWidth).update(from: projected.baseAddress! + (firstRow[t] + row) * hidden, count: hidden)
                        }
                        if rows == 1 {
                            BLAS.gemv(m: hidden, n: hidden, a: w, lda: hidden, x: h, y: block)
                        } else {
                            BLAS.gemm(
                                m: rows, n: hidden, k: hidden, a: h, lda: hidden, b: w, ldb: hidden, transposeB: true,
                                beta: 1, c: block, ldc: outputWidth)
                        }
                        for row in 0..<rows {
                            let values = UnsafeMutableBufferPointer(start: block + row * outputWidth, count: hidden)
                            Activation.apply(nonlinearity, to: values)
                            (h + row * hidden).update(from: values.baseAddress!, count: hidden)
                        }
                    }
                }
            }
        }
        for i in 0..<stateSize { finalState[i] = state[i] }
    }
}
