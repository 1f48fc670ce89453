/// Adam with decoupled weight decay: the Swift counterpart of `torch.optim.AdamW`, which PyTorch
/// makes as an ``Adam`` with `decoupled_weight_decay=True` and a default weight decay of 0.01.
///
/// Each step first shrinks every parameter with a gradient, `p *= 1 - lr · weight_decay`, then
/// takes Adam's step without weight decay in the moments.
///
/// ```swift
/// var optimizer = try AdamW<Float>(lr: 3e-4)          // weight_decay 0.01
/// try optimizer.step(&parameters, gradients: gradients)
/// ```
public struct AdamW<Scalar: RecurrentScalar>: Optimizer, Hashable {
    /// The Adam optimizer that takes the steps, with decoupled weight decay.
    public private(set) var adam: Adam<Scalar>

    /// `AdamW`.
    public static var pytorchClassName: String { "AdamW" }

    /// Creates the optimizer, `torch.optim.AdamW(params, lr=..., betas=..., eps=..., weight_decay=...,
    /// amsgrad=...)`, with PyTorch's defaults and checks.
    ///
    /// - Throws: `TorchError` as ``Adam/init(lr:betas:eps:weightDecay:amsgrad:decoupledWeightDecay:)`` does.
    public init(
        lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 1e-2,
        amsgrad: Bool = false
    ) throws(TorchError) {
        adam = try Adam(lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, decoupledWeightDecay: true)
    }

    /// The learning rate (`lr`).
    public var lr: Double {
        get { adam.lr }
        set { adam.lr = newValue }
    }

    /// One step of `torch.optim.AdamW`.
    ///
    /// - Throws: `TorchError` as ``Optimizer/step(_:gradients:)`` describes.
    public mutating func step(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>?]) throws(TorchError) {
        try adam.step(&parameters, gradients: gradients)
    }

    /// The state, as PyTorch's `AdamW.state_dict()` lays it out (`decoupled_weight_decay: True`).
    public func stateDict() -> OptimizerStateDict {
        adam.stateDict()
    }

    /// Loads a state dict PyTorch's `AdamW.state_dict()` (or `Adam`'s) wrote; the weight decay stays
    /// decoupled whatever the file says, as PyTorch's `AdamW` keeps it.
    ///
    /// - Throws: `TorchError` as ``Adam/loadStateDict(_:)`` does.
    public mutating func loadStateDict(_ stateDict: OptimizerStateDict) throws(TorchError) {
        var loaded = adam
        try loaded.loadStateDict(stateDict)
        loaded.decoupleWeightDecay()
        adam = loaded
    }
}
