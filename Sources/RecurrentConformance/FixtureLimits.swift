import Recurrent
import RecurrentFormats

/// The most a fixture may ask the runner to build or compute.
///
/// A fixture file is input like any other: a hand-written or damaged one could ask for a 100 000 ×
/// 100 000 weight, a `total_length` of 10^12 or a length of 2^63 - 1. The generator's cases stay far
/// below these limits (its largest tensor has under 10^5 elements); a case above them is refused
/// with a message that names the field, before anything is allocated. `fixtures/README.md` lists them.
public enum FixtureLimits {
    /// The largest size a case may give: each dimension of a tensor, each size-like keyword argument
    /// (`input_size`, `hidden_size`, `num_layers`, `total_length`, ...), and each value of an integer
    /// tensor (lengths, batch sizes, indices).
    public static let maxSize = 1 << 16
    /// The most elements one tensor of a case may hold.
    public static let maxTensorElements = 1 << 24
    /// The most elements a case may make the runner allocate for one module or result
    /// (``ModuleConformance`` estimates it before building anything).
    public static let maxWorkElements = 1 << 26

    /// Checks the fields every case has: tensor shapes, integer tensors' values and size-like
    /// keyword arguments in `config` and `arguments`.
    static func check(_ fixture: Fixture) throws(FormatError) {
        for (key, tensor) in fixture.tensors {
            if let dimension = tensor.shape.first(where: { $0 > maxSize }) {
                throw refusal(fixture, "tensor '\(key)' has a dimension of \(dimension)", limit: maxSize)
            }
            let count = tensor.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            if count > maxTensorElements {
                throw refusal(fixture, "tensor '\(key)' has \(count) elements", limit: maxTensorElements)
            }
            if let value = tensor.integers?.first(where: { $0.magnitude > maxSize }) {
                throw refusal(fixture, "integer tensor '\(key)' holds \(value)", limit: maxSize)
            }
        }
        for field in ["config", "arguments"] {
            guard let arguments = try fixture.json(field, as: [String: JSONNumber].self) else { continue }
            for (key, value) in arguments.sorted(by: { $0.key < $1.key }) where isSizeLike(key) {
                if let number = value.value, number.magnitude > Double(maxSize) {
                    let text = number.magnitude < 1e18 && number == number.rounded() ? "\(Int(number))" : "\(number)"
                    throw refusal(fixture, "\(field) '\(key)' is \(text)", limit: maxSize)
                }
            }
        }
    }

    /// Refuses a case whose module or result would hold more than ``maxWorkElements`` elements;
    /// `elements` is `nil` when counting them overflowed.
    static func checkWork(_ elements: Int?, of what: String, in fixture: Fixture) throws(FormatError) {
        guard let elements, elements <= maxWorkElements else {
            throw refusal(fixture, "\(what) would hold \(elements.map(String.init) ?? "more than Int.max") elements", limit: maxWorkElements)
        }
    }

    private static func isSizeLike(_ key: String) -> Bool {
        key.hasSuffix("_size") || key.hasSuffix("_length") || key == "num_layers"
    }

    private static func refusal(_ fixture: Fixture, _ what: String, limit: Int) -> FormatError {
        FormatError(
            "fixture \(fixture.name): \(what), above the runner's limit of \(limit) "
                + "(FixtureLimits; fixtures/README.md explains the limits)")
    }
}

/// A keyword argument's value when it is a JSON number (`nil` for a string, a boolean, null, ...):
/// torch's own checks deal with values of the wrong type, the limits only with sizes.
struct JSONNumber: Decodable {
    var value: Double?

    init(from decoder: any Decoder) throws {
        value = try? decoder.singleValueContainer().decode(Double.self)
    }
}

/// Counts elements with overflow reported as `nil`.
func elementCount(_ factors: Int...) -> Int? {
    var total = 1
    for factor in factors {
        let (product, overflow) = total.multipliedReportingOverflow(by: max(factor, 0))
        if overflow { return nil }
        total = product
    }
    return total
}
