import Recurrent
import RecurrentFormats

extension Fixture {
    /// Whether the case records gradients (`gradients=true`): a `cotangent.RESULT` for each result
    /// and PyTorch's `grad.input`, `grad.STATE` and `grad.PARAMETER` for it.
    public var recordsGradients: Bool { metadata["gradients"] == "true" }
}

extension CaseRun {
    /// The cotangent the case gives backward for the result `name` (`cotangent.NAME`), zeros of
    /// `shape` when the case has none.
    ///
    /// - Throws: ``CaseError/harness(_:)`` when the recorded cotangent has another dtype or shape.
    public func cotangent(_ name: String, shape: [Int]) throws(CaseError) -> Tensor<Scalar> {
        guard let recorded = try optionalTensor("cotangent." + name) else {
            do {
                return try Tensor.zeros(shape)
            } catch {
                throw .harness("cannot make a zero cotangent of shape \(shape): \(error)")
            }
        }
        guard recorded.shape == shape else {
            throw .harness("cotangent.\(name) has shape \(recorded.shape), but the result has shape \(shape)")
        }
        return recorded
    }

    /// Compares our gradients with PyTorch's: `input` with `grad.input`, each of `states` with
    /// `grad.NAME`, and every `grad.PARAMETER` the case records with the parameter's gradient in
    /// `parameters` (a recorded gradient we did not compute fails the case, and so does one we
    /// computed that PyTorch did not record).
    public mutating func compareGradients(
        input: Tensor<Scalar>?, states: [String: Tensor<Scalar>] = [:], parameters: ParameterGradients<Scalar>
    ) {
        if let input { compare(input, "grad.input") }
        for (name, gradient) in states.sorted(by: { $0.key < $1.key }) { compare(gradient, "grad." + name) }
        let reserved = Set(["input"] + states.keys)
        let recorded = fixture.tensors.keys.filter { $0.hasPrefix("grad.") }.map { String($0.dropFirst(5)) }
            .filter { !reserved.contains($0) }
        for name in recorded {
            guard let gradient = parameters[name] else {
                check(false, "grad.\(name): PyTorch computed a gradient for '\(name)', this package none")
                continue
            }
            compare(gradient, "grad." + name)
        }
        for name in parameters.names where !recorded.contains(name) {
            check(false, "grad.\(name): this package computed a gradient PyTorch did not record")
        }
    }
}
