import Foundation
import PythonBridge
import Recurrent
import RecurrentTestSupport
import Testing
@testable import RecurrentFormats

/// `Tests/RecurrentFormatsTests/Resources/`: compressed archives written by numpy
/// (`make_compressed_npz.py` there).
let resourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")

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

    @Test("an .npz archive round-trips")
    func archives() throws {
        var arrays = StateDict()
        arrays["x"] = .float32(try Tensor(shape: [2], scalars: [1, 2]))
        arrays["lengths"] = .int64([3, 1])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-\(UUID()).npz")
        defer { try? FileManager.default.removeItem(at: url) }
        try NumPyArray.writeArchive(arrays, to: url)
        #expect(try NumPyArray.readArchive(contentsOf: url) == arrays)
    }

    @Test("numpy.savez_compressed's archive is read, every array with its values")
    func compressedArchive() throws {
        let arrays = try NumPyArray.readArchive(contentsOf: resourceDirectory.appendingPathComponent("savez_compressed.npz"))
        #expect(arrays.keys == ["x", "lengths", "fortran", "mask", "runs"])
        #expect(arrays["x"] == .float32(try Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) / 7 })))
        #expect(arrays["lengths"] == .int64([3, 1]))
        #expect(arrays["fortran"] == .float64(try Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])))
        #expect(arrays["mask"] == .raw(try RawTensor(dtype: .bool, shape: [3], bytes: [1, 0, 1])))
        #expect(arrays["runs"] == .float32(try Tensor(shape: [100_000], scalars: (0..<100_000).map { Float($0 / 1000) })))
        let file = try CheckpointFile.read(contentsOf: resourceDirectory.appendingPathComponent("savez_compressed.npz"))
        #expect(file.format == "npz")
        #expect(file.value.stateDict == arrays)
    }

    @Test(
        "a compressed entry that inflates past its header, or claims more than its bytes can hold, is refused before inflating it",
        arguments: [
            ("bomb.npz", "bomb.npz x.npy: the compressed data inflates past the 144 bytes its header declares (a decompression bomb, or a damaged file); refused"),
            ("lying_header.npz", "lying_header.npz x.npy: the header declares 4398046511104 bytes of data, more than 83 compressed bytes can hold"),
            ("huge_header.npz", "huge_header.npz x.npy: a .npy header of 4294967295 bytes is impossibly large (numpy reads at most 10000)"),
        ])
    func hostileCompressed(_ file: String, _ message: String) {
        #expect(throws: FormatError(message)) { try NumPyArray.readArchive(contentsOf: resourceDirectory.appendingPathComponent(file)) }
    }

    @Test("a damaged compressed entry is refused, never read wrong")
    func damagedCompressed() throws {
        let data = try Data(contentsOf: resourceDirectory.appendingPathComponent("savez_compressed.npz"))
        let archive = try ZipArchive(data, context: "npz")
        let entry = try #require(archive.entries.first { $0.method == 8 })
        for offset in stride(from: entry.range.lowerBound + 2, to: entry.range.upperBound, by: max(1, entry.range.count / 16)) {
            var damaged = data
            damaged[offset] ^= 0x55
            #expect(throws: FormatError.self, "byte \(offset) flipped") { try NumPyArray.readArchive(damaged) }
        }
    }

    @Test("random arrays numpy compresses read back as numpy's uncompressed archive of them", TestEnvironment.needsTorch)
    func numpyCompressedArrays() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-npz-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = """
            import numpy as np, sys
            rng = np.random.default_rng(7)
            arrays = {"a": rng.standard_normal((40, 3, 7)).astype(np.float32), "b": rng.standard_normal(5000),
                      "c": rng.integers(-9, 9, (6, 6)), "d": np.asfortranarray(rng.standard_normal((9, 4)))}
            np.savez_compressed(sys.argv[1] + "/compressed.npz", **arrays)
            np.savez(sys.argv[1] + "/plain.npz", **arrays)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PythonEnvironment.default.path + "/bin/python")
        process.arguments = ["-c", script, folder.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let compressed = try NumPyArray.readArchive(contentsOf: folder.appendingPathComponent("compressed.npz"))
        #expect(compressed.count == 4)
        #expect(compressed == (try NumPyArray.readArchive(contentsOf: folder.appendingPathComponent("plain.npz"))))
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
