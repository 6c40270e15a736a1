"""Gateways to systems outside Cairkan: the population registry and the banks.

Each gateway is a small Protocol with a sandbox implementation that behaves like the
real system (latency, time-outs, outages, realistic data). The implementation in use is
chosen by a dotted path in settings, so a real adapter plugs in without code changes.
"""
