"""The network reads only what is visible: a hidden cell cannot leak into its own prediction."""

from __future__ import annotations

import torch
from distkit_coconet.data import TOKENS
from distkit_coconet.network import Infiller, network_input


def test_logits_have_a_distribution_per_lower_voice_and_step() -> None:
    network = Infiller(channels=16, stacks=1).eval()
    tokens = torch.randint(0, TOKENS, (2, 4, 40))
    logits = network(network_input(tokens, torch.ones(2, 3, 40, dtype=torch.bool)))
    assert logits.shape == (2, 3, 40, TOKENS)


def test_the_value_under_a_hidden_cell_does_not_change_the_output() -> None:
    torch.manual_seed(0)
    network = Infiller(channels=16, stacks=1).eval()
    tokens = torch.randint(0, TOKENS, (1, 4, 40))
    hidden = torch.zeros(1, 3, 40, dtype=torch.bool)
    hidden[0, 1, 10:20] = True
    changed = tokens.clone()
    changed[0, 2, 10:20] = (changed[0, 2, 10:20] + 7) % TOKENS
    with torch.no_grad():
        same = network(network_input(tokens, hidden)), network(network_input(changed, hidden))
        visible_change = network(network_input(changed, torch.zeros_like(hidden)))
    assert torch.equal(*same)
    assert not torch.equal(same[0], visible_change)


def test_the_soprano_is_never_replaced_by_the_hidden_token() -> None:
    tokens = torch.randint(0, TOKENS, (1, 4, 8))
    read = network_input(tokens, torch.ones(1, 3, 8, dtype=torch.bool))
    assert torch.equal(read[:, 0], tokens[:, 0])
    assert (read[:, 1:] == TOKENS).all()
