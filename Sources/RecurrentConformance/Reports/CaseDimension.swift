/// A dimension of the configuration space that conformance cases are drawn from. Reports tabulate
/// verdicts by these, so that a systematic failure (every bidirectional case, every float64 packed
/// case) shows as a row or a column.
///
/// The values come from what every case's metadata says (`module`, `dtype`, the constructor's
/// `config`, `input_kind`, the expectation), not from any one module, so a module added to
/// ``ModuleConformances`` is tabulated without a change here.
public enum CaseDimension: String, CaseIterable, Sendable {
    /// The fixture's `module` field: `RNN`, `RNNCell`, `utils`, `checkpoint`, ...
    case module
    /// The module's dtype.
    case dtype
    /// The config's `num_layers`.
    case layers
    /// `bidirectional` or `unidirectional`, from the config's `bidirectional`.
    case direction
    /// The config's `batch_first` (a checkpoint case's own `batch_first` field), `true` or `false`.
    case batchFirst = "batch_first"
    /// `packed` for a PackedSequence input, `tensor` for a plain one.
    case input
    /// What is checked: `output`, `gradient`, `error` or `state`.
    case result

    /// Where `fixture` lies along each dimension it has, by ``rawValue``.
    public static func values(of fixture: Fixture) -> [String: String] {
        var values: [String: String] = [Self.module.rawValue: fixture.module, Self.dtype.rawValue: fixture.dtype.rawValue]
        let config = try? fixture.json("config", as: Config.self)
        if let layers = config?.numLayers { values[Self.layers.rawValue] = String(layers) }
        if let bidirectional = config?.bidirectional {
            values[Self.direction.rawValue] = bidirectional ? "bidirectional" : "unidirectional"
        }
        if let batchFirst = config?.batchFirst ?? fixture.metadata["batch_first"].flatMap(Bool.init) {
            values[Self.batchFirst.rawValue] = String(batchFirst)
        }
        if let kind = fixture.metadata["input_kind"] {
            values[Self.input.rawValue] = kind
        } else if fixture.tensors["lengths"] != nil || fixture.tensors["packed.data"] != nil {
            values[Self.input.rawValue] = "packed"
        } else if config != nil {
            values[Self.input.rawValue] = "tensor"
        }
        values[Self.result.rawValue] =
            switch fixture.expectation {
            case .error: "error"
            case .state: "state"
            case .output: isGradientCase(fixture) ? "gradient" : "output"
            }
        return values
    }

    /// Whether a case checks gradients: its name says `grad`, or its metadata has a true `gradients`
    /// field.
    static func isGradientCase(_ fixture: Fixture) -> Bool {
        if fixture.name.lowercased().contains("grad") { return true }
        guard let flag = fixture.metadata["gradients"]?.lowercased() else { return false }
        return !["", "false", "0", "no", "[]"].contains(flag)
    }

    /// Orders a dimension's values for display: numbers by value, then the rest alphabetically.
    public static func ordered(_ values: some Sequence<String>) -> [String] {
        values.sorted { a, b in
            switch (Int(a), Int(b)) {
            case (let x?, let y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a < b
            }
        }
    }

    /// The parts of a module's `config` the dimensions read; anything else in it, or a part of
    /// another type (an invalid-call case may pass one), is left out.
    private struct Config: Decodable {
        var numLayers: Int?
        var bidirectional: Bool?
        var batchFirst: Bool?

        private enum CodingKeys: String, CodingKey {
            case numLayers = "num_layers", bidirectional, batchFirst = "batch_first"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            numLayers = try? container.decodeIfPresent(Int.self, forKey: .numLayers)
            bidirectional = try? container.decodeIfPresent(Bool.self, forKey: .bidirectional)
            batchFirst = try? container.decodeIfPresent(Bool.self, forKey: .batchFirst)
        }
    }
}
