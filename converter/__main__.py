"""`python -m converter` runs the `oa2mcp` command."""

from converter.cli import main

main()
