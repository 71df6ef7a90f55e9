"""`python -m lstm_demo`: the command line."""

import sys

from .cli import main

sys.exit(main())
