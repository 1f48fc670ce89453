/// The shape two tensors broadcast to, as `torch.broadcast_shapes` computes it.
///
/// - Throws: `TorchError` with PyTorch's message for the last dimension (counting from the right, as
///   PyTorch checks them) whose sizes differ and neither is 1.
func broadcastShape(_ a: [Int], _ b: [Int]) throws(TorchError) -> [Int] {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for dimension in stride(from: rank - 1, through: 0, by: -1) {
        let sizeA = dimension - (rank - a.count) >= 0 ? a[dimension - (rank - a.count)] : 1
        let sizeB = dimension - (rank - b.count) >= 0 ? b[dimension - (rank - b.count)] : 1
        guard sizeA == sizeB || sizeA == 1 || sizeB == 1 else {
            throw .runtimeError(
                "The size of tensor a (\(sizeA)) must match the size of tensor b (\(sizeB)) at non-singleton dimension \(dimension)")
        }
        result[dimension] = sizeA == 1 ? sizeB : sizeA
    }
    return result
}

extension Tensor where Scalar: RecurrentScalar {
    /// This tensor, whose shape `shape` broadcasts to, summed back down to `shape` over the
    /// dimensions broadcasting repeated (`Tensor.sum_to_size`, what autograd does to the gradient of
    /// a broadcast operand); sums are accumulated in `Double`.
    func summed(toShape shape: [Int]) -> Tensor {
        guard shape != self.shape else { return self }
        var strides = [Int](repeating: 0, count: rank)
        var step = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[rank - shape.count + d] = shape[d] == 1 ? 0 : step
            step *= shape[d]
        }
        var sums = [Double](repeating: 0, count: shape.reduce(1, *))
        // The target position of each element: the broadcast view's gathering of the positions.
        let targets: [Int]
        do {
            targets = try StridedLayout(shape: self.shape, strides: strides).gathering(from: Array(sums.indices))
        } catch {
            preconditionFailure("a broadcast view lies inside the shape it broadcasts from: \(error)")
        }
        for (element, target) in targets.enumerated() {
            sums[target] += Double(scalars[element])
        }
        return Tensor(unchecked: shape, scalars: sums.map { Scalar($0) })
    }
}
