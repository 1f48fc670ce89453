import ArgumentParser
import Recurrent
import RecurrentFormats

/// `--module`: the module `conform forward` runs.
enum ModuleChoice: String, ExpressibleByArgument, CaseIterable {
    case rnn, lstm, gru

    /// The module's kind.
    var kind: RecognizedModule.Kind {
        switch self {
        case .rnn: .rnn
        case .lstm: .lstm
        case .gru: .gru
        }
    }
}

/// The module, nonlinearity and `batch_first` a run uses, each with where it came from: the command
/// line, the file's metadata, the parameters' shapes (the module), or the default.
struct ResolvedSettings {
    struct Setting<Value> {
        var value: Value
        var source: String
    }

    var module: Setting<RecognizedModule.Kind>
    var nonlinearity: Setting<Nonlinearity>
    var batchFirst: Setting<Bool>

    /// The settings `given` on the command line, else those `file`'s metadata records, else (the
    /// module) what the shapes of the parameters under `prefix` say, else the defaults.
    ///
    /// - Throws: when the metadata holds a value that is not a setting's, or when `module` or the
    ///   metadata names another module than the shapes show.
    init(given: RNNSettings, module givenModule: RecognizedModule.Kind?, file: CheckpointFile, stateDict: StateDict, prefix: String) throws {
        let recorded = try RNNSettings(metadata: file.metadata)
        module = try Self.resolveModule(givenModule, recorded.module, stateDict: stateDict, prefix: prefix)
        nonlinearity = Self.resolve(
            given.nonlinearity, recorded.nonlinearity, default: .tanh, option: "--nonlinearity",
            hint: "a state dict does not record it; --nonlinearity relu for a model trained with relu")
        batchFirst = Self.resolve(
            given.batchFirst, recorded.batchFirst, default: false, option: "--batch-first",
            hint: "a state dict does not record it; --batch-first for (N, L, H_in) arrays")
    }

    private static func resolve<Value: Equatable>(
        _ given: Value?, _ recorded: Value?, default defaultValue: Value, option: String, hint: String
    ) -> Setting<Value> {
        if let given {
            let overridden = recorded.map { $0 == given ? "" : "; the file's metadata says \($0)" } ?? ""
            return Setting(value: given, source: option + overridden)
        }
        if let recorded { return Setting(value: recorded, source: "the file's metadata") }
        return Setting(value: defaultValue, source: "the default: \(hint)")
    }

    /// The module: the shapes tell nn.RNN, nn.GRU and nn.LSTM apart by weight_hh_l0's gate blocks, so
    /// an option or metadata that says otherwise is refused rather than left to fail in the loading.
    private static func resolveModule(
        _ given: RecognizedModule.Kind?, _ recorded: RecognizedModule.Kind?, stateDict: StateDict, prefix: String
    ) throws -> Setting<RecognizedModule.Kind> {
        let modules = stateDict.recognizedModules.filter { !$0.kind.isCell }
        guard let found = modules.first(where: { $0.prefix == prefix }) else {
            // Nothing recognisable under the prefix: the constructor's error says what is there; for
            // its advice, the kind of the module it will point to.
            if let chosen = given ?? recorded {
                return Setting(value: chosen, source: given != nil ? "--module" : "the file's metadata")
            }
            let elsewhere = modules.first { $0.prefix == prefix + "." } ?? modules.first { !prefix.isEmpty && $0.prefix.hasSuffix(prefix) }
                ?? modules.first
            return Setting(
                value: elsewhere?.kind ?? .rnn,
                source: "the default: the parameters' shapes do not say; --module lstm or --module gru for another")
        }
        let blocks = "weight_hh_l0 has \(found.kind.gateCount) gate block\(found.kind.gateCount == 1 ? "" : "s") of \(found.hiddenSize) rows"
            + (found.projSize > 0 ? ", weight_hr_l0 projects to \(found.projSize)" : "")
        if let given {
            guard given == found.kind else {
                throw ValidationError(
                    "--module \(given.rawValue.lowercased()) does not fit the parameters under the prefix '\(prefix)', which are "
                        + "those of \(found) (\(blocks))\nuse --module \(found.kind.rawValue.lowercased()), or leave --module out")
            }
            let overridden = recorded.map { $0 == given ? "" : "; the file's metadata says \($0.rawValue)" } ?? ""
            return Setting(value: given, source: "--module" + overridden)
        }
        if let recorded {
            guard recorded == found.kind else {
                throw ValidationError(
                    "the file's metadata says the module is an nn.\(recorded.rawValue), but the parameters under the prefix '\(prefix)' "
                        + "are those of \(found) (\(blocks))\nuse --module \(found.kind.rawValue.lowercased()) to run them as the shapes say")
            }
            return Setting(value: recorded, source: "the file's metadata; the shapes agree")
        }
        return Setting(value: found.kind, source: "the shapes: \(blocks)")
    }
}
