/// autograd's check of a gradient handed to `backward` (`torch.autograd.backward(outputs, gradients)`):
/// the gradient of the `index`-th output must have that output's shape.
func checkGradientShape(_ gradient: [Int], output: [Int], index: Int = 0) throws(TorchError) {
    guard gradient == output else {
        throw .runtimeError(
            "Mismatch in shape: grad_output[\(index)] has a shape of \(torchSize(gradient)) and output[\(index)] has a shape of "
                + "\(torchSize(output)).")
    }
}
