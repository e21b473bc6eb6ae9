"""Fitting the shipped models from the TRAIN split (never from DEV), outside the runtime.

Each `python -m training.<model>` rebuilds one model file under the runtime package that
loads it, with a manifest naming its version and the sha256 of the training set. The
runtime packages never import this package.
"""
