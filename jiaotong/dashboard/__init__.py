"""The leaders' annual dashboard, year closing, consistency checks and the
report draft.  Everything here reads figures from the indicator registry
(jiaotong.metrics.registry) and never computes a figure itself."""
