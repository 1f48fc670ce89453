import Testing
@testable import Recurrent

// Each module's traced forward and backward, in the one shape ``GradientCheck`` drives.

/// A layer with RNN's one state and RNN's traced passes: RNN and GRU.
protocol SingleStateLayer: GradientChecked {
    associatedtype Trace
    func tracedForward(
        _ input: Tensor<Double>, h0: Tensor<Double>?, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: Tensor<Double>, hN: Tensor<Double>, trace: Trace)
    func tracedForward(
        _ input: PackedSequence<Double>, h0: Tensor<Double>?, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: PackedSequence<Double>, hN: Tensor<Double>, trace: Trace)
    /// `trace.backward(outputGradient:hNGradient:)`.
    static func backward(_ trace: Trace, outputGradient: Tensor<Double>?, hNGradient: Tensor<Double>?) throws -> GradientCheck.Gradients
}

extension SingleStateLayer {
    static var stateNames: [String] { ["h0"] }

    func tracedRun(
        _ data: Tensor<Double>, packed: PackedSequence<Double>?, states: [Tensor<Double>]?, dropoutSeed: UInt64
    ) throws -> GradientCheck.Run {
        var generator = TorchGenerator(seed: dropoutSeed)
        let (output, hN, trace): (Tensor<Double>, Tensor<Double>, Trace)
        if let packed {
            let run = try tracedForward(packed, h0: states?[0], generator: &generator)
            (output, hN, trace) = (run.output.data, run.hN, run.trace)
        } else {
            (output, hN, trace) = try tracedForward(data, h0: states?[0], generator: &generator)
        }
        return GradientCheck.Run(results: [output, hN], stateShapes: [hN.shape]) { cotangents in
            try Self.backward(trace, outputGradient: cotangents[0], hNGradient: cotangents[1])
        }
    }
}

extension RNN: GradientChecked, SingleStateLayer where Scalar == Double {
    static func backward(_ trace: Trace, outputGradient: Tensor<Double>?, hNGradient: Tensor<Double>?) throws -> GradientCheck.Gradients {
        let gradients = try trace.backward(outputGradient: outputGradient, hNGradient: hNGradient)
        return .init(input: gradients.input, states: [gradients.h0], parameters: gradients.parameters)
    }
}

extension GRU: GradientChecked, SingleStateLayer where Scalar == Double {
    static func backward(_ trace: Trace, outputGradient: Tensor<Double>?, hNGradient: Tensor<Double>?) throws -> GradientCheck.Gradients {
        let gradients = try trace.backward(outputGradient: outputGradient, hNGradient: hNGradient)
        return .init(input: gradients.input, states: [gradients.h0], parameters: gradients.parameters)
    }
}

extension LSTM: GradientChecked where Scalar == Double {
    static var stateNames: [String] { ["h0", "c0"] }

    func tracedRun(
        _ data: Tensor<Double>, packed: PackedSequence<Double>?, states: [Tensor<Double>]?, dropoutSeed: UInt64
    ) throws -> GradientCheck.Run {
        var generator = TorchGenerator(seed: dropoutSeed)
        let hx = states.map { (h0: $0[0], c0: $0[1]) }
        let (output, hN, cN, trace): (Tensor<Double>, Tensor<Double>, Tensor<Double>, Trace)
        if let packed {
            let run = try tracedForward(packed, hx: hx, generator: &generator)
            (output, hN, cN, trace) = (run.output.data, run.hN, run.cN, run.trace)
        } else {
            (output, hN, cN, trace) = try tracedForward(data, hx: hx, generator: &generator)
        }
        return GradientCheck.Run(results: [output, hN, cN], stateShapes: [hN.shape, cN.shape]) { cotangents in
            let gradients = try trace.backward(outputGradient: cotangents[0], hNGradient: cotangents[1], cNGradient: cotangents[2])
            return .init(input: gradients.input, states: [gradients.h0, gradients.c0], parameters: gradients.parameters)
        }
    }
}

extension LSTMCell: GradientChecked where Scalar == Double {
    static var stateNames: [String] { ["hx", "cx"] }

    func tracedRun(
        _ data: Tensor<Double>, packed: PackedSequence<Double>?, states: [Tensor<Double>]?, dropoutSeed: UInt64
    ) throws -> GradientCheck.Run {
        let (h, c, trace) = try tracedStep(data, hx: states.map { (h: $0[0], c: $0[1]) })
        return GradientCheck.Run(results: [h, c], stateShapes: [h.shape, c.shape]) { cotangents in
            let gradients = try trace.backward(hGradient: cotangents[0], cGradient: cotangents[1])
            return .init(input: gradients.input, states: [gradients.hx, gradients.cx], parameters: gradients.parameters)
        }
    }
}

/// A cell with RNNCell's one state and RNNCell's traced step: RNNCell and GRUCell.
protocol SingleStateCell: GradientChecked {
    associatedtype Trace
    func tracedStep(_ input: Tensor<Double>, hx: Tensor<Double>?) throws(TorchError) -> (output: Tensor<Double>, trace: Trace)
    /// `trace.backward(outputGradient:)`.
    static func backward(_ trace: Trace, outputGradient: Tensor<Double>) throws -> GradientCheck.Gradients
}

extension SingleStateCell {
    static var stateNames: [String] { ["hx"] }

    func tracedRun(
        _ data: Tensor<Double>, packed: PackedSequence<Double>?, states: [Tensor<Double>]?, dropoutSeed: UInt64
    ) throws -> GradientCheck.Run {
        let (output, trace) = try tracedStep(data, hx: states?[0])
        return GradientCheck.Run(results: [output], stateShapes: [output.shape]) { cotangents in
            try Self.backward(trace, outputGradient: try #require(cotangents[0]))
        }
    }
}

extension RNNCell: GradientChecked, SingleStateCell where Scalar == Double {
    static func backward(_ trace: Trace, outputGradient: Tensor<Double>) throws -> GradientCheck.Gradients {
        let gradients = try trace.backward(outputGradient: outputGradient)
        return .init(input: gradients.input, states: [gradients.hx], parameters: gradients.parameters)
    }
}

extension GRUCell: GradientChecked, SingleStateCell where Scalar == Double {
    static func backward(_ trace: Trace, outputGradient: Tensor<Double>) throws -> GradientCheck.Gradients {
        let gradients = try trace.backward(outputGradient: outputGradient)
        return .init(input: gradients.input, states: [gradients.hx], parameters: gradients.parameters)
    }
}
