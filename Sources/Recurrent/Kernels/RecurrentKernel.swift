/// The arithmetic of an Elman RNN, grouped exactly as PyTorch's CPU kernel groups it.
///
/// PyTorch computes the input projection of a whole sequence before the time loop and then, per step,
/// `act((h · W_hhᵀ + b_hh) + (x_t · W_ihᵀ + b_ih))`, each bias added to its finished product. Keeping
/// that grouping keeps our rounding close to PyTorch's.
enum RecurrentKernel {
    /// `output[r, o] = (Σ_f input[r, f] · weight[o, f]) + bias[o]` for `rows` rows.
    static func linear<Scalar: RecurrentScalar>(
        _ input: UnsafeBufferPointer<Scalar>, rows: Int, features: Int,
        weight: Tensor<Scalar>, bias: Tensor<Scalar>?,
        into output: UnsafeMutableBufferPointer<Scalar>
    ) {
        let outputs = weight.shape[0]
        weight.scalars.withUnsafeBufferPointer { w in
            for r in 0..<rows {
                let x = input.baseAddress! + r * features
                for o in 0..<outputs {
                    let row = w.baseAddress! + o * features
                    var sum: Scalar = 0
                    for f in 0..<features { sum = sum.addingProduct(x[f], row[f]) }
                    output[r * outputs + o] = sum
                }
            }
        }
        if let bias {
            for r in 0..<rows {
                for o in 0..<outputs { output[r * outputs + o] += bias.scalars[o] }
            }
        }
    }

    /// Applies the activation in place. ReLU keeps NaN and the sign of zero, as `torch.relu` does.
    static func activate<Scalar: RecurrentScalar>(_ values: UnsafeMutableBufferPointer<Scalar>, _ nonlinearity: Nonlinearity) {
        switch nonlinearity {
        case .tanh:
            for i in values.indices { values[i] = Scalar.tanh(values[i]) }
        case .relu:
            for i in values.indices where values[i] < 0 { values[i] = 0 }
        }
    }

    /// Runs one direction of one layer over a time-major `(steps, batch, features)` input.
    ///
    /// Writes each step's state into columns `outputOffset ..< outputOffset + H` of the
    /// `(steps, batch, outputWidth)` output, in natural time order even when `reverse` is set, and the
    /// last state into `finalState`.
    static func runDirection<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>, nonlinearity: Nonlinearity,
        input: UnsafeBufferPointer<Scalar>, steps: Int, batch: Int, features: Int,
        initialState: ArraySlice<Scalar>?, reverse: Bool,
        output: UnsafeMutableBufferPointer<Scalar>, outputWidth: Int, outputOffset: Int,
        finalState: UnsafeMutableBufferPointer<Scalar>
    ) {
        let hidden = weights.weightHH.shape[0]
        let stepSize = batch * hidden
        var projected = [Scalar](repeating: 0, count: steps * stepSize)
        projected.withUnsafeMutableBufferPointer { projected in
            linear(input, rows: steps * batch, features: features, weight: weights.weightIH, bias: weights.biasIH, into: projected)
        }
        var state = initialState.map(Array.init) ?? [Scalar](repeating: 0, count: stepSize)
        var next = [Scalar](repeating: 0, count: stepSize)
        for step in 0..<steps {
            let t = reverse ? steps - 1 - step : step
            state.withUnsafeBufferPointer { state in
                next.withUnsafeMutableBufferPointer { next in
                    linear(state, rows: batch, features: hidden, weight: weights.weightHH, bias: weights.biasHH, into: next)
                    for i in 0..<stepSize { next[i] += projected[t * stepSize + i] }
                    activate(next, nonlinearity)
                    for n in 0..<batch {
                        let target = (t * batch + n) * outputWidth + outputOffset
                        for h in 0..<hidden { output[target + h] = next[n * hidden + h] }
                    }
                }
            }
            swap(&state, &next)
        }
        for i in 0..<stepSize { finalState[i] = state[i] }
    }
}
