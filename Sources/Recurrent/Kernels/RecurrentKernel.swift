/// The arithmetic of an Elman RNN on BLAS.
///
/// Per layer and direction, the input projection of every step is one matrix product over all rows,
/// written straight into the direction's columns of the output on top of the biases (`b_ih + b_hh` in
/// every row). Each step then adds `h · W_hhᵀ` into its own output rows with one matrix product (a
/// matrix-vector product for a single sequence) by the transposed copy of `W_hh` that ``CellWeights``
/// keeps, reading `h` from the previous step's output rows, and applies the activation in place. The
/// output doubles as the state, so the time loop neither allocates nor copies. PyTorch adds the same
/// terms, grouped `act((h · W_hhᵀ + b_hh) + (x · W_ihᵀ + b_ih))`; the grouping and BLAS's summation
/// order differ from PyTorch's only in the last bits, which assert_close's tolerances absorb.
///
/// When steps are large and ``BLASThreads/count`` allows, a ``WorkerTeam`` shares each direction's
/// columns out in whole 16-column blocks: every thread projects and steps its own columns and waits at
/// a barrier after each step, since the next step reads all of them.
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
    /// Writes each step's states into columns `outputOffset ..< outputOffset + H` of the matching rows
    /// of the `(Σ batchSizes, outputWidth)` output, and the final states into `finalState`
    /// (`(batchSizes[0], H)`; `nil` when the caller reads them from the output, as a single step can).
    /// `initialState` is `(batchSizes[0], H)`, or `nil` for zeros.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func runDirection<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>, nonlinearity: Nonlinearity,
        input: UnsafeBufferPointer<Scalar>, features: Int, batchSizes: [Int],
        initialState: UnsafeBufferPointer<Scalar>?, reverse: Bool,
        output: UnsafeMutableBufferPointer<Scalar>, outputWidth: Int, outputOffset: Int,
        finalState: UnsafeMutableBufferPointer<Scalar>?
    ) {
        let hidden = weights.hiddenSize
        let totalRows = batchSizes.reduce(0, +)
        guard totalRows > 0, hidden > 0, let outputBase = output.baseAddress else { return }
        let columns = outputBase + outputOffset
        func row(_ index: Int) -> UnsafeMutablePointer<Scalar> { columns + index * outputWidth }
        // The index of step t's first row; read by every worker of a team, so fixed before they start.
        let firstRow: [Int] = {
            var starts: [Int] = []
            starts.reserveCapacity(batchSizes.count)
            var next = 0
            for size in batchSizes {
                starts.append(next)
                next += size
            }
            return starts
        }()

        // Computes columns `range` of every row: the projection, then the steps, meeting the other
        // workers at `barrier` after each step, since the next one reads every column of this one.
        func run(_ range: Range<Int>, barrier: () -> Void) {
            project(weights, input: input, features: features, rows: totalRows, columns: range, into: columns, ldc: outputWidth)
            let initial = initialState?.baseAddress
            weights.weightHHTransposed.scalars.withUnsafeBufferPointer { recurrent in
                let w = recurrent.baseAddress! + range.lowerBound
                // Adds `h · W_hhᵀ` to `count` rows from `block` in columns `range`, `h` being `count` rows
                // from `state`: a multiple of 4 rows in one matrix product, the rest (all of a single
                // sequence) in matrix-vector products: OpenBLAS's products are slow on a ragged edge of
                // rows (docs/ARCHITECTURE.md, "Ragged rows", has the measurements).
                func recur(_ count: Int, state: UnsafePointer<Scalar>, ldState: Int, block: UnsafeMutablePointer<Scalar>) {
                    let target = block + range.lowerBound
                    let blocked = count & ~3
                    if blocked > 0 {
                        BLAS.gemm(
                            m: blocked, n: range.count, k: hidden, a: state, lda: ldState, b: w, ldb: hidden,
                            transposeB: false, beta: 1, c: target, ldc: outputWidth)
                    }
                    for r in blocked..<count {
                        BLAS.gemv(m: hidden, n: range.count, a: w, lda: hidden, x: state + r * ldState, y: target + r * outputWidth)
                    }
                }
                var previous: (rows: Int, block: UnsafeMutablePointer<Scalar>)? = nil
                for step in batchSizes.indices {
                    let t = reverse ? batchSizes.count - 1 - step : step
                    let rows = batchSizes[t]
                    let block = row(firstRow[t])
                    // Rows that ran at the previous step continue from there; the others (only in
                    // reverse, where sequences join as the batch grows) start from their initial state.
                    let carried = previous.map { min($0.rows, rows) } ?? 0
                    if let previous, carried > 0 {
                        recur(carried, state: previous.block, ldState: outputWidth, block: block)
                    }
                    if let initial, carried < rows {
                        recur(rows - carried, state: initial + carried * hidden, ldState: hidden, block: row(firstRow[t] + carried))
                    }
                    if outputWidth == range.count {
                        Activation.apply(nonlinearity, to: UnsafeMutableBufferPointer(start: block, count: rows * outputWidth))
                    } else {
                        for r in 0..<rows {
                            let values = block + r * outputWidth + range.lowerBound
                            Activation.apply(nonlinearity, to: UnsafeMutableBufferPointer(start: values, count: range.count))
                        }
                    }
                    previous = (rows, block)
                    barrier()
                }
            }
        }

        let workers = parallelWorkers(rows: batchSizes[0], steps: batchSizes.count, hidden: hidden)
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

        // A sequence's final state is its output at its last step: step 0 in reverse; in the forward
        // direction, the step after which the batch shrinks below it.
        guard let final = finalState?.baseAddress else { return }
        for t in reverse ? [0] : Array(batchSizes.indices) {
            let continuing = reverse || t == batchSizes.count - 1 ? 0 : batchSizes[t + 1]
            for b in continuing..<batchSizes[t] { (final + b * hidden).update(from: row(firstRow[t] + b), count: hidden) }
        }
    }

    /// The threads worth splitting a direction over: ``BLASThreads/count`` when each step's product
    /// (`rows · hidden²` multiply-adds) is large enough for every thread's share to dwarf a barrier
    /// (about a microsecond) and the whole direction (`steps` of them) to dwarf starting the threads
    /// (tens of microseconds), with at least 64 columns a thread; else one.
    static func parallelWorkers(rows: Int, steps: Int, hidden: Int) -> Int {
        let threads = BLASThreads.count
        // Saturating products: a size too large to count is large enough.
        func times(_ a: Int, _ b: Int) -> Int {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? .max : product
        }
        let stepProduct = times(times(rows, hidden), hidden)
        guard threads > 1, stepProduct >= 1 << 20, times(stepProduct, steps) >= 1 << 24 else { return 1 }
        return min(threads, hidden / 64)
    }

    /// Writes `b_ih + b_hh + x · W_ihᵀ` (or `x · W_ihᵀ` without biases) into columns `range` of `rows`
    /// rows from `target`, `ldc` apart.
    private static func project<Scalar: RecurrentScalar>(
        _ weights: CellWeights<Scalar>, input: UnsafeBufferPointer<Scalar>, features: Int, rows: Int, columns range: Range<Int>,
        into target: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        var beta: Scalar = 0
        if let biasIH = weights.biasIH, let biasHH = weights.biasHH {
            biasIH.scalars.withUnsafeBufferPointer { biasIH in
                biasHH.scalars.withUnsafeBufferPointer { biasHH in
                    for r in 0..<rows {
                        let row = target + r * ldc
                        for j in range { row[j] = biasIH[j] + biasHH[j] }
                    }
                }
            }
            beta = 1
        }
        weights.weightIH.scalars.withUnsafeBufferPointer { weight in
            if features > 0, let x = input.baseAddress, let w = weight.baseAddress {
                BLAS.gemm(
                    m: rows, n: range.count, k: features, a: x, lda: features, b: w + range.lowerBound * features, ldb: features,
                    transposeB: true, beta: beta, c: target + range.lowerBound, ldc: ldc)
            } else if beta == 0 {
                for r in 0..<rows { (target + r * ldc + range.lowerBound).update(repeating: 0, count: range.count) }
            }
        }
    }
}
