"""Deterministic demo population of Kabupaten Hulu Sungai Utara."""
