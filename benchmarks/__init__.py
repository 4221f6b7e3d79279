"""Scale benchmarks: a synthetic corpus generator and a stage-by-stage benchmark runner."""
