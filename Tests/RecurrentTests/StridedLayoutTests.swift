import Testing
@testable import Recurrent

@Suite("Strided layouts: checked as PyTorch checks them, read without overflow")
struct StridedLayoutTests {
    @Test(
        "shapes no tensor can have are refused with PyTorch's messages",
        arguments: [
            ([0, 1 << 32, 1 << 32], "Stride calculation overflowed"),
            ([0, 1 << 40, 1 << 40, 0], "Stride calculation overflowed"),
            ([0, 1 << 62], "Stride calculation overflowed"),
            ([1 << 62, 4], "Storage size calculation overflowed with sizes=[4611686018427387904, 4]"),
            ([1 << 61], "Storage size calculation overflowed with sizes=[2305843009213693952]"),
            ([3, -1], "Trying to create tensor with negative dimension -1: [3, -1]"),
        ] as [([Int], String)])
    func impossibleShapes(_ shape: [Int], _ message: String) {
        #expect(throws: TorchError(.runtimeError, message)) { try StridedLayout.elementCount(of: shape, elementSize: 4) }
        #expect(throws: TorchError.self) { try Tensor<Float>(shape: shape, scalars: []) }
    }

    @Test("ordinary shapes, empty ones included, count their elements")
    func counts() throws {
        #expect(try StridedLayout.elementCount(of: [2, 3], elementSize: 8) == 6)
        #expect(try StridedLayout.elementCount(of: [0, 1_000_000_000_000, 3], elementSize: 4) == 0)
        #expect(try StridedLayout.elementCount(of: [], elementSize: 4) == 1)
        #expect(StridedLayout.contiguousStrides(for: [0, 1 << 40, 1 << 40]) == [.max, 1 << 40, 1])
    }

    static let outOfBounds: [(StridedLayout, String)] = [
        (StridedLayout(shape: [4], strides: [1], offset: 2), "requiring a storage size of 24 are out of bounds for storage of size 16"),
        (StridedLayout(shape: [0], strides: [1], offset: 5), "past its end"),
        (StridedLayout(shape: [4], strides: [1], offset: -1), "Tensor: invalid storage offset -1"),
        (StridedLayout(shape: [4], strides: [-1]), "strides=[-1]"),
        (StridedLayout(shape: [4], strides: [1, 1]), "unequal size length (1) and stride length (2)"),
        (StridedLayout(shape: [3], strides: [1 << 62]), "Storage size calculation overflowed with sizes=[3] and strides=[4611686018427387904]"),
    ]

    @Test("views outside their storage are refused before a byte is read", arguments: outOfBounds)
    func bounds(_ layout: StridedLayout, _ message: String) {
        #expect(throws: TorchError.self) { try layout.gathering(from: [Float](repeating: 0, count: 4)) }
        do {
            _ = try layout.checkedCount(storageCount: 4, elementSize: 4)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("views gather their elements in row-major order")
    func gathering() throws {
        let storage = (0..<12).map(Float.init)
        #expect(try StridedLayout(shape: [4, 3], strides: [1, 4]).gathering(from: storage) == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        #expect(try StridedLayout(shape: [2, 3], strides: [0, 2], offset: 1).gathering(from: storage) == [1, 3, 5, 1, 3, 5])
        // A dimension of size 1 never moves, whatever its stride.
        #expect(try StridedLayout(shape: [1, 2], strides: [Int.max, 1], offset: 10).gathering(from: storage) == [10, 11])
        #expect(try StridedLayout(shape: [0], strides: [1], offset: 12).gathering(from: storage) == [])
        #expect(try StridedLayout(shape: [], strides: [], offset: 3).gathering(from: storage) == [3])
    }
}
