/// The arithmetic of every recurrent cell on BLAS: Elman, LSTM and GRU, forward here and backward in
/// `RecurrentKernel+Backward.swift`, with one loop over steps that switches on ``CellKind`` only
/// inside a step (``GateArithmetic``).
///
/// Per layer and direction, the input projection of every step is one matrix product over all rows,
/// for all gates at once, written on top of the biases (`b_ih + b_hh`; `b_ih` alone in a GRU's `n`
/// block, whose `b_hn` the reset gate multiplies). Each step then multiplies the previous state by the
/// transposed copy of `W_hh` that ``CellWeights`` keeps: one product for all gates (a matrix-vector
/// product for a single sequence), added to the step's projections (an Elman cell's and an LSTM's) or
/// written beside them (a GRU's, on top of `b_hh`), and applies the gates element by element.
///
/// An Elman cell computes in the output itself: its one pre-activation is the state once activated, so
/// the time loop neither allocates nor copies. A gated cell computes its gates in a buffer of
/// `(rows, G·H)` that keeps their activations for the backward pass, and a second `(rows, H)` buffer,
/// the auxiliary, keeps an LSTM's cell states or a GRU's `h · W_hnᵀ + b_hn`. PyTorch adds the same
/// terms in another grouping; the grouping and BLAS's summation order differ from PyTorch's only in
/// the last bits, which assert_close's tolerances absorb.
///
/// When steps are large and ``BLASThreads/count`` allows, a ``WorkerTeam`` shares each direction's
/// hidden units out in whole 16-column blocks: every thread projects and steps its own units (of every
/// gate) and waits at a barrier after each step, since the next step reads all of them. An LSTM with a
/// projection runs on one thread, since its state mixes every unit.
///
/// Callers outside this module reach the kernels through unspecialised generic code, so each kernel
/// carries pre-specialisations that keep its loops on concrete Float and Double arithmetic.
enum RecurrentKernel {
    /// Runs one direction of one layer over time-major rows: step `t` holds the next `batchSizes[t]`
    /// rows of `input` (`(Σ batchSizes, features)`), and its rows are the first `batchSizes[t]`
    /// sequences of the batch.
    ///
    /// A padded `(L, N, features)` input is the case `batchSizes == [N, N, ...]`; a packed sequence
    /// passes its non-increasing batch sizes, so each step computes only the sequences still running. A
    /// sequence's final state is its state after its own last step; in `reverse`, a sequence starts
    /// from its own initial state at its own last step.
    ///
    /// Writes each step's states (`P` wide: ``CellWeights/stateSize``) into columns
    /// `outputOffset ..< outputOffset + P` of the matching rows of the `(Σ batchSizes, outputWidth)`
    /// output, and the final states into `finalState` (`(batchSizes[0], P)`; `nil` when the caller
    /// reads them from the output, as a single step can) and an LSTM's final cell states into
    /// `finalCell` (`(batchSizes[0], H)`). `initialState` and `initialCell` are in the same shapes, or
    /// `nil` for zeros.
    ///
    /// A gated cell needs `gates` (`(Σ batchSizes, G·H)`) and `auxiliary` (`(Σ batchSizes, H)`), which
    /// hold what the backward pass reads once the direction has run; an Elman cell takes neither.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func runDirection<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>,
        input: UnsafeBufferPointer<Scalar>, features: Int, batchSizes: [Int],
        initialState: UnsafeBufferPointer<Scalar>?, initialCell: UnsafeBufferPointer<Scalar>? = nil, reverse: Bool,
        output: UnsafeMutableBufferPointer<Scalar>, outputWidth: Int, outputOffset: Int,
        finalState: UnsafeMutableBufferPointer<Scalar>?, finalCell: UnsafeMutableBufferPointer<Scalar>? = nil,
        gates: UnsafeMutableBufferPointer<Scalar>? = nil, auxiliary: UnsafeMutableBufferPointer<Scalar>? = nil
    ) {
        let kind = weights.kind
        let hidden = weights.hiddenSize
        let state = weights.stateSize
        let gateWidth = kind.gateCount * hidden
        let totalRows = batchSizes.reduce(0, +)
        guard totalRows > 0, hidden > 0, let outputBase = output.baseAddress else { return }
        let columns = outputBase + outputOffset
        func row(_ index: Int) -> UnsafeMutablePointer<Scalar> { columns + index * outputWidth }
        // Where a row's pre-activations are: the output's row for an Elman cell, the gate buffer's else.
        let gateBase = kind.hasGateBuffer ? gates!.baseAddress! : columns
        let gateStride = kind.hasGateBuffer ? gateWidth : outputWidth
        let auxiliaryBase = auxiliary?.baseAddress
        let firstRow = firstRows(batchSizes)
        let widest = batchSizes[0]
        // A GRU's recurrent products of one step, kept apart from the projections; an LSTM's
        // `o * tanh(c)` of one step before its projection. Every worker writes its own columns.
        // Allocated here, not as arrays the workers would each access at once.
        let recurrentScratch = UnsafeMutablePointer<Scalar>.allocate(capacity: kind == .gru ? widest * gateWidth : 0)
        let projectionScratch = weights.weightHR == nil ? nil : UnsafeMutablePointer<Scalar>.allocate(capacity: widest * hidden)
        let zeros = UnsafeMutablePointer<Scalar>.allocate(capacity: max(hidden, state))
        zeros.initialize(repeating: 0, count: max(hidden, state))
        defer {
            recurrentScratch.deallocate()
            projectionScratch?.deallocate()
            zeros.deallocate()
        }

        // Computes hidden units `range` of every row: the projection, then the steps, meeting the other
        // workers at `barrier` after each step, since the next one reads every unit of this one.
        func run(_ range: Range<Int>, barrier: () -> Void) {
            let blocks = gateColumns(range, hidden: hidden, gates: kind.gateCount)
            project(weights, input: input, features: features, rows: totalRows, columns: blocks, into: gateBase, ldc: gateStride)
            weights.weightHHTransposed.scalars.withUnsafeBufferPointer { recurrent in
                let w = recurrent.baseAddress!
                // Adds `h · W_hhᵀ` for the columns `blocks` to `count` rows from `target`, `h` being
                // `count` rows from `source`: a multiple of 4 rows in one matrix product, the rest (all of
                // a single sequence) in matrix-vector products: OpenBLAS's products are slow on a ragged
                // edge of rows (docs/ARCHITECTURE.md, "Ragged rows", has the measurements).
                func recur(_ count: Int, from source: UnsafePointer<Scalar>, ldSource: Int, into target: UnsafeMutablePointer<Scalar>, ldTarget: Int) {
                    let blocked = count & ~3
                    for block in blocks {
                        if blocked > 0 {
                            BLAS.gemm(
                                m: blocked, n: block.count, k: state, a: source, lda: ldSource, b: w + block.lowerBound, ldb: gateWidth,
                                transposeB: false, beta: 1, c: target + block.lowerBound, ldc: ldTarget)
                        }
                        for r in blocked..<count {
                            BLAS.gemv(
                                m: state, n: block.count, a: w + block.lowerBound, lda: gateWidth, x: source + r * ldSource,
                                y: target + r * ldTarget + block.lowerBound)
                        }
                    }
                }
                let initial = initialState?.baseAddress
                var previous: (rows: Int, first: Int)? = nil
                for step in batchSizes.indices {
                    let t = reverse ? batchSizes.count - 1 - step : step
                    let rows = batchSizes[t]
                    let first = firstRow[t]
                    // Rows that ran at the previous step continue from there; the others (only in
                    // reverse, where sequences join as the batch grows) start from their initial state.
                    let carried = previous.map { min($0.rows, rows) } ?? 0
                    func previousState(_ r: Int) -> UnsafePointer<Scalar> {
                        if let previous, r < carried { return UnsafePointer(row(previous.first + r)) }
                        return initial.map { $0 + r * state } ?? UnsafePointer(zeros)
                    }
                    func previousCell(_ r: Int) -> UnsafePointer<Scalar> {
                        if let previous, r < carried { return UnsafePointer(auxiliaryBase! + (previous.first + r) * hidden) }
                        return initialCell?.baseAddress.map { $0 + r * hidden } ?? UnsafePointer(zeros)
                    }
                    // Where the recurrent products go: onto the projections, or (a GRU) apart from them.
                    let recurrentTarget: UnsafeMutablePointer<Scalar>
                    let recurrentStride: Int
                    if kind == .gru {
                        recurrentTarget = recurrentScratch
                        recurrentStride = gateWidth
                        fillRecurrentBias(weights, rows: rows, columns: blocks, into: recurrentTarget, ldc: gateWidth)
                    } else {
                        recurrentTarget = gateBase + first * gateStride
                        recurrentStride = gateStride
                    }
                    if let previous, carried > 0 {
                        recur(carried, from: row(previous.first), ldSource: outputWidth, into: recurrentTarget, ldTarget: recurrentStride)
                    }
                    if let initial, carried < rows {
                        recur(
                            rows - carried, from: initial + carried * state, ldSource: state,
                            into: recurrentTarget + carried * recurrentStride, ldTarget: recurrentStride)
                    }
                    switch kind {
                    case .elman(let nonlinearity):
                        let block = row(first)
                        if outputWidth == range.count {
                            Activation.apply(nonlinearity, to: UnsafeMutableBufferPointer(start: block, count: rows * outputWidth))
                        } else {
                            for r in 0..<rows {
                                Activation.apply(nonlinearity, to: UnsafeMutableBufferPointer(start: block + r * outputWidth + range.lowerBound, count: range.count))
                            }
                        }
                    case .lstm:
                        let projected = projectionScratch
                        for r in 0..<rows {
                            GateArithmetic.lstmStep(
                                gates: gateBase + (first + r) * gateStride, hidden: hidden, units: range,
                                previousCell: previousCell(r), cell: auxiliaryBase! + (first + r) * hidden,
                                state: projected.map { $0 + r * hidden } ?? row(first + r))
                        }
                        if let projection = weights.weightHR, let projected {
                            projection.scalars.withUnsafeBufferPointer { projection in
                                BLAS.gemm(
                                    m: rows, n: state, k: hidden, a: projected, lda: hidden, b: projection.baseAddress!, ldb: hidden,
                                    transposeB: true, beta: 0, c: row(first), ldc: outputWidth)
                            }
                        }
                    case .gru:
                        for r in 0..<rows {
                            GateArithmetic.gruStep(
                                gates: gateBase + (first + r) * gateStride, recurrent: recurrentScratch + r * gateWidth,
                                hidden: hidden, units: range, previousState: previousState(r),
                                recurrentN: auxiliaryBase! + (first + r) * hidden, state: row(first + r))
                        }
                    }
                    previous = (rows, first)
                    barrier()
                }
            }
        }

        let workers = weights.weightHR == nil ? parallelWorkers(rows: widest, steps: batchSizes.count, hidden: hidden, gates: kind.gateCount) : 1
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *), workers > 1 {
            // Shares of whole 16-column blocks, so that each thread's products stay on full vectors.
            let blocks = (hidden + 15) / 16
            BLASThreads.withSingleThreadedBLAS {
                WorkerTeam.run(count: workers) { worker, barrier in
                    let range = min(hidden, blocks * worker / workers * 16)..<min(hidden, blocks * (worker + 1) / workers * 16)
                    run(range, barrier: barrier)
                }
            }
        } else {
            run(0..<hidden, barrier: {})
        }

        // A sequence's final state is its state at its last step: step 0 in reverse; in the forward
        // direction, the step after which the batch shrinks below it.
        for t in reverse ? [0] : Array(batchSizes.indices) {
            let continuing = reverse || t == batchSizes.count - 1 ? 0 : batchSizes[t + 1]
            for b in continuing..<batchSizes[t] {
                if let final = finalState?.baseAddress { (final + b * state).update(from: row(firstRow[t] + b), count: state) }
                if kind == .lstm, let final = finalCell?.baseAddress {
                    (final + b * hidden).update(from: auxiliaryBase! + (firstRow[t] + b) * hidden, count: hidden)
                }
            }
        }
    }

    /// The index of each step's first row.
    static func firstRows(_ batchSizes: [Int]) -> [Int] {
        var starts: [Int] = []
        starts.reserveCapacity(batchSizes.count)
        var next = 0
        for size in batchSizes {
            starts.append(next)
            next += size
        }
        return starts
    }

    /// The columns of hidden units `units` in every gate block of `(·, gates · hidden)` rows: one range
    /// when the units are all of them, so that each product covers every gate at once.
    static func gateColumns(_ units: Range<Int>, hidden: Int, gates: Int) -> [Range<Int>] {
        if units == 0..<hidden { return [0..<(gates * hidden)] }
        return (0..<gates).map { gate in (gate * hidden + units.lowerBound)..<(gate * hidden + units.upperBound) }
    }

    /// The threads worth splitting a direction over: ``BLASThreads/count`` when each step's product
    /// (`rows · hidden² · gates` multiply-adds) is large enough for every thread's share to dwarf a
    /// barrier (about a microsecond) and the whole direction (`steps` of them) to dwarf starting the
    /// threads (tens of microseconds), with at least 64 units a thread; else one.
    static func parallelWorkers(rows: Int, steps: Int, hidden: Int, gates: Int = 1) -> Int {
        let threads = BLASThreads.count
        // Saturating products: a size too large to count is large enough.
        func times(_ a: Int, _ b: Int) -> Int {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? .max : product
        }
        let stepProduct = times(times(times(rows, hidden), hidden), gates)
        guard threads > 1, stepProduct >= 1 << 20, times(stepProduct, steps) >= 1 << 24 else { return 1 }
        return min(threads, hidden / 64)
    }

    /// Writes the biases that enter through the input projection into columns `blocks` of `rows` rows
    /// from `target`, `ldc` apart, and returns whether there were any: `b_ih + b_hh`, but `b_ih` alone
    /// in a GRU's `n` block.
    private static func fillProjectionBias<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>, rows: Int, columns blocks: [Range<Int>], into target: UnsafeMutablePointer<Scalar>, ldc: Int
    ) -> Bool {
        guard let biasIH = weights.biasIH, let biasHH = weights.biasHH else { return false }
        // The first column whose b_hh stays out of the projection.
        let recurrentOnly = weights.kind == .gru ? 2 * weights.hiddenSize : Int.max
        // One row of the sum, then copied into every row: the rows outnumber the columns' passes.
        var sum = biasIH.scalars
        biasHH.scalars.withUnsafeBufferPointer { biasHH in
            for j in sum.indices where j < recurrentOnly { sum[j] += biasHH[j] }
        }
        sum.withUnsafeBufferPointer { sum in
            for r in 0..<rows {
                let row = target + r * ldc
                for block in blocks { (row + block.lowerBound).update(from: sum.baseAddress! + block.lowerBound, count: block.count) }
            }
        }
        return true
    }

    /// Writes the start of a GRU's recurrent products into columns `blocks` of `rows` rows: `b_hn` in
    /// the `n` block, zeros elsewhere (`r` and `z` took their `b_hh` in the projection) or without
    /// biases.
    private static func fillRecurrentBias<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>, rows: Int, columns blocks: [Range<Int>], into target: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        let recurrentOnly = 2 * weights.hiddenSize
        let bias = weights.biasHH?.scalars ?? []
        bias.withUnsafeBufferPointer { bias in
            for r in 0..<rows {
                let row = target + r * ldc
                for block in blocks {
                    for j in block { row[j] = j >= recurrentOnly && !bias.isEmpty ? bias[j] : 0 }
                }
            }
        }
    }

    /// Writes the biases and `x · W_ihᵀ` into columns `blocks` of `rows` rows from `target`, `ldc`
    /// apart.
    private static func project<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>, input: UnsafeBufferPointer<Scalar>, features: Int, rows: Int, columns blocks: [Range<Int>],
        into target: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        let beta: Scalar = fillProjectionBias(weights, rows: rows, columns: blocks, into: target, ldc: ldc) ? 1 : 0
        weights.weightIH.scalars.withUnsafeBufferPointer { weight in
            for block in blocks {
                if features > 0, let x = input.baseAddress, let w = weight.baseAddress {
                    BLAS.gemm(
                        m: rows, n: block.count, k: features, a: x, lda: features, b: w + block.lowerBound * features, ldb: features,
                        transposeB: true, beta: beta, c: target + block.lowerBound, ldc: ldc)
                } else if beta == 0 {
                    for r in 0..<rows { (target + r * ldc + block.lowerBound).update(repeating: 0, count: block.count) }
                }
            }
        }
    }
}
