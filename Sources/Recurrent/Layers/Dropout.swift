/// PyTorch's training-mode dropout, with its random draws and its rounding.
enum Dropout {
    /// Zeroes each element with probability `probability` and scales the survivors by `1 / (1 - p)`.
    ///
    /// Each element takes one 53-bit uniform draw (two 32-bit outputs) in row-major order and survives
    /// when the draw is below `1 - p`; the element becomes `x * (keep * scale)`, with the scale
    /// rounded to the element type as PyTorch rounds it. So a dropped infinity or NaN becomes NaN, as
    /// in PyTorch. `p == 1` zeroes everything without drawing.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func apply<Scalar: RecurrentScalar>(
        probability: Double, to values: inout [Scalar], generator: inout TorchGenerator
    ) {
        guard probability < 1 else {
            for i in values.indices { values[i] = values[i] * 0 }
            return
        }
        let keepProbability = 1 - probability
        let scale = Scalar(1) / Scalar(keepProbability)
        for i in values.indices {
            let keep = generator.nextUnitDouble() < keepProbability
            values[i] = values[i] * (keep ? scale : 0)
        }
    }
}
