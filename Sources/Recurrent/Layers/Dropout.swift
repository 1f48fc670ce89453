/// PyTorch's training-mode dropout, with its random draws and its rounding.
enum Dropout {
    /// The multipliers of one application: each element survives with probability `1 - probability`
    /// and is scaled by `1 / (1 - p)`, else zeroed.
    ///
    /// Each element takes one 53-bit uniform draw (two 32-bit outputs) in row-major order and survives
    /// when the draw is below `1 - p`; the multiplier is `keep * scale`, with the scale rounded to the
    /// element type as PyTorch rounds it. `p == 1` zeroes everything without drawing.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func mask<Scalar: RecurrentScalar>(
        probability: Double, count: Int, generator: inout TorchGenerator
    ) -> [Scalar] {
        guard probability < 1 else { return [Scalar](repeating: 0, count: count) }
        let keepProbability = 1 - probability
        let scale = Scalar(1) / Scalar(keepProbability)
        return (0..<count).map { _ in generator.nextUnitDouble() < keepProbability ? scale : 0 }
    }

    /// Multiplies each element by its multiplier, so that a dropped infinity or NaN becomes NaN, as in
    /// PyTorch; the same product carries a gradient back through the mask.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func apply<Scalar: RecurrentScalar>(_ mask: [Scalar], to values: inout [Scalar]) {
        for i in values.indices { values[i] = values[i] * mask[i] }
    }
}
