"""Tests of the local cloud simulator (quectel_simulator), over raw HTTP."""
