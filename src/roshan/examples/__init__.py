"""SIMULATED example data: a population of victims and several organisations' lists of it.

Every name is drawn at random from common Persian given names and surnames; no record is a real
person. Every list and file is labelled SIMULATED, and the ground truth is written beside it.
"""

from roshan.examples.simulate import ExampleList, ExampleSet, generate

__all__ = ["ExampleList", "ExampleSet", "generate"]
