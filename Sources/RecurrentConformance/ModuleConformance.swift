import Foundation
import Recurrent
import RecurrentFormats

/// How the cases of one PyTorch module (or family of functions) are run: the Swift half of a
/// generator spec in `tools/recurrent_fixtures/`.
///
/// A conformance reads what is particular to its module from a ``Fixture`` (the constructor's
/// keyword arguments, the inputs), builds the module at ``Fixture/Stage/construct``, runs it at
/// ``Fixture/Stage/forward`` (or calls a function at ``Fixture/Stage/call``) and hands its results
/// to the ``CaseRun`` to compare. Errors thrown inside a stage are compared with the one PyTorch
/// raised, stage, type and message; everything else about the case (warnings, tolerances, that
/// something was compared at all) is the runner's.
///
/// Adding a module is adding one conforming type, in its own file, and listing it in
/// ``ModuleConformances/all``: `docs/ARCHITECTURE.md` walks through it.
///
/// ```swift
/// struct GRUConformance: ModuleConformance {
///     static let module = "GRU"
///     init(_ fixture: Fixture) throws(FormatError) { ... }
///     var summary: String { ... }
///     func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) { ... }
/// }
/// ```
public protocol ModuleConformance: Sendable {
    /// The fixtures' `module` field for this module (`RNN`).
    static var module: String { get }

    /// Reads the module-specific part of a case.
    ///
    /// - Throws: `FormatError` when the case's metadata is missing or malformed, or asks for more
    ///   than ``FixtureLimits`` allow.
    init(_ fixture: Fixture) throws(FormatError)

    /// The case in one line: the module as PyTorch prints it, the dtype and the input's shape.
    var summary: String { get }

    /// Runs the case in `Scalar`, the fixture's dtype.
    func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError)

    /// Runs a checkpoint case (``CheckpointConformance``) of this module: builds the module from
    /// `stateDict`, the tensors of the file `torch.save` wrote, as the case's metadata says (`prefix`
    /// and the options a state dict cannot hold), and compares what it computes for the recorded input.
    static func runCheckpoint<Scalar: RecurrentScalar>(_ stateDict: StateDict, _ run: inout CaseRun<Scalar>) throws(CaseError)

    /// Runs a checkpoint case from the whole value the file holds (under the case's `key`), for a
    /// module whose checkpoint is not a flat state dict (an optimizer's). By default the value's
    /// tensors are taken as a state dict and handed to ``runCheckpoint(_:_:)``.
    static func runCheckpoint<Scalar: RecurrentScalar>(value: CheckpointValue, _ run: inout CaseRun<Scalar>) throws(CaseError)
}

extension ModuleConformance {
    /// A module without checkpoint cases: the case fails, naming the module.
    public static func runCheckpoint<Scalar: RecurrentScalar>(
        _ stateDict: StateDict, _ run: inout CaseRun<Scalar>
    ) throws(CaseError) {
        throw .harness("\(module) has no checkpoint cases in this runner")
    }

    /// Takes the value's tensors as a state dict and hands them to ``runCheckpoint(_:_:)``.
    public static func runCheckpoint<Scalar: RecurrentScalar>(
        value: CheckpointValue, _ run: inout CaseRun<Scalar>
    ) throws(CaseError) {
        guard let stateDict = value.stateDict else { throw .harness("the checkpoint holds no state dict there") }
        try runCheckpoint(stateDict, &run)
    }
}

/// Every module the runner knows, looked up by a fixture's `module` field.
public enum ModuleConformances {
    /// The conformances of this package's modules and functions.
    public static let all: [any ModuleConformance.Type] = [
        RNNConformance.self, LSTMConformance.self, GRUConformance.self, RNNCellConformance.self, LSTMCellConformance.self,
        GRUCellConformance.self, PackingConformance.self, CheckpointConformance.self,
        LinearConformance.self, EmbeddingConformance.self, MSELossConformance.self, CrossEntropyLossConformance.self,
        OptimizerConformance.self, ClipGradNormConformance.self, CharRNNTrainingConformance.self,
    ]

    /// The conformance for a fixture's `module` field.
    ///
    /// - Throws: `FormatError` listing the modules that exist when there is none.
    public static func conformance(for module: String) throws(FormatError) -> any ModuleConformance.Type {
        for type in all where type.module == module { return type }
        let known = all.map { $0.module }.joined(separator: ", ")
        throw FormatError("unknown module '\(module)' (known: \(known))")
    }
}

/// Why a case stopped before its end.
public enum CaseError: Error, CustomStringConvertible, LocalizedError {
    /// The library threw at a stage: compared with the error PyTorch recorded.
    case torch(Fixture.Stage, TorchError)
    /// The case could not be run as recorded (a tensor missing, a state that does not load): a
    /// failure of the case, whatever PyTorch did.
    case harness(String)

    /// The stage and the library's error, or what kept the case from running.
    public var description: String {
        switch self {
        case .torch(let stage, let error): "at \(stage.rawValue): \(error)"
        case .harness(let failure): failure
        }
    }

    /// The description, so that `error.localizedDescription` reads the same.
    public var errorDescription: String? { description }
}
