"""Benchmarks at county and province scale: inbox generator (bench.generate), runner (bench.run)."""
