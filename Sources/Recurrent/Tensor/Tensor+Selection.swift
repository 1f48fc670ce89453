extension Tensor {
    /// The tensor with only the given indices along `dimension`, in that order: `index_select`.
    ///
    /// - Throws: PyTorch's `IndexError` for a dimension the tensor does not have, and its
    ///   `RuntimeError` for the first index out of range.
    func selecting(_ indices: [Int], alongDimension dimension: Int) throws(TorchError) -> Tensor {
        guard dimension < rank else {
            throw TorchError(
                .indexError,
                "Dimension out of range (expected to be in range of [\(-max(rank, 1)), \(max(rank, 1) - 1)], but got \(dimension))")
        }
        let size = shape[dimension]
        if let outside = indices.first(where: { $0 < 0 || $0 >= size }) {
            throw .runtimeError("INDICES element is out of DATA bounds, id=\(outside) axis_dim=\(size)")
        }
        var newShape = shape
        newShape[dimension] = indices.count
        let count = try Self.elementCount(of: newShape)
        // An empty result: the loops below would still walk every outer index of an empty tensor.
        guard count > 0 else { return Tensor(unchecked: newShape, scalars: []) }
        let outer = shape[..<dimension].reduce(1, *)
        let inner = shape[(dimension + 1)...].reduce(1, *)
        var result = [Scalar]()
        result.reserveCapacity(count)
        for o in 0..<outer {
            for index in indices {
                let start = (o * size + index) * inner
                result.append(contentsOf: scalars[start..<(start + inner)])
            }
        }
        return Tensor(unchecked: newShape, scalars: result)
    }

    /// The rows `range` of the first dimension.
    func rows(_ range: Range<Int>) -> Tensor {
        let inner = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(unchecked: newShape, scalars: Array(scalars[(range.lowerBound * inner)..<(range.upperBound * inner)]))
    }

    /// `transpose(0, 1)`, with PyTorch's `IndexError` for a tensor of fewer than two dimensions.
    func transposedFirstTwo() throws(TorchError) -> Tensor {
        guard rank >= 2 else {
            throw TorchError(
                .indexError, "Dimension out of range (expected to be in range of [\(-max(rank, 1)), \(max(rank, 1) - 1)], but got 1)")
        }
        return transposingFirstTwoDimensions()
    }

    /// This tensor broadcast to `target`, as `copy_` broadcasts a source into a destination.
    ///
    /// - Throws: PyTorch's broadcasting messages when the shapes do not broadcast to `target`.
    func broadcast(to target: [Int]) throws(TorchError) -> Tensor {
        let dimensions = max(target.count, rank)
        var inferred = [Int](repeating: 1, count: dimensions)
        for i in stride(from: dimensions - 1, through: 0, by: -1) {
            let offset = dimensions - 1 - i
            let a = target.count - 1 - offset >= 0 ? target[target.count - 1 - offset] : 1
            let b = rank - 1 - offset >= 0 ? shape[rank - 1 - offset] : 1
            guard a == b || a == 1 || b == 1 else {
                throw .runtimeError("The size of tensor a (\(a)) must match the size of tensor b (\(b)) at non-singleton dimension \(i)")
            }
            inferred[i] = a == 1 ? b : a
        }
        guard inferred == target else {
            throw .runtimeError("output with shape \(formatList(target)) doesn't match the broadcast shape \(formatList(inferred))")
        }
        guard shape != target else { return self }
        // Map every target element to its source element, with stride 0 along broadcast dimensions.
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for d in stride(from: rank - 1, through: 0, by: -1) {
            strides[target.count - rank + d] = shape[d] == 1 ? 0 : step
            step *= shape[d]
        }
        return Tensor(unchecked: target, scalars: try StridedLayout(shape: target, strides: strides).gathering(from: scalars))
    }
}
