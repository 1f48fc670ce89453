import RealModule

extension Float: RecurrentScalar {
    /// `torch.float32`.
    public static var dtype: DType { .float32 }

    /// One 32-bit draw, 24 bits of it, and a fused multiply-add rounded once, as in PyTorch's
    /// `uniform_real_distribution<float>`.
    public static func torchUniform(from lowerBound: Float, to upperBound: Float, using generator: inout TorchGenerator) -> Float {
        let unit = Float(generator.next32() & ((1 << 24) - 1)) * 0x1p-24
        return lowerBound.addingProduct(unit, upperBound - lowerBound)
    }

    /// Wraps the tensor as `AnyTensor.float32`.
    public static func erase(_ tensor: Tensor<Float>) -> AnyTensor { .float32(tensor) }

    /// The tensor inside `AnyTensor.float32`, else `nil`.
    public static func unwrap(_ tensor: AnyTensor) -> Tensor<Float>? {
        if case .float32(let value) = tensor { value } else { nil }
    }
}
