/// Where the elements of a strided view lie in its storage: PyTorch's size, stride and storage offset.
///
/// A layout read from a file is checked before it is trusted: ``checkedCount(storageCount:elementSize:)``
/// refuses, with PyTorch's messages, a shape too large to lay out, negative strides or offsets, and a
/// view that reaches outside its storage; ``gathering(from:)`` reads only what that check admits.
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

    /// The number of elements a tensor of `shape` holds, after the checks PyTorch and NumPy make before
    /// they lay one out: no dimension is negative, and the dimensions multiplied together (a zero counted
    /// as one, as a contiguous stride counts it) times `elementSize` bytes fit in an `Int`.
    ///
    /// The second check is NumPy's (`array is too big`); it also keeps every contiguous stride and byte
    /// count of the shape from overflowing, which a shape such as `(0, 2^32, 2^32)` would otherwise do
    /// although it holds no element.
    ///
    /// - Throws: `TorchError` with PyTorch's message: `Trying to create tensor with negative dimension`,
    ///   `Stride calculation overflowed` for a shape with a zero, `Storage size calculation overflowed`
    ///   for one without.
    package static func elementCount(of shape: [Int], elementSize: Int = 1) throws(TorchError) -> Int {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw .runtimeError("Trying to create tensor with negative dimension \(negative): \(formatList(shape))")
        }
        var count = 1
        var span = max(elementSize, 1)
        for dimension in shape {
            let (product, overflow) = span.multipliedReportingOverflow(by: max(dimension, 1))
            guard !overflow else {
                throw .runtimeError(
                    shape.contains(0)
                        ? "Stride calculation overflowed" : "Storage size calculation overflowed with sizes=\(formatList(shape))")
            }
            span = product
            count *= dimension
        }
        return count
    }

    /// The strides of a contiguous row-major tensor of `shape`. For a shape that
    /// ``elementCount(of:elementSize:)`` admits none overflows; beyond that they saturate at `Int.max`.
    package static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for d in stride(from: shape.count - 2, through: 0, by: -1) {
            let (product, overflow) = strides[d + 1].multipliedReportingOverflow(by: max(shape[d + 1], 1))
            strides[d] = overflow ? .max : product
        }
        return strides
    }

    /// Whether the view is the contiguous row-major layout (dimensions of size 1 aside).
    package var isContiguous: Bool {
        zip(shape, zip(strides, Self.contiguousStrides(for: shape))).allSatisfy { $0 == 1 || $1.0 == $1.1 }
    }

    /// The number of elements of the view, after checking, as `Tensor.set_` does, that it lies inside
    /// a storage of `storageCount` elements of `elementSize` bytes.
    ///
    /// A view with no element may start at the end of its storage (`x[4:]` of four elements) but not
    /// past it: PyTorch skips the check for such a view, and this one keeps it, so that an offset no
    /// save writes is refused rather than carried along.
    ///
    /// - Throws: `TorchError` with `set_`'s messages for strides and sizes of different lengths, a
    ///   shape too large to lay out (``elementCount(of:elementSize:)``), a negative stride or offset,
    ///   and a view that reaches outside the storage.
    package func checkedCount(storageCount: Int, elementSize: Int) throws(TorchError) -> Int {
        guard shape.count == strides.count else {
            throw .runtimeError("unequal size length (\(shape.count)) and stride length (\(strides.count))")
        }
        let count = try Self.elementCount(of: shape, elementSize: elementSize)
        guard offset >= 0 else { throw .runtimeError("Tensor: invalid storage offset \(offset)") }
        guard strides.allSatisfy({ $0 >= 0 }) else {
            throw .runtimeError("Storage size calculation overflowed with sizes=\(formatList(shape)) and strides=\(formatList(strides))")
        }
        func outOfBounds(_ needed: String) -> TorchError {
            .runtimeError(
                "setStorage: sizes \(formatList(shape)), strides \(formatList(strides)), storage offset \(offset), and itemsize "
                    + "\(elementSize) requiring a storage size of \(needed) are out of bounds for storage of size "
                    + "\(storageCount * elementSize)")
        }
        guard count > 0 else {
            guard offset <= storageCount else { throw outOfBounds("\(offset * elementSize) (past its end, with no element)") }
            return 0
        }
        // One past the last element, as torch's computeStorageNbytes counts it.
        var end = offset + 1
        for (size, stride) in zip(shape, strides) {
            let (reach, overflow) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, overflowSum) = end.addingReportingOverflow(reach)
            guard !overflow, !overflowSum else {
                throw .runtimeError("Storage size calculation overflowed with sizes=\(formatList(shape)) and strides=\(formatList(strides))")
            }
            end = sum
        }
        guard end <= storageCount else {
            let (bytes, overflow) = end.multipliedReportingOverflow(by: elementSize)
            throw outOfBounds(overflow ? "more than \(Int.max)" : "\(bytes)")
        }
        return count
    }

    /// The view's elements in row-major order, read from `storage`.
    ///
    /// - Throws: `TorchError` as ``checkedCount(storageCount:elementSize:)`` throws it, for a view that
    ///   does not lie inside `storage`.
    package func gathering<Element>(from storage: [Element]) throws(TorchError) -> [Element] {
        let count = try checkedCount(storageCount: storage.count, elementSize: MemoryLayout<Element>.size)
        guard count > 0 else { return [] }
        if isContiguous {
            return offset == 0 && count == storage.count ? storage : Array(storage[offset..<(offset + count)])
        }
        // An odometer over the dimensions, the position kept as a running sum: no per-element products.
        // A dimension of size 1 never moves, whatever its stride says (which may be anything).
        let steps = zip(shape, strides).map { $0 == 1 ? 0 : $1 }
        let rank = shape.count
        let innerSize = shape[rank - 1]
        let innerStride = steps[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var position = offset
        var result = [Element]()
        result.reserveCapacity(count)
        storage.withUnsafeBufferPointer { source in
            for _ in 0..<(count / innerSize) {
                var at = position
                for _ in 0..<innerSize {
                    result.append(source[at])
                    at += innerStride
                }
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    position += steps[d]
                    if index[d] < shape[d] { break }
                    position -= steps[d] * shape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
        return result
    }
}
