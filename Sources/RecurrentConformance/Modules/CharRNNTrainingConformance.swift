import Recurrent
import RecurrentFormats

/// A small character model trained end to end (`module=CharRNNTraining`): `Embedding` → `RNN` →
/// `Linear` → `CrossEntropyLoss`, with `clipGradNorm` and `Adam`, from the recorded initial parameters
/// (`state.embedding.*`, `state.rnn.*`, `state.fc.*`) on the recorded batches (`inputs`, `targets`:
/// `(steps, L, N)` character indices). Every step's loss and gradient norm before clipping are
/// compared with PyTorch's (`losses`, `gradient_norms`), as many steps as the case records.
public struct CharRNNTrainingConformance: ModuleConformance {
    /// `CharRNNTraining`.
    public static let module = "CharRNNTraining"

    /// The model's and the training's settings, as the generator wrote them.
    struct Arguments: Decodable {
        var vocabularySize: Int
        var embeddingDim: Int
        var hiddenSize: Int
        var numLayers: Int
        var nonlinearity: String
        var lr: Double
        var betas: [Double]
        var eps: Double
        var maxNorm: Double

        enum CodingKeys: String, CodingKey {
            case vocabularySize = "vocabulary_size", embeddingDim = "embedding_dim", hiddenSize = "hidden_size"
            case numLayers = "num_layers", nonlinearity, lr, betas, eps, maxNorm = "max_norm"
        }
    }

    let fixture: Fixture
    let arguments: Arguments

    /// Reads the case's `config`.
    public init(_ fixture: Fixture) throws(FormatError) {
        let arguments = try fixture.requiredJSON("config", as: Arguments.self)
        guard arguments.betas.count == 2 else {
            throw FormatError("fixture \(fixture.name): 'config' gives \(arguments.betas.count) betas, not two")
        }
        self.fixture = fixture
        self.arguments = arguments
    }

    /// `char RNN: Embedding(V, E) -> RNN(E, H, num_layers=2) -> Linear(H, V), Adam lr=0.01 float64`.
    public var summary: String {
        let a = arguments
        return "char RNN: Embedding(\(a.vocabularySize), \(a.embeddingDim)) -> RNN(\(a.embeddingDim), \(a.hiddenSize), "
            + "num_layers=\(a.numLayers)) -> Linear(\(a.hiddenSize), \(a.vocabularySize)), Adam lr=\(a.lr) \(fixture.dtype.rawValue)"
    }

    /// Trains from the recorded parameters for as many steps as the case records losses.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let a = arguments
        let state = fixture.tensors.scoped(to: "state.")
        var model = try run.stage(.construct) { () throws(TorchError) in
            try CharacterModel<Scalar>(
                stateDict: state, nonlinearity: try Nonlinearity(pytorchName: a.nonlinearity), vocabularySize: a.vocabularySize)
        }
        var optimizer = try run.stage(.construct) { () throws(TorchError) in
            try Adam<Scalar>(lr: a.lr, betas: (a.betas[0], a.betas[1]), eps: a.eps)
        }
        let inputs = try run.integers("inputs")
        let targets = try run.integers("targets")
        guard let shape = fixture.tensors["inputs"]?.shape, shape.count == 3, fixture.tensors["targets"]?.shape == shape else {
            throw .harness("inputs and targets must both be (steps, L, N)")
        }
        let steps = fixture.tensors["losses"]?.count ?? 0
        guard steps <= shape[0] else { throw .harness("the case records \(steps) losses for \(shape[0]) batches") }
        let window = shape[1] * shape[2]
        var losses: [Scalar] = []
        var norms: [Scalar] = []
        for step in 0..<steps {
            let batch = (step * window)..<((step + 1) * window)
            let (loss, norm) = try run.stage(.forward) { () throws(TorchError) in
                try model.trainingStep(
                    inputs: IndexTensor(shape: [shape[1], shape[2]], indices: Array(inputs[batch])),
                    targets: IndexTensor(Array(targets[batch])), maxNorm: a.maxNorm, optimizer: &optimizer)
            }
            losses.append(loss)
            norms.append(norm)
        }
        let (lossCurve, normCurve) = try run.stage(.forward) { () throws(TorchError) in
            (try Tensor(shape: [steps], scalars: losses), try Tensor(shape: [steps], scalars: norms))
        }
        run.compare(lossCurve, "losses")
        run.compare(normCurve, "gradient_norms")
    }
}

/// The model of ``CharRNNTrainingConformance``: `embedding.` → `rnn.` → `fc.`, under the prefixes a
/// PyTorch model names them by.
struct CharacterModel<Scalar: RecurrentScalar> {
    var embedding: Embedding<Scalar>
    var rnn: RNN<Scalar>
    var fc: Linear<Scalar>
    let vocabularySize: Int

    init(stateDict: StateDict, nonlinearity: Nonlinearity, vocabularySize: Int) throws(TorchError) {
        embedding = try Embedding(stateDict: stateDict, prefix: "embedding.")
        rnn = try RNN(stateDict: stateDict, prefix: "rnn.", nonlinearity: nonlinearity)
        fc = try Linear(stateDict: stateDict, prefix: "fc.")
        self.vocabularySize = vocabularySize
    }

    /// The parameters under their names in the model, in `model.parameters()` order.
    var parameterNames: [String] {
        embedding.parameterNames.map { "embedding." + $0 } + rnn.parameterNames.map { "rnn." + $0 }
            + fc.parameterNames.map { "fc." + $0 }
    }

    /// One step of `optimizer.zero_grad(); loss = criterion(model(x).reshape(-1, V), y.reshape(-1));
    /// loss.backward(); clip_grad_norm_(model.parameters(), maxNorm); optimizer.step()`: returns the
    /// loss and the gradients' total norm before clipping.
    mutating func trainingStep<Optimizer: Recurrent.Optimizer>(
        inputs: IndexTensor, targets: IndexTensor, maxNorm: Double, optimizer: inout Optimizer
    ) throws(TorchError) -> (loss: Scalar, norm: Scalar) where Optimizer.Scalar == Scalar {
        let (vectors, embeddingTrace) = try embedding.trainingForward(inputs)
        let (states, _, rnnTrace) = try rnn.tracedForward(vectors)
        let (logits, fcTrace) = try fc.trainingForward(states)
        let criterion = CrossEntropyLoss<Scalar>()
        let flat = try Tensor(shape: [logits.count / vocabularySize, vocabularySize], scalars: logits.scalars)
        let (loss, lossTrace) = try criterion.trainingForward(flat, targets)

        let flatGradient = try criterion.backward(lossTrace)
        let logitsGradient = try Tensor(shape: logits.shape, scalars: flatGradient.scalars)
        let (statesGradient, fcGradients) = try fc.backward(fcTrace, outputGradient: logitsGradient)
        let rnnGradients = try rnnTrace.backward(outputGradient: statesGradient)
        let embeddingGradients = try embedding.backward(embeddingTrace, outputGradient: rnnGradients.input)
        let gradients = try embeddingGradients.prefixed("embedding.") + rnnGradients.parameters.prefixed("rnn.")
            + fcGradients.prefixed("fc.")

        let names = parameterNames
        var clipped = gradients.ordered(by: names)
        let norm = try clipGradNorm(&clipped, maxNorm: maxNorm)
        var parameters: [Tensor<Scalar>] = []
        for name in names {
            guard let value = parameter(named: name) else { throw TorchError(.keyError, "no parameter '\(name)'") }
            parameters.append(value)
        }
        try optimizer.step(&parameters, gradients: clipped)
        for (name, value) in zip(names, parameters) { try setParameter(named: name, to: value) }
        return (loss.scalars[0], norm)
    }

    private func parameter(named name: String) -> Tensor<Scalar>? {
        if name.hasPrefix("embedding.") { return embedding.parameter(named: String(name.dropFirst("embedding.".count))) }
        if name.hasPrefix("rnn.") { return rnn.parameter(named: String(name.dropFirst("rnn.".count))) }
        return fc.parameter(named: String(name.dropFirst("fc.".count)))
    }

    private mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError) {
        if name.hasPrefix("embedding.") {
            try embedding.setParameter(named: String(name.dropFirst("embedding.".count)), to: value)
        } else if name.hasPrefix("rnn.") {
            try rnn.setParameter(named: String(name.dropFirst("rnn.".count)), to: value)
        } else {
            try fc.setParameter(named: String(name.dropFirst("fc.".count)), to: value)
        }
    }
}
