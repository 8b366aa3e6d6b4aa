"""A tiny sample package for the distseal demo."""

__version__ = "0.1.0"


def greet(name: str) -> str:
    """Return a greeting; the demo only needs some real code in the wheel."""
    return f"Hello, {name}: this wheel was signed with a throwaway key."
