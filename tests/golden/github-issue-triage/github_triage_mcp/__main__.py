"""`python -m github_triage_mcp`: the server's command line."""

import sys

from .main import main

sys.exit(main())
