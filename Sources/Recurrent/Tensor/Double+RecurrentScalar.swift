import RealModule

extension Double: RecurrentScalar {
    /// `torch.float64`.
    public static var dtype: DType { .float64 }

    /// Two 32-bit draws (the first is the high word), 53 bits of them, and a fused multiply-add, as in
    /// PyTorch's `uniform_real_distribution<double>`.
    public static func torchUniform(from lowerBound: Double, to upperBound: Double, using generator: inout TorchGenerator) -> Double {
        lowerBound.addingProduct(generator.nextUnitDouble(), upperBound - lowerBound)
    }

    /// Wraps the tensor as `AnyTensor.float64`.
    public static func erase(_ tensor: Tensor<Double>) -> AnyTensor { .float64(tensor) }

    /// The tensor inside `AnyTensor.float64`, else `nil`.
    public static func unwrap(_ tensor: AnyTensor) -> Tensor<Double>? {
        if case .float64(let value) = tensor { value } else { nil }
    }
}
