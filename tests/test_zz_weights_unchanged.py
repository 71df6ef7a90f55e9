"""Runs last (files run in name order): the pretrained weights' bytes are what they were before the suite."""

from conftest import WEIGHTS_AT_START, weights_digest


def test_the_suite_left_the_pretrained_weights_byte_for_byte_unchanged():
    assert weights_digest() == WEIGHTS_AT_START
