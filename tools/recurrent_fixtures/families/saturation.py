"""tanh saturation: the input weights and biases and the inputs scaled up, the recurrent weights left
at their default initialisation (scaled up too, they make a sequence chaotic: fixtures/README.md)."""
from dataclasses import replace

from ..forward_case import forward_cases

IH_SCALE = 10.0
INPUT_SCALE = 3.0


def scale_input_weights(module):
    for name, p in module.named_parameters():
        if "_ih_" in name:
            p.mul_(IH_SCALE)


def generate(fs, spec, dtype):
    description = f"tanh saturated by W_ih, b_ih x{IH_SCALE:g} and inputs x{INPUT_SCALE:g}"
    forward_cases(fs, spec, (replace(sample, description=description) for sample in spec.saturation_inputs(spec)),
                  dtype, input_scale=INPUT_SCALE, prepare=scale_input_weights)
