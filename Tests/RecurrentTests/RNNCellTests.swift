import Testing
@testable import Recurrent

@Suite("RNNCell follows torch.nn.RNNCell")
struct RNNCellTests {
    @Test("one step of the cell is one step of a one-layer RNN with the same weights")
    func matchesRNNStep() throws {
        for nonlinearity in Nonlinearity.allCases {
            let rnn = try RNN<Double>(inputSize: 3, hiddenSize: 4, nonlinearity: nonlinearity, seed: 4)
            let cell = try RNNCell<Double>(inputSize: 3, hiddenSize: 4, nonlinearity: nonlinearity, seed: 4)
            let x: Tensor<Double> = randomTensor([2, 3], seed: 1)
            let h: Tensor<Double> = randomTensor([2, 4], seed: 2)
            let (output, _) = try rnn(x.reshaped([1, 2, 3]), h0: h.reshaped([1, 2, 4]))
            #expect(try cell(x, hx: h).scalars == output.scalars)
        }
    }

    @Test("names, shapes and repr")
    func parameters() throws {
        let cell = try RNNCell<Float>(inputSize: 3, hiddenSize: 4, bias: false, nonlinearity: .relu, seed: 0)
        #expect(cell.parameterNames == ["weight_ih", "weight_hh"])
        #expect(cell.parameter(named: "weight_ih")?.shape == [4, 3])
        #expect(cell.description == "RNNCell(3, 4, bias=False, nonlinearity=relu)")
        #expect(try RNNCell<Float>(inputSize: 3, hiddenSize: 4, seed: 0).description == "RNNCell(3, 4)")
    }

    @Test("unbatched input gives an unbatched state")
    func unbatched() throws {
        let cell = try RNNCell<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        #expect(try cell(randomTensor([3], seed: 1)).shape == [4])
        #expect(try cell(randomTensor([2, 3], seed: 1)).shape == [2, 4])
    }

    @Test(
        "wrong shapes throw PyTorch's messages",
        arguments: [
            ([2, 2, 3], nil, "ValueError: RNNCell: Expected input to be 1D or 2D, got 3D instead"),
            ([2, 3], [1, 2, 4], "ValueError: RNNCell: Expected hidden to be 1D or 2D, got 3D instead"),
            ([2, 5], nil, "RuntimeError: input has inconsistent input_size: got 5 expected 3"),
            ([2, 3], [4], "RuntimeError: Expected 2D hidden0 (batch x hidden_size), but got 1D tensor"),
            ([3], [1, 4], "RuntimeError: Expected 2D hidden0 (batch x hidden_size), but got 3D tensor"),
            ([2, 3], [3, 4], "RuntimeError: Input batch size 2 doesn't match hidden0 batch size 3"),
            ([2, 3], [2, 5], "RuntimeError: hidden0 has inconsistent hidden_size: got 5, expected 4"),
        ] as [([Int], [Int]?, String)])
    func errors(input: [Int], hx: [Int]?, message: String) throws {
        let cell = try RNNCell<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        let x = try Tensor<Float>.zeros(input)
        let h = try hx.map { shape throws(TorchError) in try Tensor<Float>.zeros(shape) }
        #expect(thrownError { () throws(TorchError) in try cell(x, hx: h) }?.description == message)
    }

    @Test("negative sizes are PyTorch's tensor-creation error; zero sizes are accepted")
    func sizes() throws {
        let error = thrownError { () throws(TorchError) in try RNNCell<Float>(inputSize: 3, hiddenSize: -1, seed: 0) }
        #expect(error?.description == "RuntimeError: Trying to create tensor with negative dimension -1: [-1, 3]")
        let empty = try RNNCell<Float>(inputSize: 3, hiddenSize: 0, seed: 0)
        #expect(try empty(try .zeros([2, 3])).shape == [2, 0])
    }
}
