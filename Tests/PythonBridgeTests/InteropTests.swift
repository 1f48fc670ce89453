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

    @Test("the safetensors library reads a file written by Safetensors.write: every dtype, an empty and a 0-D tensor, the metadata")
    func safetensorsLoadsOurFile() throws {
        let tensors: StateDict = [
            "a.weight": .float32(try Tensor(shape: [2, 3], scalars: [1, -2, 3.5, .infinity, -0.0, 1e-30])),
            "b": .float64(try Tensor(shape: [3, 0, 2], scalars: [])),
            "c": .float64(try Tensor(shape: [], scalars: [.pi])),
            "lengths": .int64([Int.max, -1, 0]),
        ]
        let url = temporary("x.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write(Safetensors.File(tensors: tensors, metadata: ["nonlinearity": "relu"]), to: url)
        let result = try python.run(
            """
            from safetensors import safe_open
            with safe_open(\(repr(url.path)), "pt") as f:
                assert f.metadata() == {"nonlinearity": "relu"}, f.metadata()
                names = sorted(f.keys())
                loaded = {k: f.get_tensor(k) for k in names}
            assert loaded["lengths"].tolist() == [2**63 - 1, -1, 0], loaded["lengths"]
            assert loaded["b"].shape == (3, 0, 2) and loaded["c"].shape == ()
            result = [",".join(names), loaded["a.weight"], loaded["c"]]
            """)
        let names = try python.withGIL { () throws(PythonError) -> String in try result.item(0).string() }
        #expect(names == "a.weight,b,c,lengths")
        #expect(try python.anyTensor(try python.withGIL { () throws(PythonError) -> PythonObject in try result.item(1) }) == tensors["a.weight"])
        #expect(try python.anyTensor(try python.withGIL { () throws(PythonError) -> PythonObject in try result.item(2) }) == tensors["c"])
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

    @Test("torch.optim.Adam loads an optimizer state written by TorchCheckpoint.write and steps on as Adam does here")
    func torchLoadsOurOptimizerState() throws {
        var optimizer = try Adam<Double>(lr: 0.01, betas: (0.8, 0.95), weightDecay: 0.1, amsgrad: true)
        var parameters = [try Tensor<Double>(shape: [2, 2], scalars: [0.5, -1.25, 2, 0.125]), try Tensor<Double>(shape: [3], scalars: [1, 2, 3])]
        let first = [try Tensor<Double>(shape: [2, 2], scalars: [0.3, -0.2, 0.1, 0.7]), try Tensor<Double>(shape: [3], scalars: [-1, 0, 1])]
        let second = [try Tensor<Double>(shape: [2, 2], scalars: [-0.4, 0.9, 0.05, -0.6]), try Tensor<Double>(shape: [3], scalars: [2, -3, 0.5])]
        try optimizer.step(&parameters, gradients: first)
        try optimizer.step(&parameters, gradients: [first[0], nil])
        let url = temporary("adam.pt")
        defer { try? FileManager.default.removeItem(at: url) }
        try TorchCheckpoint.write(CheckpointValue(optimizer.stateDict()), to: url)
        func literal(_ tensor: Tensor<Double>) -> String {
            "torch.tensor([\(tensor.scalars.map { "\($0)" }.joined(separator: ", "))], dtype=torch.float64).reshape(\(formatTuple(tensor.shape)))"
        }
        let result = try python.run(
            """
            import torch
            params = [torch.nn.Parameter(\(literal(parameters[0]))), torch.nn.Parameter(\(literal(parameters[1])))]
            optimizer = torch.optim.Adam(params)
            optimizer.load_state_dict(torch.load(\(repr(url.path)), weights_only=True))
            params[0].grad, params[1].grad = \(literal(second[0])), \(literal(second[1]))
            optimizer.step()
            result = [params[0].detach(), params[1].detach(), optimizer.state[params[1]]['step']]
            """)
        try optimizer.step(&parameters, gradients: second)
        for index in 0..<2 {
            let theirs = try python.withGIL { () throws(PythonError) -> PythonObject in try result.item(index) }
            let values = try #require(try python.anyTensor(theirs).tensor(of: Double.self))
            #expect(Differences.greatestAbsolute(values.scalars, parameters[index].scalars).map { $0 < 1e-15 } == true)
        }
        let step = try python.withGIL { () throws(PythonError) -> PythonObject in try result.item(2) }
        #expect(try python.anyTensor(step) == .float32(Tensor(scalar: 2)))
    }

    private func repr(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "\\'") + "'" }
}
