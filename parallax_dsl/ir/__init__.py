"""The IR: pydantic models of compiled patterns, lowering from the AST, and the networkx DAG view."""
