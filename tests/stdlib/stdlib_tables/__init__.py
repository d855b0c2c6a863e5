"""One table of cases per stdlib pattern: NAME (registered name), CAPS (capabilities its agents need), CASES."""
