import Foundation
import Recurrent
import RecurrentFormats
import RecurrentTestSupport
import Testing
@testable import PythonBridge

@Suite("Files written here load in PyTorch and NumPy", TestEnvironment.needsTorch)
struct InteropTests {
    let python: Python

    init() throws {
        python = try Python.start()
    }

    func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-\(UUID().uuidString)-\(name)")
    }

    @Test("torch.load (weights only) reads a state dict written by TorchCheckpoint.write, value for value")
    func torchLoadsOurCheckpoint() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 3)
        let url = temporary("rnn.pt")
        defer { try? FileManager.default.removeItem(at: url) }
        try TorchCheckpoint.write(rnn.stateDict(), to: url)
        let loaded = try python.run(
            """
            import torch
            sd = torch.load(\(repr(url.path)), weights_only=True)
            rnn = torch.nn.RNN(3, 4, 2, bidirectional=True)
            rnn.load_state_dict(sd)
            result = [list(sd.keys()), sd['weight_hh_l1_reverse']]
            """)
        let keys = try python.withGIL { () throws(PythonError) -> String in try loaded.item(0).string() }
        #expect(keys == "[" + rnn.parameterNames.map { "'\($0)'" }.joined(separator: ", ") + "]")
        let weight = try python.withGIL { () throws(PythonError) -> PythonObject in try loaded.item(1) }
        #expect(try python.anyTensor(weight) == rnn.stateDict()["weight_hh_l1_reverse"])
    }

    @Test("numpy.load reads .npy and .npz files written here")
    func numpyLoadsOurArrays() throws {
        let tensor = AnyTensor.float64(try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        let npy = temporary("x.npy")
        let npz = temporary("x.npz")
        defer {
            try? FileManager.default.removeItem(at: npy)
            try? FileManager.default.removeItem(at: npz)
        }
        try NumPyArray.write(tensor, to: npy)
        try NumPyArray.writeArchive(["x": tensor, "lengths": .int64([3, 1])], to: npz)
        let result = try python.run(
            """
            import numpy as np, torch
            a = np.load(\(repr(npy.path)))
            z = np.load(\(repr(npz.path)))
            assert a.dtype == np.float64 and a.shape == (2, 3), (a.dtype, a.shape)
            assert z['lengths'].tolist() == [3, 1]
            result = torch.from_numpy(z['x'] + a)
            """)
        #expect(try python.anyTensor(result) == .float64(try Tensor(shape: [2, 3], scalars: [2, 4, 6, 8, 10, 12])))
    }

    private func repr(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "\\'") + "'" }
}
