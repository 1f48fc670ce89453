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
        let outer = shape[..<dimension].reduce(1, *)
        let inner = shape[(dimension + 1)...].reduce(1, *)
        var result = [Scalar]()
        result.reserveCapacity(outer * indices.count * inner)
        for o in 0..<outer {
            for index in indices {
                let start = (o * size + index) * inner
                result.append(contentsOf: scalars[start..<(start + inner)])
            }
        }
        var newShape = shape
        newShape[dimension] = indices.count
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
        let result = StridedLayout(shape: target, strides: strides).elementOffsets.map { scalars[$0] }
        return Tensor(unchecked: target, scalars: result)
    }
}

/// Where the elements of a strided view lie in its storage: PyTorch's size, stride and storage offset.
package struct StridedLayout: Hashable, Sendable {
    /// The size of each dimension.
    package var shape: [Int]
    /// How far apart, in elements, neighbours along each dimension are (0 repeats an element).
    package var strides: [Int]
    /// The storage position of the first element.
    package var offset: Int

    /// A view of `shape` with the given strides, starting at `offset`.
    package init(shape: [Int], strides: [Int], offset: Int = 0) {
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// The strides of a contiguous row-major tensor of `shape`.
    package static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * max(shape[d + 1], 1) }
        return strides
    }

    /// Whether the view is the contiguous row-major layout (dimensions of size 1 aside).
    package var isContiguous: Bool {
        zip(shape, zip(strides, Self.contiguousStrides(for: shape))).allSatisfy { $0 == 1 || $1.0 == $1.1 }
    }

    /// The storage position of every element, in row-major order. The caller checks the positions
    /// lie inside the storage.
    package var elementOffsets: [Int] {
        let count = shape.reduce(1, *)
        var result: [Int] = []
        result.reserveCapacity(count)
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<count {
            var position = offset
            for d in index.indices { position += index[d] * strides[d] }
            result.append(position)
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return result
    }
}
