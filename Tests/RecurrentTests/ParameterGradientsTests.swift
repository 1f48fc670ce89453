import Testing
@testable import Recurrent

@Suite("ParameterGradients: gradients by PyTorch name")
struct ParameterGradientsTests {
    let weight = try! Tensor<Float>(shape: [2], scalars: [1, 2])
    let bias = try! Tensor<Float>(shape: [1], scalars: [3])

    @Test("order, prefixes and the order an optimizer takes")
    func namesAndOrder() {
        let gradients = ParameterGradients([("weight", weight), ("bias", bias)])
        #expect(gradients.names == ["weight", "bias"])
        #expect(gradients.map(\.name) == ["weight", "bias"])
        #expect(gradients.prefixed("head.").names == ["head.weight", "head.bias"])
        #expect(gradients.ordered(by: ["bias", "missing", "weight"]) == [bias, nil, weight])
        var removed = gradients
        removed["weight"] = nil
        #expect(removed.names == ["bias"] && removed.count == 1)
    }

    @Test("+ adds gradients of the same name and keeps the others, in order")
    func accumulation() throws {
        let first = ParameterGradients([("weight", weight)])
        let second = ParameterGradients([("bias", bias), ("weight", weight)])
        let sum = try first + second
        #expect(sum.names == ["weight", "bias"])
        #expect(sum["weight"]?.scalars == [2, 4])
        #expect(sum["bias"] == bias)
        let wrong = ParameterGradients([("weight", bias)])
        #expect(throws: TorchError.self) { try first + wrong }
        var unchanged = second
        #expect(throws: TorchError.self) { try unchanged.accumulate(wrong) }
        #expect(unchanged == second)
    }
}
