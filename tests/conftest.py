import os
import sys

# The init's sources, for the unit tests that import them directly.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "init"))
