"""In-language tests: discovery of `test` blocks, running them with canned agents, snapshots and reports."""
