import Foundation
import Recurrent
import RecurrentFormats

/// One conformance case as the generator in `tools/` writes it: a safetensors file holding the
/// module's parameters, the inputs and PyTorch's result, described by its metadata.
///
/// The fields every case has are read here; what is particular to a module (its constructor
/// arguments, its inputs) is read by the module's ``ModuleConformance``, found by ``module``.
/// `fixtures/README.md` documents the format field by field.
///
/// ```swift
/// let fixture = try Fixture(contentsOf: url)
/// print(fixture.module, fixture.dtype)           // RNN float32
/// let result = FixtureRunner.run(fixture)
/// ```
public struct Fixture: Sendable {
    /// The format of a module case, written in its `format` field.
    public static let format = "recurrent-fixture/1"
    /// The format of a checkpoint case (`checkpoints/NAME.expected.safetensors`).
    public static let checkpointFormat = "recurrent-checkpoint/1"
    /// The file-name suffix of a checkpoint case.
    public static let checkpointSuffix = ".expected.safetensors"
    /// The ``module`` of a checkpoint case.
    public static let checkpointModule = "checkpoint"

    /// Where PyTorch raised an exception, as the generator records it in `error_stage`.
    public enum Stage: String, Hashable, Sendable, CaseIterable, Codable {
        /// The module's constructor.
        case construct
        /// The module's `forward`.
        case forward
        /// A function call (`torch.nn.utils.rnn`).
        case call
    }

    /// What PyTorch did, which the Swift side must reproduce.
    public enum Expectation: Hashable, Sendable {
        /// Returned results, which are compared.
        case output
        /// Built the module (with the recorded warnings); its state is in the file.
        case state
        /// Raised an exception of `type` with `message` at `stage`.
        case error(stage: Stage, type: String, message: String)
    }

    /// The case's name: the file name without its extension.
    public var name: String
    /// The fixture's `module` field (`RNN`, `RNNCell`, `utils`), or ``checkpointModule``.
    public var module: String
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
    /// The tolerance the file asks for; ``FixtureRunner`` accepts it only when it is no looser than
    /// `assert_close`'s default for ``dtype`` (see ``TolerancePolicy``).
    public var tolerance: Tolerance
    /// Whether NaN in the expected output matches NaN.
    public var equalNaN: Bool
    /// The tensors: `state.<parameter>`, inputs and PyTorch's results.
    public var tensors: StateDict
    /// Every metadata field, including the torch version and the generator's seed.
    public var metadata: [String: String]
    /// The directory the case was read from, where a checkpoint case finds its checkpoint.
    public var directory: URL?

    /// Reads a fixture file: a module case (`NAME.safetensors`) or a checkpoint case
    /// (`NAME.expected.safetensors`).
    ///
    /// - Throws: `FormatError` when the file is not a fixture this reader understands, or asks for
    ///   more than ``FixtureLimits`` allow.
    public init(contentsOf url: URL) throws {
        let file = try Safetensors.read(contentsOf: url)
        try self.init(name: Self.caseName(of: url), file: file, directory: url.deletingLastPathComponent())
    }

    /// The case name of a fixture file: its name without `.safetensors`, or `checkpoint_NAME` for
    /// `checkpoints/NAME.expected.safetensors`.
    public static func caseName(of url: URL) -> String {
        let file = url.lastPathComponent
        if file.hasSuffix(checkpointSuffix) { return "checkpoint_" + file.dropLast(checkpointSuffix.count) }
        return url.deletingPathExtension().lastPathComponent
    }

    /// Interprets the contents of a fixture file.
    ///
    /// - Throws: `FormatError` when a metadata field is missing or malformed.
    public init(name: String, file: Safetensors.File, directory: URL? = nil) throws(FormatError) {
        let metadata = file.metadata
        self.name = name
        self.metadata = metadata
        self.tensors = file.tensors
        self.directory = directory
        func field(_ key: String) throws(FormatError) -> String {
            guard let value = metadata[key] else { throw FormatError("fixture \(name): no metadata field '\(key)'") }
            return value
        }
        switch try field("format") {
        case Self.format: module = try field("module")
        case Self.checkpointFormat: module = Self.checkpointModule
        case let other: throw FormatError("fixture \(name): format '\(other)' is neither \(Self.format) nor \(Self.checkpointFormat)")
        }
        guard let dtype = DType(rawValue: try field("dtype")) else {
            throw FormatError("fixture \(name): unknown dtype '\(metadata["dtype"] ?? "")'")
        }
        self.dtype = dtype
        training = metadata["training"] == "true"
        initSeed = try Self.seed(metadata["init_seed"], "init_seed", name)
        dropoutSeed = try Self.seed(metadata["dropout_seed"], "dropout_seed", name)
        equalNaN = metadata["equal_nan"] == "true"
        warnings = []
        // A checkpoint case always expects its module's output.
        let expect = module == Self.checkpointModule ? "output" : try field("expect")
        switch expect {
        case "output": expectation = .output
        case "state": expectation = .state
        case "error":
            guard let stage = Stage(rawValue: try field("error_stage")) else {
                throw FormatError(
                    "fixture \(name): unknown error_stage '\(metadata["error_stage"] ?? "")' "
                        + "(one of \(Stage.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            expectation = .error(stage: stage, type: try field("error_type"), message: try field("error_message"))
        case let other: throw FormatError("fixture \(name): unknown expectation '\(other)'")
        }
        if case .error = expectation {
            tolerance = .assertCloseDefault(for: dtype)
        } else {
            func number(_ key: String) throws(FormatError) -> Double {
                guard let value = Double(try field(key)) else { throw FormatError("fixture \(name): '\(key)' is not a number") }
                return value
            }
            tolerance = Tolerance(relative: try number("rtol"), absolute: try number("atol"))
        }
        warnings = try json("warnings", as: [String].self) ?? []
        try FixtureLimits.check(self)
    }

    private static func seed(_ text: String?, _ key: String, _ name: String) throws(FormatError) -> UInt64? {
        guard let text else { return nil }
        guard let value = UInt64(text) else { throw FormatError("fixture \(name): '\(key)' is not a seed (\(text))") }
        return value
    }

    /// The metadata field `key` decoded from JSON as PyTorch's keyword arguments are written (a
    /// non-finite float as `"nan"`, `"inf"` or `"-inf"`), or `nil` when the field is absent.
    ///
    /// - Throws: `FormatError` naming the field when its JSON does not decode as `T`.
    public func json<T: Decodable>(_ key: String, as _: T.Type) throws(FormatError) -> T? {
        guard let text = metadata[key] else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw FormatError("fixture \(name): malformed '\(key)' (\(error))")
        }
    }

    /// The metadata field `key` decoded from JSON as ``json(_:as:)`` decodes it, which the case must have.
    ///
    /// - Throws: `FormatError` naming the case and the field when it is absent or does not decode as `T`.
    public func requiredJSON<T: Decodable>(_ key: String, as type: T.Type) throws(FormatError) -> T {
        guard let value = try json(key, as: type) else { throw FormatError("fixture \(name): no metadata field '\(key)'") }
        return value
    }

    /// The metadata field `key`, or a `FormatError` naming the case and the field.
    public func field(_ key: String) throws(FormatError) -> String {
        guard let value = metadata[key] else { throw FormatError("fixture \(name): no metadata field '\(key)'") }
        return value
    }

    /// Whether the case expects an error.
    public var expectsError: Bool {
        if case .error = expectation { true } else { false }
    }
}
