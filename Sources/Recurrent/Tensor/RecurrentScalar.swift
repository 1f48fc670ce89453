import RealModule

/// The floating-point types a recurrent layer computes in: `Float` (`torch.float32`) and `Double`
/// (`torch.float64`).
///
/// Every layer is generic over this protocol, so Float and Double share one implementation. The
/// requirements are what differs between the two: the dtype's name and PyTorch's bit recipe for
/// uniform initialisation.
public protocol RecurrentScalar: BinaryFloatingPoint, Real, Sendable, Codable {
    /// The PyTorch dtype this type stands for.
    static var dtype: DType { get }

    /// A uniform draw in [`lowerBound`, `upperBound`) made exactly as PyTorch's `uniform_` makes it
    /// for this dtype, so a seeded model gets PyTorch's weights bit for bit.
    static func torchUniform(from lowerBound: Self, to upperBound: Self, using generator: inout TorchGenerator) -> Self

    /// Wraps a tensor of this type in the dtype-erased ``AnyTensor``.
    static func erase(_ tensor: Tensor<Self>) -> AnyTensor

    /// The tensor inside `tensor` when its dtype is this type's, else `nil`.
    static func unwrap(_ tensor: AnyTensor) -> Tensor<Self>?
}
