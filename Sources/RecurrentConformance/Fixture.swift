import Foundation
import Recurrent
import RecurrentFormats

/// One conformance case as the generator in `tools/` writes it: a safetensors file holding the
/// module's parameters, the inputs and PyTorch's result, described by its metadata.
///
/// `fixtures/README.md` documents the format field by field.
public struct Fixture: Sendable {
    /// The format this reader understands, written in every fixture's `format` field.
    public static let format = "recurrent-fixture/1"

    /// What a case exercises.
    public enum Module: String, Sendable, Codable {
        /// `torch.nn.RNN`.
        case rnn = "RNN"
        /// `torch.nn.RNNCell`.
        case rnnCell = "RNNCell"
        /// A function of `torch.nn.utils.rnn`, named by ``Fixture/function``.
        case utilities = "utils"
    }

    /// What PyTorch did, which the Swift side must reproduce.
    public enum Expectation: Hashable, Sendable {
        /// Returned `output` (and `h_n` for an RNN).
        case output
        /// Built the module (with the recorded warnings); its state is in the file.
        case state
        /// Raised an exception of `type` with `message` while constructing or running the module.
        case error(stage: String, type: String, message: String)
    }

    /// The case's name: the file name without `.safetensors`.
    public var name: String
    /// The module under test.
    public var module: Module
    /// The constructor arguments, as PyTorch received them (`nil` for a utility function).
    public var config: Configuration?
    /// Whether an RNN case feeds a packed sequence (`input` padded with `lengths`, or `packed.*`).
    public var isPacked: Bool
    /// For a packed RNN case: the `enforce_sorted` argument of the packing.
    public var enforceSorted: Bool
    /// For a utility case: the `torch.nn.utils.rnn` function called.
    public var function: String?
    /// For a utility case: the keyword arguments of the call.
    public var arguments: Arguments
    /// For a utility case: the positional inputs, in order (each a tensor name, a `name.N` list, or a
    /// `name.data`... packed sequence).
    public var inputNames: [String]
    /// The module's dtype.
    public var dtype: DType
    /// Whether the module ran in training mode.
    public var training: Bool
    /// What PyTorch did.
    public var expectation: Expectation
    /// The warnings PyTorch issued while constructing the module.
    public var warnings: [String]
    /// The seed passed to `torch.manual_seed` before constructing the module, when its parameters are
    /// the untouched initialisation.
    public var initSeed: UInt64?
    /// The seed passed to `torch.manual_seed` before a training-mode forward with dropout.
    public var dropoutSeed: UInt64?
    /// The tolerance the outputs are compared with.
    public var tolerance: Tolerance
    /// Whether NaN in the expected output matches NaN.
    public var equalNaN: Bool
    /// The tensors: `state.<parameter>`, `input`, `h0`/`hx`, `output`, `h_n`.
    public var tensors: StateDict
    /// Every metadata field, including the torch version and the generator's seed.
    public var metadata: [String: String]

    /// The constructor arguments of `nn.RNN` / `nn.RNNCell`, as the generator passed them.
    public struct Configuration: Hashable, Sendable, Codable {
        /// `input_size`.
        public var inputSize: Int
        /// `hidden_size`.
        public var hiddenSize: Int
        /// `num_layers` (RNN only).
        public var numLayers: Int?
        /// `nonlinearity`, as the string PyTorch received.
        public var nonlinearity: String?
        /// `bias`.
        public var bias: Bool?
        /// `batch_first` (RNN only).
        public var batchFirst: Bool?
        /// `dropout` (RNN only).
        public var dropout: Double?
        /// `bidirectional` (RNN only).
        public var bidirectional: Bool?

        enum CodingKeys: String, CodingKey {
            case inputSize = "input_size", hiddenSize = "hidden_size", numLayers = "num_layers"
            case nonlinearity, bias, batchFirst = "batch_first", dropout, bidirectional
        }
    }

    /// The keyword arguments of a `torch.nn.utils.rnn` call.
    public struct Arguments: Hashable, Sendable, Codable {
        /// `batch_first`.
        public var batchFirst: Bool?
        /// `enforce_sorted`.
        public var enforceSorted: Bool?
        /// `padding_value`.
        public var paddingValue: Double?
        /// `total_length`.
        public var totalLength: Int?
        /// `padding_side`.
        public var paddingSide: String?

        enum CodingKeys: String, CodingKey {
            case batchFirst = "batch_first", enforceSorted = "enforce_sorted", paddingValue = "padding_value"
            case totalLength = "total_length", paddingSide = "padding_side"
        }
    }

    /// Reads a fixture file.
    ///
    /// - Throws: `FormatError` when the file is not a fixture this reader understands.
    public init(contentsOf url: URL) throws {
        let file = try Safetensors.read(contentsOf: url)
        try self.init(name: url.deletingPathExtension().lastPathComponent, file: file)
    }

    /// Interprets the contents of a fixture file.
    ///
    /// - Throws: `FormatError` when a metadata field is missing or malformed.
    public init(name: String, file: Safetensors.File) throws(FormatError) {
        let metadata = file.metadata
        func field(_ key: String) throws(FormatError) -> String {
            guard let value = metadata[key] else { throw FormatError("fixture \(name): no metadata field '\(key)'") }
            return value
        }
        func number(_ key: String) throws(FormatError) -> Double {
            guard let value = Double(try field(key)) else { throw FormatError("fixture \(name): '\(key)' is not a number") }
            return value
        }
        guard try field("format") == Self.format else {
            throw FormatError("fixture \(name): format '\(metadata["format"] ?? "")' is not \(Self.format)")
        }
        self.name = name
        self.metadata = metadata
        self.tensors = file.tensors
        guard let module = Module(rawValue: try field("module")) else {
            throw FormatError("fixture \(name): unknown module '\(metadata["module"] ?? "")'")
        }
        self.module = module
        guard let dtype = DType(rawValue: try field("dtype")) else {
            throw FormatError("fixture \(name): unknown dtype '\(metadata["dtype"] ?? "")'")
        }
        self.dtype = dtype
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            config = try metadata["config"].map { try decoder.decode(Configuration.self, from: Data($0.utf8)) }
            warnings = try decoder.decode([String].self, from: Data((metadata["warnings"] ?? "[]").utf8))
            arguments = try decoder.decode(Arguments.self, from: Data((metadata["arguments"] ?? "{}").utf8))
            inputNames = try decoder.decode([String].self, from: Data((metadata["inputs"] ?? "[]").utf8))
        } catch let error as FormatError {
            throw error
        } catch {
            throw FormatError("fixture \(name): malformed config or warnings (\(error))")
        }
        if module != .utilities && config == nil { throw FormatError("fixture \(name): no metadata field 'config'") }
        function = metadata["function"]
        if module == .utilities && function == nil { throw FormatError("fixture \(name): no metadata field 'function'") }
        isPacked = metadata["input_kind"] == "packed"
        enforceSorted = metadata["enforce_sorted"] != "false"
        training = metadata["training"] == "true"
        initSeed = metadata["init_seed"].flatMap { UInt64($0) }
        dropoutSeed = metadata["dropout_seed"].flatMap { UInt64($0) }
        equalNaN = metadata["equal_nan"] == "true"
        switch try field("expect") {
        case "output": expectation = .output
        case "state": expectation = .state
        case "error":
            expectation = .error(stage: try field("error_stage"), type: try field("error_type"), message: try field("error_message"))
        case let other: throw FormatError("fixture \(name): unknown expectation '\(other)'")
        }
        if case .error = expectation {
            tolerance = .assertCloseDefault(for: dtype)
        } else {
            tolerance = Tolerance(relative: try number("rtol"), absolute: try number("atol"))
        }
    }

    /// A one-line summary of the case: the module as PyTorch would print it, with the dtype, the
    /// input's shape and the mode.
    public var summary: String {
        guard let config else {
            return "\(function ?? "?")(\(inputNames.joined(separator: ", "))) \(dtype.rawValue)"
        }
        var parts = ["\(config.inputSize)", "\(config.hiddenSize)"]
        if let layers = config.numLayers, layers != 1 { parts.append("num_layers=\(layers)") }
        if let nonlinearity = config.nonlinearity, nonlinearity != "tanh" { parts.append("nonlinearity=\(nonlinearity)") }
        if config.bias == false { parts.append("bias=False") }
        if config.batchFirst == true { parts.append("batch_first=True") }
        if let dropout = config.dropout, dropout != 0 || dropout.isNaN { parts.append("dropout=\(dropout)") }
        if config.bidirectional == true { parts.append("bidirectional=True") }
        var text = "\(module.rawValue)(\(parts.joined(separator: ", "))) \(dtype.rawValue)"
        if let input = tensors["input"] { text += " in\(formatTuple(input.shape))" }
        if isPacked, let lengths = tensors["lengths"]?.integers ?? tensors["packed.batch_sizes"]?.integers {
            text += tensors["lengths"] != nil ? " lengths\(formatList(lengths))" : " batch_sizes\(formatList(lengths))"
        }
        if let h0 = tensors["h0"] ?? tensors["hx"] { text += " h0\(formatTuple(h0.shape))" }
        if training && (config.dropout ?? 0) > 0 { text += " train" }
        return text
    }
}

/// The fixture files of a directory.
public enum FixtureDirectory {
    /// The fixture files in `directory` whose case names match `filter` (a regular expression searched
    /// for anywhere in the name; all files when `nil`), sorted by name.
    ///
    /// - Throws: when the directory cannot be listed or `filter` is not a valid regular expression.
    public static func caseFiles(in directory: URL, matching filter: String? = nil) throws -> [URL] {
        let regex = try filter.map { try Regex($0) }
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "safetensors" }
            .filter { url in regex.map { url.deletingPathExtension().lastPathComponent.contains($0) } ?? true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
