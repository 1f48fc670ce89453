import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

@Suite("NumPy .npy and .npz")
struct NumPyArrayTests {
    @Test(
        "arrays of several dtypes and shapes round-trip",
        arguments: [
            AnyTensor.float32(try! Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])),
            .float64(try! Tensor(shape: [], scalars: [3.5])),
            .float64(try! Tensor(shape: [4], scalars: [1, -1, .infinity, 0])),
            .float32(try! Tensor(shape: [0, 3], scalars: [])),
            .int64([5, -2, 7]),
        ])
    func roundTrip(_ tensor: AnyTensor) throws {
        let data = NumPyArray.encode(tensor)
        #expect(data.count % 64 == tensor.count * tensor.dtype.byteCount % 64, "the header is padded to 64 bytes")
        #expect(try NumPyArray.read(data) == tensor)
    }

    @Test("a Fortran-order array is read in C order")
    func fortranOrder() throws {
        var header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"
        header += String(repeating: " ", count: (64 - (10 + header.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.appendLittleEndian(UInt16(header.count))
        data.append(Data(header.utf8))
        data.append(floats([1, 4, 2, 5, 3, 6]))  // column-major [[1, 2, 3], [4, 5, 6]]
        #expect(try NumPyArray.read(data) == .float32(try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])))
    }

    @Test("an .npz archive round-trips, and a compressed one is refused clearly")
    func archives() throws {
        var arrays = StateDict()
        arrays["x"] = .float32(try Tensor(shape: [2], scalars: [1, 2]))
        arrays["lengths"] = .int64([3, 1])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-\(UUID()).npz")
        defer { try? FileManager.default.removeItem(at: url) }
        try NumPyArray.writeArchive(arrays, to: url)
        #expect(try NumPyArray.readArchive(contentsOf: url) == arrays)
    }

    @Test("a shape whose header needs more than 64 KiB is written as version 2.0, as numpy.save writes it")
    func longHeader() throws {
        let data = NumPyArray.encode(.float32(try Tensor(shape: Array(repeating: 1, count: 30_000), scalars: [5])))
        #expect(Array(data[6..<8]) == [2, 0])
        let length = Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
        #expect((12 + length) % 64 == 0 && data.count == 12 + length + 4)
    }

    @Test("bad headers and wrong sizes are refused", arguments: [Data("not numpy".utf8), Data([0x93] + Array("NUMPY".utf8) + [9, 0, 0, 0])])
    func refused(_ data: Data) {
        #expect(throws: FormatError.self) { try NumPyArray.read(data) }
    }
}
