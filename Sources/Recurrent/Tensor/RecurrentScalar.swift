import RealModule

/// The floating-point types a recurrent layer computes in: `Float` (`torch.float32`) and `Double`
/// (`torch.float64`).
///
/// Every layer is generic over this protocol, so Float and Double share one implementation. The
/// requirements are what differs between the two: the dtype's name and PyTorch's bit recipes for
/// uniform and normal initialisation.
public protocol RecurrentScalar: BinaryFloatingPoint, Real, Sendable, Codable {
    /// The PyTorch dtype this type stands for.
    static var dtype: DType { get }

    /// A uniform draw in [`lowerBound`, `upperBound`) made exactly as PyTorch's `uniform_` makes it
    /// for this dtype, so a seeded model gets PyTorch's weights bit for bit.
    static func torchUniform(from lowerBound: Self, to upperBound: Self, using generator: inout TorchGenerator) -> Self

    /// Turns the 16 unit uniform draws at `values[start..<start + 16]` into standard normals, as
    /// PyTorch's CPU `normal_` transforms each block of 16 of a tensor of this dtype: Box-Muller with
    /// the first eight as `u1` and the last eight as `u2`.
    static func torchNormalBlock(_ values: inout [Self], at start: Int)

    /// Wraps a tensor of this type in the dtype-erased ``AnyTensor``.
    static func erase(_ tensor: Tensor<Self>) -> AnyTensor

    /// The tensor inside `tensor` when its dtype is this type's, else `nil`.
    static func unwrap(_ tensor: AnyTensor) -> Tensor<Self>?
}
