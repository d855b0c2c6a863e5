"""Semantic analysis: scopes and name resolution, input types, settings, built-ins and did-you-mean."""
