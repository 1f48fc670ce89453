import Foundation
import Testing
@testable import Recurrent

@Suite("The vectorised tanh")
struct ActivationTests {
    /// The distance between two values in units in the last place of the reference.
    static func ulps<Scalar: BinaryFloatingPoint>(_ value: Scalar, _ reference: Scalar) -> Double {
        if value == reference { return 0 }
        return Double((value - reference).magnitude / reference.ulp)
    }

    /// Points spread over [-20, 20], denser near 0, where the reduction's `k` changes (odd multiples of
    /// ln(2)/4) and where the result saturates.
    static func points(count: Int) -> [Double] {
        var generator = TorchGenerator(seed: 17)
        var values = (0..<count).map { _ in (generator.nextUnitDouble() * 2 - 1) * 20 }
        values += (0..<count).map { _ in (generator.nextUnitDouble() * 2 - 1) * 1 }
        values += (0..<count / 10).map { _ in (generator.nextUnitDouble() * 2 - 1) * 1e-3 }
        let steps = (0..<40).map { Double(2 * $0 + 1) * 0.693_147_180_559_945_3 / 4 }
        values += steps.flatMap { [$0, -$0, $0.nextDown, $0.nextUp] }
        values += [1e-30, -1e-30, 9, 10, 19.5, 0.5, 2, 5]
        return values
    }

    @Test("Float: at most 4 ulp from libm's tanh (the measured maximum)")
    func floatAccuracy() {
        var worst = 0.0
        for x in Self.points(count: 200_000) {
            let value = Float(x)
            worst = max(worst, Self.ulps(Activation.tanh(value), Float(Foundation.tanh(Double(value)))))
        }
        #expect(worst <= 4, "max error \(worst) ulp")
    }

    @Test("Double: at most 5 ulp from libm's tanh (the measured maximum)")
    func doubleAccuracy() {
        var worst = 0.0
        for x in Self.points(count: 200_000) {
            worst = max(worst, Self.ulps(Activation.tanh(x), Foundation.tanh(x)))
        }
        #expect(worst <= 5, "max error \(worst) ulp")
    }

    @Test("special values: NaN stays NaN, ±inf and huge values give ±1, the sign of zero is kept")
    func specialValues() {
        for (x, expected) in [(Double.infinity, 1.0), (-.infinity, -1), (1e300, 1), (-1e30, -1), (40, 1)] {
            #expect(Activation.tanh(x) == expected)
            #expect(Activation.tanh(Float(x)) == Float(expected))
        }
        #expect(Activation.tanh(Double.nan).isNaN)
        #expect(Activation.tanh(Float.nan).isNaN)
        #expect(Activation.tanh(-0.0).sign == .minus)
        #expect(Activation.tanh(Float(-0.0)).sign == .minus)
    }
}
