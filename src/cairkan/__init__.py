"""Cairkan: claim Jaminan Hari Tua (JHT) from BPJS Ketenagakerjaan."""
