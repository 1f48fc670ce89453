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

    /// Box-Muller as PyTorch's AVX2 and AVX-512 kernels compute it for float32: Cephes' single-precision
    /// logarithm, sine and cosine, and `θ = float(2π) · u2` in single precision.
    ///
    /// This is the draw of PyTorch on x86-64 CPUs with AVX2 (its AVX-512 build uses the same kernel).
    /// Its other builds (`ATEN_CPU_CAPABILITY=default`, ARM) use the C library's functions instead
    /// and differ from these values in the last bit now and then.
    public static func torchNormalBlock(_ values: inout [Float], at start: Int) {
        let twoPi = Float(2 * Double.pi)
        for j in start..<(start + 8) {
            let u1 = 1 - values[j]
            let u2 = values[j + 8]
            let radius = (-2 * CephesFloat.log(u1)).squareRoot()
            let (sine, cosine) = CephesFloat.sinCos(twoPi * u2)
            values[j] = radius * cosine
            values[j + 8] = radius * sine
        }
    }

    /// Wraps the tensor as `AnyTensor.float32`.
    public static func erase(_ tensor: Tensor<Float>) -> AnyTensor { .float32(tensor) }

    /// The tensor inside `AnyTensor.float32`, else `nil`.
    public static func unwrap(_ tensor: AnyTensor) -> Tensor<Float>? {
        if case .float32(let value) = tensor { value } else { nil }
    }
}
