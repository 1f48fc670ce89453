"""Recurrent's fixture generator: golden cases written from real PyTorch.

    specs/            the registry: one spec per module (nn.RNN, nn.RNNCell) and the torch.nn.utils.rnn
                      functions, with the inputs each family writes for them
    families/         the families of cases, each written once over the specs
    schedule.py       the whole set, in the order it is drawn
    live.py           live_case: one random case for `conform --live`
    cli.py            the command line (tools/generate_fixtures.py runs it)
"""
