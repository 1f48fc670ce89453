import RealModule

extension Double: RecurrentScalar {
    /// `torch.float64`.
    public static var dtype: DType { .float64 }

    /// Two 32-bit draws (the first is the high word), 53 bits of them, and a fused multiply-add, as in
    /// PyTorch's `uniform_real_distribution<double>`.
    public static func torchUniform(from lowerBound: Double, to upperBound: Double, using generator: inout TorchGenerator) -> Double {
        lowerBound.addingProduct(generator.nextUnitDouble(), upperBound - lowerBound)
    }

    /// Box-Muller with the C library's `log`, `cos` and `sin` and `θ = 2π · u2`, as PyTorch's
    /// `normal_fill` computes it for float64.
    public static func torchNormalBlock(_ values: inout [Double], at start: Int) {
        for j in start..<(start + 8) {
            let u1 = 1 - values[j]
            let u2 = values[j + 8]
            let radius = (-2 * Double.log(u1)).squareRoot()
            let theta = 2 * Double.pi * u2
            values[j] = radius * Double.cos(theta)
            values[j + 8] = radius * Double.sin(theta)
        }
    }

    /// Wraps the tensor as `AnyTensor.float64`.
    public static func erase(_ tensor: Tensor<Double>) -> AnyTensor { .float64(tensor) }

    /// The tensor inside `AnyTensor.float64`, else `nil`.
    public static func unwrap(_ tensor: AnyTensor) -> Tensor<Double>? {
        if case .float64(let value) = tensor { value } else { nil }
    }
}
