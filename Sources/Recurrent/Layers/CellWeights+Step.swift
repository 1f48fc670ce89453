/// One step of a cell over a batch, and its backward pass: what ``LSTMCell`` and ``GRUCell`` run,
/// through the same kernels as a layer's single step.
struct CellStep<Scalar: RecurrentScalar>: Sendable, Hashable {
    /// The next state, `(batch, P)`.
    var h: [Scalar]
    /// An LSTM's next cell state, `(batch, H)`; empty otherwise.
    var c: [Scalar]
    /// The gates' activations and the auxiliary (see ``RecurrentKernel``), for the backward pass.
    var gates: [Scalar]
    var auxiliary: [Scalar]
}

extension CellWeights {
    /// Runs one step over `batch` rows of `input` (`(batch, features)`), from `hx` and `cx` (`nil` for
    /// zeros).
    func step(_ input: [Scalar], batch: Int, features: Int, hx: [Scalar]?, cx: [Scalar]?) -> CellStep<Scalar> {
        let hidden = hiddenSize
        var result = CellStep<Scalar>(
            h: [Scalar](repeating: 0, count: batch * stateSize),
            c: [Scalar](repeating: 0, count: kind == .lstm ? batch * hidden : 0),
            gates: [Scalar](repeating: 0, count: kind.hasGateBuffer ? batch * kind.gateCount * hidden : 0),
            auxiliary: [Scalar](repeating: 0, count: kind.hasGateBuffer ? batch * hidden : 0))
        input.withUnsafeBufferPointer { source in
            result.h.withUnsafeMutableBufferPointer { output in
                result.c.withUnsafeMutableBufferPointer { cell in
                    result.gates.withUnsafeMutableBufferPointer { gates in
                        result.auxiliary.withUnsafeMutableBufferPointer { auxiliary in
                            withInitialState(hx, 0..<(hx?.count ?? 0)) { initialState in
                                withInitialState(cx, 0..<(cx?.count ?? 0)) { initialCell in
                                    // One step's output is the next state; the cell state is the final one.
                                    RecurrentKernel.runDirection(
                                        self, input: source, features: features, batchSizes: [batch],
                                        initialState: initialState, initialCell: initialCell, reverse: false,
                                        output: output, outputWidth: stateSize, outputOffset: 0, finalState: nil,
                                        finalCell: kind == .lstm ? cell : nil,
                                        gates: kind.hasGateBuffer ? gates : nil, auxiliary: kind.hasGateBuffer ? auxiliary : nil)
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Backpropagates through ``step(_:batch:features:hx:cx:)``: from `∂L/∂h'` and `∂L/∂c'` (`nil` for
    /// zeros), the gradients of the input, `hx`, `cx` (an LSTM's; empty otherwise) and the parameters.
    func backwardStep(
        _ input: [Scalar], batch: Int, features: Int, hx: [Scalar]?, cx: [Scalar]?, step: CellStep<Scalar>,
        hGradient: [Scalar]?, cGradient: [Scalar]?
    ) -> (input: [Scalar], hx: [Scalar], cx: [Scalar], parameters: CellGradients<Scalar>) {
        var inputGradient = [Scalar](repeating: 0, count: batch * features)
        var hxGradient = [Scalar](repeating: 0, count: batch * stateSize)
        var cxGradient = [Scalar](repeating: 0, count: kind == .lstm ? batch * hiddenSize : 0)
        var gradients = CellGradients(self, inputSize: features)
        input.withUnsafeBufferPointer { source in
        step.h.withUnsafeBufferPointer { output in
        inputGradient.withUnsafeMutableBufferPointer { inputGradient in
        hxGradient.withUnsafeMutableBufferPointer { hxGradient in
        cxGradient.withUnsafeMutableBufferPointer { cxGradient in
        withInitialState(step.gates, 0..<step.gates.count) { gates in
        withInitialState(step.auxiliary, 0..<step.auxiliary.count) { auxiliary in
        withInitialState(hx, 0..<(hx?.count ?? 0)) { initialState in
        withInitialState(cx, 0..<(cx?.count ?? 0)) { initialCell in
        withInitialState(hGradient, 0..<(hGradient?.count ?? 0)) { hGradient in
        withInitialState(cGradient, 0..<(cGradient?.count ?? 0)) { cGradient in
            RecurrentKernel.backwardDirection(
                self, input: source, features: features, batchSizes: [batch],
                initialState: initialState, initialCell: initialCell, reverse: false,
                output: output, outputWidth: stateSize, outputOffset: 0,
                gates: kind.hasGateBuffer ? gates : nil, auxiliary: kind.hasGateBuffer ? auxiliary : nil,
                outputGradient: hGradient, finalStateGradient: nil, finalCellGradient: cGradient,
                inputGradient: inputGradient, initialStateGradient: hxGradient,
                initialCellGradient: kind == .lstm ? cxGradient : nil, gradients: &gradients)
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        return (inputGradient, hxGradient, cxGradient, gradients)
    }
}
