/// The arithmetic of an Elman RNN, grouped exactly as PyTorch's CPU kernel groups it.
///
/// PyTorch computes the input projection of a whole sequence before the time loop and then, per step,
/// `act((h · W_hhᵀ + b_hh) + (x_t · W_ihᵀ + b_ih))`, each bias added to its finished product. Keeping
/// that grouping keeps our rounding close to PyTorch's.
///
/// Callers outside this module reach the kernels through unspecialised generic code, so each kernel
/// carries pre-specialisations that keep its loops on concrete Float and Double arithmetic.
enum RecurrentKernel {
    /// `output[r, o] = (Σ_f input[r, f] · weight[o, f]) + bias[o]` for `rows` rows.
    ///
    /// Each dot product runs four independent chains of multiply-adds, so that it is not bound by the
    /// latency of one. They are not fused: without FMA in the baseline x86-64 target, a fused
    /// multiply-add is a call into libm. The order of a dot product's sum is not PyTorch's either way
    /// (its BLAS blocks differently); the bias is still added to the finished product.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func linear<Scalar: RecurrentScalar>(
        _ input: UnsafeBufferPointer<Scalar>, rows: Int, features: Int,
        weight: Tensor<Scalar>, bias: Tensor<Scalar>?,
        into output: UnsafeMutableBufferPointer<Scalar>
    ) {
        let outputs = weight.shape[0]
        let blocked = features - features % 4
        weight.scalars.withUnsafeBufferPointer { w in
            for r in 0..<rows {
                let x = r * features
                for o in 0..<outputs {
                    let row = o * features
                    var (s0, s1, s2, s3): (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
                    var f = 0
                    while f < blocked {
                        s0 += input[x + f] * w[row + f]
                        s1 += input[x + f + 1] * w[row + f + 1]
                        s2 += input[x + f + 2] * w[row + f + 2]
                        s3 += input[x + f + 3] * w[row + f + 3]
                        f += 4
                    }
                    while f < features {
                        s0 += input[x + f] * w[row + f]
                        f += 1
                    }
                    output[r * outputs + o] = (s0 + s1) + (s2 + s3)
                }
            }
        }
        if let bias {
            bias.scalars.withUnsafeBufferPointer { b in
                for r in 0..<rows {
                    for o in 0..<outputs { output[r * outputs + o] += b[o] }
                }
            }
        }
    }

    /// Applies the activation in place. ReLU keeps NaN and the sign of zero, as `torch.relu` does.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func activate<Scalar: RecurrentScalar>(_ values: UnsafeMutableBufferPointer<Scalar>, _ nonlinearity: Nonlinearity) {
        switch nonlinearity {
        case .tanh:
            for i in values.indices { values[i] = Scalar.tanh(values[i]) }
        case .relu:
            for i in values.indices where values[i] < 0 { values[i] = 0 }
        }
    }

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
        var firstRows = [Int]()
        firstRows.reserveCapacity(batchSizes.count)
        var totalRows = 0
        for size in batchSizes {
            firstRows.append(totalRows)
            totalRows += size
        }
        let stateSize = (batchSizes.first ?? 0) * hidden
        var projected = [Scalar](repeating: 0, count: totalRows * hidden)
        projected.withUnsafeMutableBufferPointer { projected in
            linear(input, rows: totalRows, features: features, weight: weights.weightIH, bias: weights.biasIH, into: projected)
        }
        var state = initialState.map(Array.init) ?? [Scalar](repeating: 0, count: stateSize)
        var next = [Scalar](repeating: 0, count: stateSize)
        for step in batchSizes.indices {
            let t = reverse ? batchSizes.count - 1 - step : step
            let rows = batchSizes[t]
            let count = rows * hidden
            let first = firstRows[t]
            state.withUnsafeMutableBufferPointer { state in
                next.withUnsafeMutableBufferPointer { next in
                    linear(
                        UnsafeBufferPointer(rebasing: state[0..<count]), rows: rows, features: hidden,
                        weight: weights.weightHH, bias: weights.biasHH, into: next)
                    for i in 0..<count { next[i] += projected[first * hidden + i] }
                    activate(UnsafeMutableBufferPointer(rebasing: next[0..<count]), nonlinearity)
                    for row in 0..<rows {
                        let target = (first + row) * outputWidth + outputOffset
                        for h in 0..<hidden {
                            state[row * hidden + h] = next[row * hidden + h]
                            output[target + h] = next[row * hidden + h]
                        }
                    }
                }
            }
        }
        for i in 0..<stateSize { finalState[i] = state[i] }
    }
}
