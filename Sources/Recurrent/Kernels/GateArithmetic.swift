/// The element-wise part of a gated step, one row at a time, forward and backward: what differs
/// between an LSTM and a GRU once the matrix products are done.
///
/// Sigmoids are computed as `σ(x) = (1 + tanh(x / 2)) / 2`, so that every gate goes through
/// ``Activation``'s vectorised tanh: libm's `exp` per element would cost more than a small step's
/// products. The identity loses nothing that assert_close can see: where `σ(x)` is tiny, the absolute
/// error stays within an ulp of 1.
enum GateArithmetic {
    /// An LSTM step for hidden units `units` of one row: turns the pre-activations `i, f, g, o` in
    /// `gates` (`(4H)`) into activations in place, writes `c' = f * c + i * g` into `cell` and
    /// `o * tanh(c')` into `state`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func lstmStep<Scalar: RecurrentScalar>(
        gates: UnsafeMutablePointer<Scalar>, hidden: Int, units: Range<Int>,
        previousCell: UnsafePointer<Scalar>, cell: UnsafeMutablePointer<Scalar>, state: UnsafeMutablePointer<Scalar>
    ) {
        let (i, f, g, o) = (gates, gates + hidden, gates + 2 * hidden, gates + 3 * hidden)
        let half: Scalar = 0.5
        for j in units {
            i[j] *= half
            f[j] *= half
            o[j] *= half
        }
        tanh(gates, hidden: hidden, units: units, blocks: 0..<4)
        for j in units {
            let input = half + half * i[j]
            let forget = half + half * f[j]
            i[j] = input
            f[j] = forget
            o[j] = half + half * o[j]
            let c = forget * previousCell[j] + input * g[j]
            cell[j] = c
            state[j] = c
        }
        tanh(state, hidden: hidden, units: units, blocks: 0..<1)
        for j in units { state[j] *= o[j] }
    }

    /// A GRU step for hidden units `units` of one row: `gates` (`(3H)`) holds the projections of the
    /// input (`b_ih + b_hh` in `r, z`, `b_in` in `n`), `recurrent` the products `h · W_hhᵀ + b_hh`.
    /// Leaves the activations `r, z, n` in `gates`, writes `h · W_hnᵀ + b_hn` into `recurrentN` and the
    /// new state, `n + z * (h - n)` as PyTorch writes it, into `state`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func gruStep<Scalar: RecurrentScalar>(
        gates: UnsafeMutablePointer<Scalar>, recurrent: UnsafePointer<Scalar>, hidden: Int, units: Range<Int>,
        previousState: UnsafePointer<Scalar>, recurrentN: UnsafeMutablePointer<Scalar>, state: UnsafeMutablePointer<Scalar>
    ) {
        let (r, z, n) = (gates, gates + hidden, gates + 2 * hidden)
        let half: Scalar = 0.5
        for j in units {
            r[j] = half * (r[j] + recurrent[j])
            z[j] = half * (z[j] + recurrent[hidden + j])
        }
        tanh(gates, hidden: hidden, units: units, blocks: 0..<2)
        for j in units {
            let reset = half + half * r[j]
            r[j] = reset
            z[j] = half + half * z[j]
            let product = recurrent[2 * hidden + j]
            recurrentN[j] = product
            n[j] += reset * product
        }
        tanh(gates, hidden: hidden, units: units, blocks: 2..<3)
        for j in units { state[j] = n[j] + z[j] * (previousState[j] - n[j]) }
    }

    /// The backward pass of an LSTM step for one row: from `∂L/∂(o * tanh(c'))` in `stateGradient`
    /// and `∂L/∂c'` carried from later in `cellGradient` (the next step's and `c_n`'s), writes the
    /// gradients of the pre-activations `i, f, g, o` into `gateGradients`, and adds `∂L/∂c` into
    /// `previousCellGradient`. `tanhCell` is scratch of `H`; `projected`, when given, receives
    /// `o * tanh(c')` for the projection's gradient.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func lstmBackward<Scalar: RecurrentScalar>(
        gates: UnsafePointer<Scalar>, cell: UnsafePointer<Scalar>, previousCell: UnsafePointer<Scalar>, hidden: Int,
        stateGradient: UnsafePointer<Scalar>, cellGradient: UnsafePointer<Scalar>,
        gateGradients: UnsafeMutablePointer<Scalar>, previousCellGradient: UnsafeMutablePointer<Scalar>,
        tanhCell: UnsafeMutablePointer<Scalar>, projected: UnsafeMutablePointer<Scalar>?
    ) {
        tanhCell.update(from: cell, count: hidden)
        tanh(tanhCell, hidden: hidden, units: 0..<hidden, blocks: 0..<1)
        for j in 0..<hidden {
            let (i, f, g, o) = (gates[j], gates[hidden + j], gates[2 * hidden + j], gates[3 * hidden + j])
            let t = tanhCell[j]
            let dm = stateGradient[j]
            let dc = cellGradient[j] + dm * o * (1 - t * t)
            gateGradients[j] = dc * g * i * (1 - i)
            gateGradients[hidden + j] = dc * previousCell[j] * f * (1 - f)
            gateGradients[2 * hidden + j] = dc * i * (1 - g * g)
            gateGradients[3 * hidden + j] = dm * t * o * (1 - o)
            previousCellGradient[j] += dc * f
            projected?[j] = o * t
        }
    }

    /// The backward pass of a GRU step for one row: from `∂L/∂h'` in `stateGradient`, writes the
    /// gradients of the input side's pre-activations into `inputGradients` and of the recurrent side's
    /// (`h · W_hhᵀ + b_hh`, which differs in the `n` block, scaled by `r`) into `recurrentGradients`,
    /// and adds the direct part of `∂L/∂h`, `z * ∂L/∂h'`, into `previousStateGradient`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func gruBackward<Scalar: RecurrentScalar>(
        gates: UnsafePointer<Scalar>, recurrentN: UnsafePointer<Scalar>, previousState: UnsafePointer<Scalar>, hidden: Int,
        stateGradient: UnsafePointer<Scalar>,
        inputGradients: UnsafeMutablePointer<Scalar>, recurrentGradients: UnsafeMutablePointer<Scalar>,
        previousStateGradient: UnsafeMutablePointer<Scalar>
    ) {
        for j in 0..<hidden {
            let (r, z, n) = (gates[j], gates[hidden + j], gates[2 * hidden + j])
            let dh = stateGradient[j]
            let dn = dh * (1 - z) * (1 - n * n)
            let dr = dn * recurrentN[j] * r * (1 - r)
            let dz = dh * (previousState[j] - n) * z * (1 - z)
            inputGradients[j] = dr
            inputGradients[hidden + j] = dz
            inputGradients[2 * hidden + j] = dn
            recurrentGradients[j] = dr
            recurrentGradients[hidden + j] = dz
            recurrentGradients[2 * hidden + j] = dn * r
            previousStateGradient[j] += dh * z
        }
    }

    /// tanh in place over hidden units `units` of gate blocks `blocks` of a row: one call when they are
    /// contiguous.
    private static func tanh<Scalar: RecurrentScalar>(
        _ row: UnsafeMutablePointer<Scalar>, hidden: Int, units: Range<Int>, blocks: Range<Int>
    ) {
        if units.count == hidden {
            Activation.apply(.tanh, to: UnsafeMutableBufferPointer(start: row + blocks.lowerBound * hidden, count: blocks.count * hidden))
        } else {
            for block in blocks {
                Activation.apply(.tanh, to: UnsafeMutableBufferPointer(start: row + block * hidden + units.lowerBound, count: units.count))
            }
        }
    }
}
